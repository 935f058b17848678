package dev.stoker.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stoker.api.SampleSource;
import dev.stoker.pack.PackDescriptor;
import dev.stoker.pack.PackOptions;
import dev.stoker.pack.PackProgress;
import dev.stoker.pack.PackReport;
import dev.stoker.pack.PackWriting;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code stoker pack SRC OUT [--max-side N] [--format jpeg|raw] [--quality Q] [--shard-size SIZE]
 * [--workers N] [--json]}: preprocesses a dataset once into tar shards with an index and a
 * descriptor ({@link PackWriting}), with a progress line, and prints what it wrote. Exit status 1
 * only when nothing could be packed (or the output directory cannot be used); failed samples are
 * listed, not fatal. The JSON keys are in the README.
 */
@Command(name = "pack", mixinStandardHelpOptions = true,
    description = "Packs a dataset (ImageFolder, COCO, VOC or a .csv/.jsonl manifest) into WebDataset-style tar "
        + "shards with an index and a descriptor: each image shrunk once so its shorter side is at most "
        + "--max-side (boxes scaled with it), re-encoded as JPEG or stored as raw RGB pixels. Resumable: run the "
        + "same command again after an interruption and it keeps the finished shards (checked by SHA-256). "
        + "Files that cannot be read or decoded are counted and listed, not packed.")
final class PackCommand implements Callable<Integer> {
  /** Failures printed in the summary (the descriptor lists up to 1000). */
  static final int FAILURES_SHOWN = 10;

  @Parameters(index = "0", paramLabel = "SRC", description = "the dataset: a directory (ImageFolder, COCO, VOC), a "
      + ".csv or .jsonl manifest, tar shards, or an s3:// or http(s):// location")
  String src;

  @Parameters(index = "1", paramLabel = "OUT",
      description = "the pack's directory: new or empty, or holding an interrupted pack of the same SRC and options")
  Path out;

  @Mixin
  DatasetOptions dataset = new DatasetOptions();

  @Option(names = "--max-side", paramLabel = "N",
      description = "shrink each image once so its shorter side is at most N pixels (never enlarged); 0 keeps full "
          + "size (default: 0)")
  int maxSide;

  @Option(names = "--format", paramLabel = "FORMAT",
      description = "jpeg (re-encoded at --quality, KEY.jpg) or raw (decoded uint8 RGB pixels, KEY.rgb8: no decode "
          + "when training, several times the bytes) (default: jpeg)")
  String format = PackDescriptor.JPEG;

  @Option(names = "--quality", paramLabel = "Q", description = "the JPEG quality, 1 to 100 (default: 90)")
  int quality = PackOptions.DEFAULT_QUALITY;

  @Option(names = "--shard-size", paramLabel = "SIZE", converter = ByteSize.class,
      description = "bytes per shard before the next one starts, e.g. 256m or 1g; at least 64k (default: 64m)")
  long shardSize = PackOptions.DEFAULT_SHARD_SIZE;

  @Option(names = "--workers", paramLabel = "N",
      description = "threads that decode, shrink and encode (default: the number of processors); the shards are "
          + "the same at any count")
  int workers = Runtime.getRuntime().availableProcessors();

  @Option(names = "--json", description = "print the summary as one JSON object on the last line")
  boolean json;

  @Override
  public Integer call() {
    PackOptions options = options();
    try (DatasetOptions opened = dataset) {
      return pack(options, opened.open(src));
    }
  }

  private Integer pack(PackOptions options, SampleSource source) {
    Summaries.printWarnings(source, System.err);
    System.err.println("pack: " + source.description() + " -> " + out);
    AtomicReference<PackProgress> latest =
        new AtomicReference<>(new PackProgress(0, source.size(), 0, 0, 0, 0, 0, 0));
    PackReport report;
    try (ProgressLine line = new ProgressLine(terminal -> text(latest.get(), terminal), System.err,
        ProgressLine.onTerminal())) {
      report = PackWriting.write(source, out, options, latest::set);
    }
    print(report, options, System.out);
    if (json) {
      System.out.println(toJson(report, options, out));
    }
    if (report.samples() == 0) {
      System.err.println("stoker: pack: nothing could be packed: all " + report.failed() + " samples failed");
      return StokerCli.FAILED;
    }
    return 0;
  }

  PackOptions options() {
    String f = format.strip().toLowerCase(Locale.ROOT);
    if (!f.equals(PackDescriptor.JPEG) && !f.equals(PackDescriptor.RAW)) {
      throw new UsageException("--format: expected jpeg or raw, got '" + clip(format) + "'");
    }
    if (maxSide < 0) {
      throw new UsageException("--max-side: expected 0 (full size) or a positive number of pixels, got " + maxSide);
    }
    if (quality < 1 || quality > 100) {
      throw new UsageException("--quality: expected 1 to 100, got " + quality);
    }
    if (shardSize < PackOptions.MIN_SHARD_SIZE) {
      throw new UsageException("--shard-size: expected at least 64k, got " + shardSize + " bytes");
    }
    if (workers < 1) {
      throw new UsageException("--workers: expected 1 or more, got " + workers);
    }
    return new PackOptions(maxSide, f, quality, shardSize, workers);
  }

  private static String clip(String s) {
    return s.length() > 20 ? s.substring(0, 20) + "..." : s;
  }

  /** The progress line: share done, time left, images, rate, shards, bytes written, failures. */
  static String text(PackProgress p, boolean terminal) {
    double share = p.total() == 0 ? 1 : Math.min(1.0, p.done() / (double) p.total());
    double rate = p.elapsedSeconds() > 0 ? p.packed() / p.elapsedSeconds() : 0;
    String eta = p.done() > 0 && p.elapsedSeconds() > 0 && terminal
        ? "  ETA " + ProgressLine.clock(p.elapsedSeconds() / Math.max(1e-9, share) * (1 - share)) : "";
    return String.format(Locale.ROOT, "pack: %3.0f%%%s  %,d/%,d images  %,.0f images/s  %d shards  %s%s",
        100 * share, eta, p.done(), p.total(), rate, p.shards(), megabytes(p.bytesOut()),
        p.failed() > 0 ? String.format(Locale.ROOT, "  failed %,d", p.failed()) : "");
  }

  static String megabytes(long bytes) {
    return String.format(Locale.ROOT, "%,.1f MB", bytes / 1e6);
  }

  static void print(PackReport r, PackOptions o, PrintStream out) {
    out.printf(Locale.ROOT, "pack: %,d samples packed, %,d failed, %d shards (%d kept from an earlier run)%n",
        r.samples(), r.failed(), r.shards(), r.keptShards());
    out.printf(Locale.ROOT, "pack: %s read -> %s written (%s, max side %s%s)%n", megabytes(r.bytesIn()),
        megabytes(r.bytesOut()), o.format(), o.maxSide() == 0 ? "full size" : Integer.toString(o.maxSide()),
        o.format().equals(PackDescriptor.JPEG) ? ", quality " + o.quality() + ", " + r.imageEncoder() : "");
    out.printf(Locale.ROOT, "pack: %,d images in %.1f s: %,.0f images/s with %d workers%n", r.handled(),
        r.seconds(), r.imagesPerSecond(), o.workers());
    for (int i = 0; i < Math.min(FAILURES_SHOWN, r.failures().size()); i++) {
      PackDescriptor.Failure f = r.failures().get(i);
      out.println("  failed: " + f.name() + ": " + f.reason());
    }
    if (r.failed() > FAILURES_SHOWN) {
      out.printf(Locale.ROOT, "  ... %,d more failures (the first %d are in %s)%n", r.failed() - FAILURES_SHOWN,
          PackDescriptor.MAX_LISTED_FAILURES, PackDescriptor.FILE_NAME);
    }
  }

  static String toJson(PackReport r, PackOptions o, Path out) {
    ObjectMapper mapper = new ObjectMapper();
    ObjectNode j = mapper.createObjectNode();
    j.put("out", out.toString());
    j.put("samples", r.samples());
    j.put("failed", r.failed());
    ArrayNode failures = j.putArray("failures");
    r.failures().forEach(f -> failures.addObject().put("name", f.name()).put("reason", f.reason()));
    j.put("shards", r.shards());
    j.put("kept_shards", r.keptShards());
    j.put("bytes_in", r.bytesIn());
    j.put("bytes_out", r.bytesOut());
    j.put("handled", r.handled());
    j.put("seconds", r.seconds());
    j.put("images_per_s", r.imagesPerSecond());
    j.put("image_format", o.format());
    j.put("max_side", o.maxSide());
    j.put("quality", o.format().equals(PackDescriptor.RAW) ? 0 : o.quality());
    j.put("shard_size", o.shardSize());
    j.put("workers", o.workers());
    j.put("encoder", r.imageEncoder());
    return j.toString();
  }
}
