package dev.stoker.cli;

import dev.stoker.api.Batch;
import dev.stoker.api.BatchConsumer;
import dev.stoker.api.BatchLayout;
import dev.stoker.api.LoaderException;
import dev.stoker.api.RunSummary;
import dev.stoker.pipeline.ImageFolderSource;
import dev.stoker.pipeline.Loader;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code stoker demo [DIR]}: streams a dataset through the whole path into a consumer that checks
 * every batch (shape, label range) and releases it. Without DIR it makes a small synthetic dataset
 * first, under {@code ~/.cache/stoker/demo}, and reuses it next time.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Streams an ImageFolder tree (by default a generated one) into a checking consumer.")
final class DemoCommand implements Callable<Integer> {
  @Parameters(index = "0", arity = "0..1", paramLabel = "DIR", description = "an ImageFolder tree (default: a generated demo set)")
  Path dir;

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
    Path data = dir;
    if (data == null) {
      data = DemoDataset.defaultDir();
      System.err.println("demo: " + (DemoDataset.ensure(data, perClass) ? "made" : "reusing")
          + " a synthetic dataset of " + DemoDataset.CLASSES.size() * perClass + " JPEGs in "
          + DemoDataset.CLASSES.size() + " classes under " + data);
    }
    ImageFolderSource source = ImageFolderSource.open(data);
    try (Loader loader = options.build(source)) {
      System.err.printf("demo: %s -> %s batches, %d threads, decoder %s, ring of %d slots%n",
          loader.sourceDescription(), loader.layout(), options.threads, loader.decoderName(), options.ringSlots);
      BatchChecker checker = new BatchChecker(loader.layout(), source.classes().size());
      RunSummary summary;
      try (ProgressLine line = new ProgressLine("demo", loader::progress, System.err)) {
        summary = loader.run(0, epochs, checker);
      }
      Summaries.print(summary, System.out);
      long expected = (long) source.size() * epochs;
      System.out.printf("checked %,d batches: shapes %s, labels in [0, %d), every class seen: %s; "
              + "delivered + failed = %,d of %,d%n", checker.batches, loader.layout(), source.classes().size(),
          checker.allClassesSeen(), summary.delivered() + summary.failed(), expected);
      return summary.delivered() + summary.failed() == expected ? 0 : 2;
    }
  }

  /** Checks each batch the way a training step would rely on it. */
  static final class BatchChecker implements BatchConsumer {
    private final BatchLayout layout;
    private final int classes;
    private final long[] perClass;
    long batches;

    BatchChecker(BatchLayout layout, int classes) {
      this.layout = layout;
      this.classes = classes;
      this.perClass = new long[classes];
    }

    @Override
    public void accept(Batch batch) {
      if (!batch.layout().equals(layout) || batch.size() < 1 || batch.size() > layout.batchSize()
          || batch.pixels().byteSize() != batch.size() * layout.sampleBytes()) {
        throw new LoaderException("batch " + batch.indexInEpoch() + " of epoch " + batch.epoch()
            + " has the wrong shape: " + batch.size() + " samples of " + batch.layout());
      }
      for (int i = 0; i < batch.size(); i++) {
        int label = batch.label(i);
        if (label < 0 || label >= classes) {
          throw new LoaderException("label " + label + " out of range [0, " + classes + ") in batch "
              + batch.indexInEpoch() + " of epoch " + batch.epoch());
        }
        perClass[label]++;
      }
      batches++;
    }

    boolean allClassesSeen() {
      for (long n : perClass) {
        if (n == 0) {
          return false;
        }
      }
      return true;
    }
  }
}
