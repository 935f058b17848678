package dev.stoker.cli;

import dev.stoker.api.RunSummary;
import dev.stoker.api.SampleFailure;
import dev.stoker.api.SampleSource;
import dev.stoker.api.Stage;
import dev.stoker.api.StageReport;
import dev.stoker.api.StageStats;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stoker.decode.ImageDecoders;
import dev.stoker.pipeline.Tuning;
import java.io.PrintStream;
import java.util.List;

/** The short human summary printed after a run. */
final class Summaries {
  private static final int FAILURES_SHOWN = 10;

  private Summaries() {}

  /**
   * The decoder as summaries name it: {@code libjpeg-turbo}, or {@code imageio (native decoder
   * unavailable: REASON)} where the native decoder did not load, so a slow run says why.
   */
  static String decoder(String name) {
    return decoder(name, ImageDecoders.nativeUnavailableReason().orElse(null));
  }

  static String decoder(String name, String nativeUnavailableReason) {
    return name.equals("imageio") && nativeUnavailableReason != null
        ? name + " (native decoder unavailable: " + nativeUnavailableReason + ")"
        : name;
  }

  /**
   * Prints what the source reported while opening, if anything: how many problems (as the
   * description counts them), the first lines and how many more.
   */
  static void printWarnings(SampleSource source, PrintStream out) {
    List<String> warnings = source.warnings();
    int count = Math.max(source.warningCount(), warnings.size());
    if (count == 0) {
      return;
    }
    out.printf("the dataset reported %,d problem(s) while opening (skipped, the run goes on):%n", count);
    int shown = Math.min(FAILURES_SHOWN, warnings.size());
    warnings.stream().limit(shown).forEach(w -> out.println("  " + w));
    if (count > shown) {
      out.printf("  ... and %,d more%n", count - shown);
    }
  }

  /**
   * Prints the labels and their class names, {@code classes (label name): 0 cat, 1 dog}, so that a
   * shifted label (a stray directory sorting first) is seen before a run, not after training. At
   * most {@code limit} names, then how many more.
   */
  static void printClasses(String command, List<String> classes, int limit, PrintStream out) {
    StringBuilder line = new StringBuilder(command).append(": ").append(classes.size())
        .append(classes.size() == 1 ? " class" : " classes").append(" (label name):");
    for (int i = 0; i < Math.min(limit, classes.size()); i++) {
      line.append(i == 0 ? " " : ", ").append(i).append(' ').append(classes.get(i));
    }
    if (classes.size() > limit) {
      line.append(String.format(", ... and %,d more", classes.size() - limit));
    }
    out.println(line);
  }

  /**
   * Prints the per-stage table of a run (count, rate, mean and percentiles), the ring's fill, the
   * verdict on the stage that limited it and, on a line of its own starting {@code advice: }, the
   * advice on it: by how much the loader falls short and the first thing to change.
   */
  static void printStages(StageReport r, PrintStream out) {
    out.printf("%-11s %10s %10s %9s %9s %9s %9s%n", "stage", "count", "per s", "mean ms", "p50 ms", "p95 ms", "p99 ms");
    for (StageStats s : r.stages()) {
      if (s.count() == 0) {
        continue;
      }
      String rate = s.stage() == Stage.LIST ? "-" : String.format("%,.0f", s.perSecond());
      out.printf("%-11s %,10d %10s %9.3f %9.3f %9.3f %9.3f%n", s.stage().tag(), s.count(), rate, s.meanMillis(),
          s.p50Millis(), s.p95Millis(), s.p99Millis());
    }
    out.printf("ring: %.1f of %d slots in use, on average, when the consumer took a batch; the consumer waited "
        + "%.1f%% of the time%n", r.meanRingOccupancy(), r.ringSlots(), r.consumerWaitPercent());
    out.println(r.bottleneck().sentence());
    if (r.bottleneck().advice().judged()) {
      out.println("advice: " + r.bottleneck().advice().sentence());
    }
  }

  /**
   * Puts the verdict's keys into a {@code --json} line: {@code bound} and {@code verdict} (the
   * stage that limited the run and why), {@code remedy} (the first thing to change, e.g.
   * {@code add-threads}, {@code none} when the loader keeps up) and {@code advice} (the advice's
   * sentence: the bound, by how much, the change).
   */
  static void putVerdict(ObjectNode o, StageReport r) {
    o.put("bound", r.bottleneck().bound().label());
    o.put("verdict", r.bottleneck().sentence());
    o.put("remedy", r.bottleneck().advice().first().label());
    o.put("advice", r.bottleneck().advice().sentence());
  }

  /** Prints the loader's threads, in-flight samples and ring slots, what chose them and the bytes they hold. */
  static void printTuning(Tuning t, PrintStream out) {
    out.println("tuning: " + t.describe());
  }

  /**
   * Puts the tuning's keys into a {@code --json} line: {@code threads}, {@code active_threads},
   * {@code in_flight}, {@code ring_slots}, {@code autotuned}, {@code memory_budget_bytes} (0 without
   * {@code --memory}), {@code memory_bytes} (their sum) with {@code ring_bytes},
   * {@code sample_buffer_bytes} and {@code worker_bytes}, and {@code tuning} (the reason).
   */
  static void putTuning(ObjectNode o, Tuning t) {
    o.put("threads", t.threads());
    o.put("active_threads", t.activeThreads());
    o.put("in_flight", t.inFlight());
    o.put("ring_slots", t.ringSlots());
    o.put("autotuned", t.autotuned());
    o.put("memory_budget_bytes", t.budgetBytes());
    o.put("memory_bytes", t.totalBytes());
    o.put("ring_bytes", t.ringBytes());
    o.put("sample_buffer_bytes", t.sampleBufferBytes());
    o.put("worker_bytes", t.workerBytes());
    o.put("tuning", t.reason());
  }

  static void print(RunSummary s, PrintStream out) {
    out.printf("%,d images in %,d batches over %d epoch(s) in %.2f s: %,.0f images/s; consumer waited %.1f%% of "
            + "the time; decoder %s%n", s.delivered(), s.batches(), s.epochs(), s.seconds(), s.imagesPerSecond(),
        s.consumerWaitPercent(), decoder(s.decoder()));
    if (s.boxes() > 0 || s.truncatedBoxes() > 0 || s.droppedBoxes() > 0) {
      out.printf("%,d boxes delivered%n", s.boxes());
    }
    if (s.truncatedBoxes() > 0 || s.droppedBoxes() > 0) {
      out.printf("warning: %,d boxes of the annotations were dropped at delivery: %,d empty after clipping (to the "
          + "image or a crop) or under a pixel, %,d left out because their sample already had --max-boxes%n",
          s.droppedBoxes() + s.truncatedBoxes(), s.droppedBoxes(), s.truncatedBoxes());
    }
    if (s.cache().enabled()) {
      out.printf("cache: %.1f%% of %,d lookups served from memory; %,d evicted; holds %,d of %,d bytes%n",
          100 * s.cache().hitRate(), s.cache().requests(), s.cache().evictions(), s.cache().weightBytes(),
          s.cache().maxBytes());
    }
    if (s.warnings() > 0) {
      out.printf("%,d image(s) with corrupt data delivered as decoded (lenient decoder)%n", s.warnings());
    }
    if (s.failed() > 0) {
      long tried = s.delivered() + s.failed();
      out.printf("%s%,d sample(s) failed and were skipped (%.0f%% of %,d), as --on-failure allows (skip, the "
              + "default, skips any number; N or P%% ends the run past that budget):%n", s.failed() >= s.delivered()
              ? "warning: most samples failed: " : "", s.failed(), 100.0 * s.failed() / tried, tried);
      s.failures().stream().limit(FAILURES_SHOWN).map(SampleFailure::describe).forEach(f -> out.println("  " + f));
      if (s.failed() > FAILURES_SHOWN) {
        out.printf("  ... and %,d more%n", s.failed() - FAILURES_SHOWN);
      }
    }
  }
}
