package dev.stoker.cli;

import java.lang.management.ManagementFactory;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stoker.api.BatchConsumer;
import dev.stoker.api.LoaderState;
import dev.stoker.api.RunSummary;
import dev.stoker.api.SampleSource;
import dev.stoker.remote.client.RemoteSource;
import dev.stoker.api.StageReport;
import dev.stoker.api.ImageDecoder;
import dev.stoker.decode.ImageDecoders;
import dev.stoker.pipeline.Loader;
import dev.stoker.ring.BatchRings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code stoker bench DIR} (or {@code --remote HOST:PORT,...}: data-server nodes process the
 * samples): the demo's path with a consumer that only hashes, one untimed warm-up epoch, then
 * timed epochs. With {@code --json} the last stdout line is one JSON object; its keys
 * are a contract other tools rely on ({@code boxes} and {@code truncated_boxes} appear only for a
 * detection dataset; {@code transforms} is the canonical SPEC that ran, {@code preset} null with
 * {@code --transforms}). A run that fails or is interrupted still prints its line:
 * {@code {"error":"...","images":N,"failed":N,"seconds":S}}, the counts of the run so far.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Measures images/s on a dataset (ImageFolder, COCO, VOC, a manifest, a pack or tar shards, local "
        + "or on s3:// or http(s)://) with a no-op (hashing) consumer.")
final class BenchCommand implements Callable<Integer> {
  @Parameters(index = "0", arity = "0..1", paramLabel = "DIR",
      description = "a dataset: an ImageFolder tree, a COCO directory (annotations.json + images/), a VOC directory, a .csv/.jsonl manifest, a packed dataset or tar shards (a directory, a descriptor or a .tar), or an s3://bucket/prefix or http(s):// location")
  String dir;

  @Mixin
  DatasetOptions dataset = new DatasetOptions();

  @Mixin
  LoaderOptions options = new LoaderOptions();

  @Mixin
  RemoteNodeOptions remote = new RemoteNodeOptions();

  @Mixin
  SourceCombineOptions combine = new SourceCombineOptions();

  @Mixin
  MetricsOptions metrics = new MetricsOptions();

  @Option(names = "--epochs", paramLabel = "E", description = "timed epochs (default: ${DEFAULT-VALUE})")
  int epochs = 2;

  @Option(names = "--json", description = "print the result as one JSON object on the last line; a run that fails "
      + "or is interrupted prints one too, with an error field and the counts so far")
  boolean json;

  @Option(names = "--floor", description = "also measure the full-decode floor: every image decoded in full, "
      + "no transform, same threads; adds floor_images_per_s, and with the native decoder "
      + "floor_libjpeg_images_per_s (the same with libjpeg-turbo's own Huffman decoding)")
  boolean floor;

  @Option(names = "--trace-indices", paramLabel = "FILE", description = "write the dataset indices of every "
      + "delivered batch, warm-up included, as one JSON object a line: epoch, rank, world_size, batch (its number in "
      + "the rank's epoch), next_position and indices (in position order); for checking exactly-once from outside")
  Path traceIndices;

  @Mixin
  StateOptions state = new StateOptions();

  @Mixin
  ReportOptions report = new ReportOptions();

  // issue 19: the order as written, for measuring what Stoker's plan saves
  @Option(names = "--literal-order", description = "run the transforms as a naive pipeline does, in the order "
      + "written: decode every image whole, then each step at the resolution it receives (different bytes from the "
      + "default path, same bytes for the same seed); adds literal_order true to the JSON. Compare with stoker plan")
  boolean literalOrder;

  @Option(names = "--target-images-per-s", paramLabel = "N", description = "judge the advice against N images/s, "
      + "your training step's rate (batch over step time), instead of this command's consumer, which only hashes")
  Double adviceTarget;

  /** Java heap bytes all threads have allocated so far (live and ended threads, HotSpot). */
  private static long allocatedBytes() {
    return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getTotalThreadAllocatedBytes();
  }

  @Override
  public Integer call() {
    if (epochs < 1) {
      throw new UsageException("--epochs: must be at least 1, got " + epochs);
    }
    options.check();
    state.check("bench");
    combine.check(dir, dataset, remote.given());
    remote.check(dir, dataset, options);
    if (floor && remote.given()) {
      throw new UsageException("--floor decodes the files here; with --remote the nodes do");
    }
    if (literalOrder && remote.given()) {
      throw new UsageException("--literal-order runs the steps here; with --remote the nodes process the samples");
    }
    options.literalOrder = literalOrder;
    if (adviceTarget != null) {
      if (!(adviceTarget > 0) || adviceTarget.isInfinite()) {
        throw new UsageException("--target-images-per-s: must be a positive number, got " + adviceTarget);
      }
      options.adviceTarget = adviceTarget;
    }
    report.check("bench");   // last: it makes the temporary file that the finally below deletes
    try (MetricsOptions.Endpoint endpoint = metrics.start("bench", System.err);
        RunRecord record = RunRecord.open("bench", options.failuresFile, json, System.out, System.err);
        IndexTrace trace = traceIndices == null ? null : IndexTrace.open(traceIndices, options.shardRank, options.shardWorldSize)) {
      options.meters = endpoint == null ? null : endpoint.registry();
      long opening = System.nanoTime();
      DatasetOptions data = dataset;
      try (data; Input input = remote.given() ? Input.nodes(remote.connect(dir, dataset, options))
          : Input.local(combine.open(dir, dataset))) {
        return bench(input, Duration.ofNanos(System.nanoTime() - opening), record, trace);
      }
    } finally {
      report.discard();   // a run that failed leaves no temporary file
    }
  }

  private int bench(Input input, Duration listTime, RunRecord record, IndexTrace trace) {
    if (input.local() != null) {
      Summaries.printWarnings(input.local(), System.err);
    }
    try (Loader loader = options.build(input, listTime, BatchRings.direct(), record::failed);
        RunTimeline timeline = report.timeline(loader)) {
      System.err.printf("bench: %s; %s batches; %d threads; decoder %s%s%n", loader.sourceDescription(),
          loader.layout(), loader.tuning().threads(), Summaries.decoder(loader.decoderName()), options.shardOrigin);
      // issue 19 (order19): a step whose moving would change the result is kept in place, said once
      String kept = keptSentence(input);
      if (!kept.isEmpty()) {
        System.err.println("bench: transforms: " + kept);
      }
      LoaderState resumed = state.resumed();
      state.checkResume(loader, "; no warm-up");
      record.onInterrupt(() -> state.interrupted(loader, trace == null ? () -> { } : trace::flush));
      BatchDigest digest = new BatchDigest();
      RunSummary summary;
      long allocatedBefore;
      long wireBefore;
      try {
        if (resumed == null) {
          try (ProgressLine line = new ProgressLine("warm-up", loader::progress, loader.samplesPerEpoch(), System.err)) {
            record.watch(loader::progress, line, false);
            loader.run(0, 1, state.track(loader, trace == null ? batch -> { } : trace));
          }
        }
        allocatedBefore = allocatedBytes();
        wireBefore = input.wireBytes();
        try (ProgressLine line = new ProgressLine("bench", loader::progress, loader.samplesPerEpoch() * epochs, System.err)) {
          record.watch(loader::progress, line, true);
          BatchConsumer consumer = trace == null ? digest : batch -> {
            digest.accept(batch);
            trace.accept(batch);
          };
          BatchConsumer tracked = state.track(loader, consumer);
          summary = resumed == null ? loader.run(1, epochs, tracked) : loader.run(resumed, epochs, tracked);
        }
      } catch (RuntimeException e) {
        record.onInterrupt(() -> { });
        try {
          state.save(loader.state(), "failed");
        } catch (RuntimeException notSaved) {
          e.addSuppressed(notSaved);   // the run's error is the one to report
          System.err.println("bench: " + notSaved.getMessage());
        }
        record.runFailed(e);
        throw e;
      }
      record.onInterrupt(() -> { });
      state.save(loader.state(), "ended");
      if (timeline != null) {
        timeline.stop();   // the report's timeline ends with the timed epochs, before any --floor
      }
      double heapPerImage = (allocatedBytes() - allocatedBefore) / (double) Math.max(1, summary.delivered());
      double wirePerImage = input.nodes() != null
          ? (input.wireBytes() - wireBefore) / (double) Math.max(1, summary.delivered()) : -1;
      Summaries.print(summary, System.err);
      Summaries.printTuning(loader.tuning(), System.err);
      StageReport stages = loader.stageReport();
      Summaries.printStages(stages, System.err);
      double floorRate = -1;
      double libjpegFloorRate = -1;
      if (floor) {
        int threads = loader.tuning().activeThreads();
        floorRate = DecodeFloor.imagesPerSecond(input.local(), options.decoder(), threads, epochs);
        System.err.printf("full-decode floor: %,.0f images/s (%s, %d threads); ours is %.2fx the floor%n",
            floorRate, summary.decoder(), threads, summary.imagesPerSecond() / floorRate);
        ImageDecoder reference = DecodeFloor.libjpegReference(options.decoder());
        if (reference != null) {
          libjpegFloorRate = DecodeFloor.imagesPerSecond(input.local(), reference, threads, epochs);
          System.err.printf("full-decode floor with libjpeg-turbo's own Huffman decoding: %,.0f images/s; "
              + "ours is %.2fx that floor%n", libjpegFloorRate, summary.imagesPerSecond() / libjpegFloorRate);
        }
      }
      String line = toJson(summary, stages, input, loader, digest.hex(), new double[] {floorRate, libjpegFloorRate},
          heapPerImage, wirePerImage);
      if (json) {
        System.out.println(line);
      }
      report.write(loader, input, options, epochs, resumed == null ? 1 : 0, stages, line, timeline, dir);
      return 0;
    }
  }

  /** {@code floors}: the floor and the libjpeg-entropy floor in images/s, each -1 where not measured. */
  private String toJson(RunSummary s, StageReport stages, Input input, Loader loader, String digest, double[] floors,
      double heapPerImage, double wirePerImage) {
    double floorRate = floors[0];
    ObjectMapper mapper = new ObjectMapper();
    ObjectNode o = mapper.createObjectNode();
    o.put("images", s.delivered());
    o.put("failed", s.failed());
    o.put("warnings", s.warnings());
    o.put("seconds", round(s.seconds(), 3));
    o.put("images_per_s", round(s.imagesPerSecond(), 1));
    o.put("consumer_wait_pct", round(s.consumerWaitPercent(), 2));
    Summaries.putTuning(o, loader.tuning());
    o.put("batch", options.batch);
    o.put("epochs", s.epochs());
    o.put("size", loader.layout().height());
    o.put("seed", options.seed);
    o.put("preset", options.presetFor(input.hasBoxes()));   // null with --transforms
    o.put("transforms", options.formatTransforms(input.hasBoxes()));
    o.put("literal_order", literalOrder);
    String kept = keptSentence(input);
    o.put("written_order_kept", kept.isEmpty() ? null : kept);
    o.put("decoder", s.decoder());
    if (s.decoder().equals("libjpeg-turbo")) {
      o.put("png_reader", ImageDecoders.nativePngReader().orElse(null));   // libdeflate or libpng
    }
    o.put("batches", s.batches());
    o.put("digest", digest);
    o.put("heap_bytes_per_image", Math.round(heapPerImage));
    if (wirePerImage >= 0) {
      o.put("wire_bytes_per_image", Math.round(wirePerImage));   // only with --remote: bytes received from the nodes
    }
    if (input.hasBoxes()) {
      o.put("boxes", s.boxes());
      o.put("truncated_boxes", s.truncatedBoxes());
      o.put("dropped_boxes", s.droppedBoxes());
    }
    if (s.cache().enabled()) {
      o.put("cache_hit_rate", round(s.cache().hitRate(), 4));
    }
    Summaries.putVerdict(o, stages);   // bound, verdict, remedy, advice
    if (floorRate >= 0) {
      o.put("floor_images_per_s", round(floorRate, 1));
    }
    if (floors[1] >= 0) {
      o.put("floor_libjpeg_images_per_s", round(floors[1], 1));
    }
    return o.toString();
  }

  private static double round(double v, int places) {
    double f = Math.pow(10, places);
    return Math.round(v * f) / f;
  }

  /** The loader's sentence when it keeps the written order for a step ({@code ""} when it does not, or runs it literally anyway). */
  private String keptSentence(Input input) {
    return literalOrder ? "" : dev.stoker.image.AugmentationPlan.keptSentence(options.transformsFor(input.hasBoxes()));
  }
}
