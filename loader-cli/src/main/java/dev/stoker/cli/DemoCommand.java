package dev.stoker.cli;

import dev.stoker.api.RunSummary;
import dev.stoker.api.SampleSource;
import dev.stoker.pipeline.ImageFolderSource;
import dev.stoker.pipeline.Loader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code stoker demo [DIR]}: streams a dataset through the whole path into a {@link BatchChecker}
 * that checks every batch (shape, label range, boxes) and releases it. Without DIR (or
 * {@code --annotations}) it makes a small synthetic ImageFolder dataset first, under
 * {@code ~/.cache/stoker/demo}, and reuses it next time.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Streams a dataset (ImageFolder, COCO or VOC; by default a generated one) into a checking consumer.")
final class DemoCommand implements Callable<Integer> {
  @Parameters(index = "0", arity = "0..1", paramLabel = "DIR",
      description = "an ImageFolder tree, a COCO directory (annotations.json + images/) or a VOC directory "
          + "(default: a generated demo set)")
  Path dir;

  @Mixin
  DatasetOptions dataset = new DatasetOptions();

  @Mixin
  LoaderOptions options = new LoaderOptions();

  @Option(names = "--epochs", paramLabel = "E", description = "epochs to run (default: ${DEFAULT-VALUE})")
  int epochs = 3;

  @Option(names = "--per-class", paramLabel = "N", description = "images per class in the generated set (default: ${DEFAULT-VALUE})")
  int perClass = 60;

  DemoCommand() {
    options.batch = 32;
  }

  @Override
  public Integer call() {
    Path data = null;
    if (dir == null && !dataset.given()) {
      data = DemoDataset.defaultDir();
      System.err.println("demo: " + (DemoDataset.ensure(data, perClass) ? "made" : "reusing")
          + " a synthetic dataset of " + DemoDataset.CLASSES.size() * perClass + " JPEGs in "
          + DemoDataset.CLASSES.size() + " classes under " + data);
    }
    long opening = System.nanoTime();
    SampleSource source = data != null ? ImageFolderSource.open(data) : dataset.open(dir);
    Duration listTime = Duration.ofNanos(System.nanoTime() - opening);
    Summaries.printWarnings(source, System.err);
    try (Loader loader = options.build(source, listTime)) {
      System.err.printf("demo: %s -> %s batches, preset %s, %d threads, decoder %s, ring of %d slots%n",
          loader.sourceDescription(), loader.layout(), options.presetFor(source), options.threads,
          loader.decoderName(), options.ringSlots);
      BatchChecker checker = new BatchChecker(loader.layout(), source.classes().size(), source.hasBoxes());
      RunSummary summary;
      try (ProgressLine line = new ProgressLine("demo", loader::progress, System.err)) {
        summary = loader.run(0, epochs, checker);
      }
      Summaries.print(summary, System.out);
      if (options.failuresFile != null) {
        Summaries.writeFailures(summary, options.failuresFile);
      }
      Summaries.printStages(loader.stageReport(), System.out);
      long expected = loader.samplesPerEpoch() * epochs;
      String boxes = loader.layout().hasBoxes()
          ? String.format(", %,d boxes inside the image and not degenerate", checker.boxes()) : "";
      System.out.printf("checked %,d batches: shapes %s, labels in [%d, %d)%s, every class seen: %s; "
              + "delivered + failed = %,d of %,d%n", checker.batches(), loader.layout(), source.hasBoxes() ? -1 : 0,
          source.classes().size(), boxes, checker.allClassesSeen(), summary.delivered() + summary.failed(), expected);
      return summary.delivered() + summary.failed() == expected ? 0 : 2;
    }
  }
}
