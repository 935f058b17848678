package dev.stoker.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stoker.api.BatchConsumer;
import dev.stoker.api.LoaderState;
import dev.stoker.api.RunSummary;
import dev.stoker.api.SampleSource;
import dev.stoker.api.TransformSpec;
import dev.stoker.cuda.DeviceFeed;
import dev.stoker.cuda.DeviceTransform;
import dev.stoker.cuda.FeedStats;
import dev.stoker.cuda.PixelType;
import dev.stoker.dataset.ImageFolderSource;
import dev.stoker.cuda.trainer.ReferenceTrainer;
import dev.stoker.cuda.trainer.TrainingReport;
import dev.stoker.pipeline.Loader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code stoker demo [DIR]}: streams a dataset through the whole path into a {@link BatchChecker}
 * that checks every batch (shape, label range, boxes), then through a {@link DeviceFeed} (pinned
 * slots, copy to the GPU and normalization there; or the host fallback) into the
 * {@link ReferenceTrainer}, whose falling loss and above-chance accuracy prove that images and
 * labels arrived intact and aligned. Without DIR (or {@code --annotations}, or {@code --remote}
 * nodes that serve and process a dataset) it makes a small synthetic ImageFolder dataset first,
 * under {@code ~/.cache/stoker/demo}, and reuses it next time.
 * Before the run it prints the class list (label and name). With {@code --json} the last line is
 * a JSON object with the backend (device, driver version or why it fell back), the decoder,
 * throughput, consumer wait, the trainer's figures and the class names ({@code class_names}, index = label).
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Streams a dataset (ImageFolder, COCO, VOC, a manifest, a pack or tar shards, local or remote; by "
        + "default a generated one) into a checking consumer.")
final class DemoCommand implements Callable<Integer> {
  @Parameters(index = "0", arity = "0..1", paramLabel = "DIR",
      description = "an ImageFolder tree, a COCO directory (annotations.json + images/), a VOC directory, a .csv/.jsonl manifest, a packed dataset or tar shards (a directory, a descriptor or a .tar), or an s3://bucket/prefix or http(s):// location (default: a generated demo set)")
  String dir;

  @Mixin
  DatasetOptions dataset = new DatasetOptions();

  @Mixin
  LoaderOptions options = new LoaderOptions();

  @Mixin
  RemoteNodeOptions remote = new RemoteNodeOptions();

  @Mixin
  MetricsOptions metrics = new MetricsOptions();

  @Mixin
  StateOptions state = new StateOptions();

  @Mixin
  ReportOptions report = new ReportOptions();

  @Option(names = "--epochs", paramLabel = "E", description = "epochs to run (default: ${DEFAULT-VALUE})")
  int epochs = 3;

  @Option(names = "--per-class", paramLabel = "N", description = "images per class in the generated set (default: ${DEFAULT-VALUE})")
  int perClass = 60;

  @Option(names = "--json", description = "end with one JSON line: backend, device, decoder, images_per_s, consumer_wait_pct, loss_start, "
      + "loss_end, accuracy, chance, class_names (index = label) and more; a run that fails or is interrupted "
      + "prints one too, with an error field and the counts so far")
  boolean json;

  @Option(names = "--learning-rate", paramLabel = "LR", description = "the reference trainer's step size (default: ${DEFAULT-VALUE})")
  float learningRate = ReferenceTrainer.DEFAULT_LEARNING_RATE;

  /** Class names printed before a run; {@code stoker list} prints them all. */
  private static final int CLASSES_SHOWN = 100;

  /** What one demo run produced. */
  private record Outcome(RunSummary summary, TrainingReport training) {}

  DemoCommand() {
    options.batch = 32;
  }

  @Override
  public Integer call() {
    if (epochs < 1) {
      throw new UsageException("--epochs: must be at least 1, got " + epochs);
    }
    options.check();
    state.check("demo");
    if (options.transforms != null && options.transforms.getLast() instanceof TransformSpec.Normalize) {
      throw new UsageException("--transforms: demo normalizes on the GPU (or the host) itself and needs uint8 "
          + "batches; leave out Normalize (bench takes it)");
    }
    if (!options.batchTransforms.isEmpty()) {
      throw new UsageException("--transforms: demo's reference model trains on hard labels, so it cannot use "
          + options.batchTransforms.getFirst().getClass().getSimpleName() + "'s soft targets; leave out the batch "
          + "steps (bench and the Java API take them)");
    }
    remote.check(dir, dataset, options);
    if (perClass < 1) {
      throw new UsageException("--per-class: must be at least 1, got " + perClass);
    }
    if (!(learningRate > 0) || !Float.isFinite(learningRate)) {
      throw new UsageException("--learning-rate: must be a positive number, got " + learningRate);
    }
    report.check("demo");   // last: it makes the temporary file that the finally below deletes
    try (MetricsOptions.Endpoint endpoint = metrics.start("demo", System.err);
        RunRecord record = RunRecord.open("demo", options.failuresFile, json, System.out, System.err)) {
      options.meters = endpoint == null ? null : endpoint.registry();
      return open(record);
    } finally {
      report.discard();   // a run that failed leaves no temporary file
    }
  }

  private int open(RunRecord record) {
    if (remote.given()) {
      long opening = System.nanoTime();
      try (Input input = Input.nodes(remote.connect(dir, dataset, options))) {
        return demo(input, Duration.ofNanos(System.nanoTime() - opening), record);
      }
    }
    Path data = null;
    if (dir == null && !dataset.given()) {
      data = DemoDataset.defaultDir();
      System.err.println("demo: " + (DemoDataset.ensure(data, perClass) ? "made" : "reusing")
          + " a synthetic dataset of " + DemoDataset.CLASSES.size() * perClass + " JPEGs in "
          + DemoDataset.CLASSES.size() + " classes under " + data);
    }
    long opening = System.nanoTime();
    try (DatasetOptions opened = dataset) {
      SampleSource source = data != null ? ImageFolderSource.open(data, dataset.files.sourceOptions()) : opened.open(dir);
      return demo(Input.local(source), Duration.ofNanos(System.nanoTime() - opening), record);
    }
  }

  private int demo(Input input, Duration listTime, RunRecord record) {
    if (input.local() != null) {
      Summaries.printWarnings(input.local(), System.err);
    }
    List<String> classes = input.classes();
    Summaries.printClasses("demo", classes, CLASSES_SHOWN, System.err);
    boolean hasBoxes = input.hasBoxes();
    try (DeviceFeed feed = DeviceFeed.open(DeviceTransform.imagenet(PixelType.FLOAT32));
        Loader loader = options.build(input, listTime, feed.rings(), record::failed);
        RunTimeline timeline = report.timeline(loader)) {
      System.err.printf("demo: %s -> %s batches, %s, %d threads, decoder %s, ring of %d %s slots, backend %s%s%s%n",
          loader.sourceDescription(), loader.layout(), options.describeTransforms(hasBoxes), loader.tuning().threads(),
          Summaries.decoder(loader.decoderName()), loader.tuning().ringSlots(), feed.backend().equals("cuda") ? "pinned" : "direct", feed.backend(),
          feed.backend().equals("cuda") ? " (" + feed.cuda().device() + ")" : " (" + feed.cuda().reason() + ")",
          options.shardOrigin);
      state.checkResume(loader, "; the reference trainer starts afresh");
      LoaderState resumed = state.resumed();
      record.onInterrupt(() -> state.interrupted(loader, () -> { }));
      BatchChecker checker = new BatchChecker(loader.layout(), classes.size(), hasBoxes);
      // detection sources label an image by its first box (or -1): nothing a classifier can learn
      boolean train = !hasBoxes && !classes.isEmpty();
      ReferenceTrainer trainer = train ? new ReferenceTrainer(classes.size(), loader.layout().channels(),
          learningRate) : null;
      BatchConsumer toDevice = train ? feed.consumer(trainer, trainer) : feed.consumer(batch -> { }, batch -> { });
      Outcome outcome;
      try (ProgressLine line = new ProgressLine("demo", loader::progress, loader.samplesPerEpoch() * epochs, System.err)) {
        record.watch(loader::progress, line, true);
        outcome = feed.call(() -> {
          try {
            BatchConsumer consumer = state.track(loader, batch -> {
              checker.accept(batch);
              toDevice.accept(batch);
            });
            RunSummary run = resumed == null ? loader.run(0, epochs, consumer) : loader.run(resumed, epochs, consumer);
            return new Outcome(run, train ? trainer.report() : null);
          } finally {
            if (trainer != null) {
              trainer.close();
            }
          }
        });
      } catch (RuntimeException e) {
        record.onInterrupt(() -> { });
        try {
          state.save(loader.state(), "failed");
        } catch (RuntimeException notSaved) {
          e.addSuppressed(notSaved);   // the run's error is the one to report
          System.err.println("demo: " + notSaved.getMessage());
        }
        record.runFailed(e);
        throw e;
      }
      record.onInterrupt(() -> { });
      state.save(loader.state(), "ended");
      RunSummary summary = outcome.summary();
      Summaries.print(summary, System.out);
      Summaries.printTuning(loader.tuning(), System.out);
      Summaries.printStages(loader.stageReport(), System.out);
      long expected = loader.samplesPerEpoch() * epochs - (resumed == null ? 0 : resumed.position());
      String boxes = loader.layout().hasBoxes()
          ? String.format(", %,d boxes inside the image and not degenerate", checker.boxes()) : "";
      System.out.printf("checked %,d batches: shapes %s, labels in [%d, %d)%s, every class seen: %s; "
              + "delivered + failed = %,d of %,d%n", checker.batches(), loader.layout(), hasBoxes ? -1 : 0,
          classes.size(), boxes, checker.allClassesSeen(), summary.delivered() + summary.failed(), expected);
      TrainingReport training = outcome.training();
      if (training != null) {
        System.out.printf("trained on the %s: loss %.3f -> %.3f, accuracy %.3f over the last epoch (chance %.3f)%n",
            feed.backend().equals("cuda") ? "GPU" : "host", training.lossStart(), training.lossEnd(),
            training.accuracy(), training.chance());
      }
      String line = jsonLine(feed, loader, summary, training, classes);
      if (json) {
        System.out.println(line);
      }
      report.write(loader, input, options, epochs, 0, loader.stageReport(), line, timeline, dir);
      return summary.delivered() + summary.failed() == expected ? 0 : StokerCli.FAILED;   // a count that does not add up: a failed run
    }
  }

  private static String jsonLine(DeviceFeed feed, Loader loader, RunSummary summary, TrainingReport training,
      List<String> classes) {
    String decoder = loader.decoderName();
    ObjectNode node = new ObjectMapper().createObjectNode();
    FeedStats stats = feed.stats();
    node.put("backend", feed.backend());
    node.put("device", feed.cuda().usable() ? feed.cuda().device() : "");
    if (feed.cuda().usable()) {
      node.put("driver_version", feed.cuda().driverVersion());
    } else {
      node.putNull("driver_version");
    }
    node.put("fallback_reason", feed.cuda().reason());
    node.put("decoder", decoder);
    node.put("images_per_s", round(summary.delivered() / summary.seconds()));
    node.put("consumer_wait_pct", round(summary.consumer().consumerWaitPercent()));
    node.put("delivered", summary.delivered());
    node.put("failed", summary.failed());
    node.put("batches", summary.batches());
    node.put("epochs", summary.epochs());
    node.put("bytes_to_device", stats.bytesCopied());
    Summaries.putTuning(node, loader.tuning());
    Summaries.putVerdict(node, loader.stageReport());   // bound, verdict, remedy, advice
    classes.forEach(node.putArray("class_names")::add);
    putNumber(node, "loss_start", training == null ? Double.NaN : training.lossStart());
    putNumber(node, "loss_end", training == null ? Double.NaN : training.lossEnd());
    putNumber(node, "accuracy", training == null ? Double.NaN : training.accuracy());
    putNumber(node, "chance", training == null ? Double.NaN : training.chance());
    return node.toString();
  }

  private static void putNumber(ObjectNode node, String key, double value) {
    if (Double.isFinite(value)) {
      node.put(key, round(value));
    } else {
      node.putNull(key);
    }
  }

  private static double round(double value) {
    return Math.round(value * 10_000) / 10_000.0;
  }
}
