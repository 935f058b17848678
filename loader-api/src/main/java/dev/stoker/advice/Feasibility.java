package dev.stoker.advice;

import dev.stoker.api.internal.Checks;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The rules behind {@code stoker doctor}'s verdict: can this machine feed the trainer and hold
 * the model? Pure: no clock, no I/O; the measurements come in a {@link Workload}, the machine in a
 * {@link Hardware}.
 *
 * <ul>
 *   <li><b>Feed</b>: with a target, the feed (all cores at the measured per-core rate, bounded by the
 *   cold reads) either reaches it, or the answer needs changes: {@link FeedAdvisor}'s first change,
 *   then the cores and the data-server nodes like this one the target needs, and a cache when
 *   reads bound.</li>
 *   <li><b>Data</b>: reads bound when the cold read rate is below what the cores decode (or the
 *   target, if lower). Then the encoded files are cached if they fit in {@value #CACHE_SHARE_PERCENT}%
 *   of the memory available, else packed (stored smaller).</li>
 *   <li><b>GPU memory</b>: with a model and a GPU, the estimate at the asked batch fits, or mixed
 *   precision makes it fit, or a smaller batch does (fp32 first, then mixed precision): feasible
 *   with changes; when not even batch 1 fits with mixed precision: not feasible.</li>
 * </ul>
 *
 * <pre>{@code
 * FeasibilityAnswer answer = Feasibility.judge(workload, new Hardware(8, 16L << 30, 24L << 30, 12e9));
 * }</pre>
 */
public final class Feasibility {
  /** The share of the available memory a cache may take, in percent: the rest stays for the process. */
  public static final int CACHE_SHARE_PERCENT = 75;

  private Feasibility() {}

  /**
   * Judges {@code workload} on {@code hardware}.
   *
   * @param workload what was measured and what training asks, not null
   * @param hardware the machine, not null
   * @return the verdict, its changes and reasons
   */
  public static FeasibilityAnswer judge(Workload workload, Hardware hardware) {
    Checks.notNull(workload, "workload");
    Checks.notNull(hardware, "hardware");
    List<String> changes = new ArrayList<>();
    List<String> reasons = new ArrayList<>();
    boolean notFeasible = false;

    double decodeRate = hardware.cores() * workload.perCoreImagesPerSecond();
    double feed = Math.min(decodeRate, workload.coldReadImagesPerSecond());
    long cacheRoom = hardware.memoryAvailableBytes() < 0 ? -1
        : hardware.memoryAvailableBytes() / 100 * CACHE_SHARE_PERCENT;
    boolean encodedFits = fits(workload.encodedBytes(), cacheRoom);
    boolean decodedFits = fits(workload.decodedBytes(), cacheRoom);

    // data: do reads bound what is needed?
    double needed = workload.hasTarget() ? Math.min(decodeRate, workload.targetImagesPerSecond()) : decodeRate;
    boolean readBound = workload.coldReadImagesPerSecond() < needed;
    DataAdvice data = !readBound ? DataAdvice.NONE : encodedFits ? DataAdvice.CACHE : DataAdvice.PACK;
    reasons.add(dataReason(workload, data, needed, cacheRoom));

    // feed: does this machine reach the target?
    int coresNeeded = 0;
    int nodesNeeded = 0;
    if (workload.hasTarget()) {
      double target = workload.targetImagesPerSecond();
      coresNeeded = (int) Math.min(Integer.MAX_VALUE, Math.ceil(target / workload.perCoreImagesPerSecond()));
      nodesNeeded = (int) Math.min(Integer.MAX_VALUE, Math.ceil((double) coresNeeded / hardware.cores()));
      if (feed >= target) {
        reasons.add(String.format(Locale.ROOT, "this machine feeds %,.0f images/s, the target is %,.0f: %d of its %d "
            + "cores suffice", feed, target, coresNeeded, hardware.cores()));
      } else {
        FeedAdvice advice = workload.feed();
        reasons.add(String.format(Locale.ROOT, "this machine feeds %,.0f images/s, the target is %,.0f (%.2fx "
            + "more): %s", feed, target, target / feed, advice.sentence()));
        if (!advice.change().isEmpty()) {
          changes.add(advice.change());
        }
        if (nodesNeeded > 1 && advice.first() != Remedy.ADD_NODES) {
          changes.add(String.format(Locale.ROOT, "decode on %d data-server nodes like this one (%d cores x %,.0f "
              + "images/s per core reach %,.0f on %d cores)", nodesNeeded, hardware.cores(),
              workload.perCoreImagesPerSecond(), target, coresNeeded));
        }
        if (data == DataAdvice.CACHE && advice.first() != Remedy.CACHE) {
          changes.add(cacheChange(workload));
        } else if (data == DataAdvice.PACK && advice.first() != Remedy.PACK
            && advice.first() != Remedy.FASTER_STORAGE) {
          changes.add(packChange(workload, cacheRoom));
        }
      }
    }

    // GPU memory
    int largestBatch = -1;
    boolean mixed = false;
    ModelMemory asked = workload.model();
    if (asked != null && !hardware.hasGpu()) {
      reasons.add(String.format(Locale.ROOT, "no GPU to judge the model against: %s; compare it with the training "
          + "GPU's memory", asked.describe()));
    } else if (asked != null) {
      long gpu = hardware.gpuMemoryBytes();
      mixed = asked.mixedPrecision();
      largestBatch = asked.batch();
      if (asked.totalBytes() <= gpu) {
        reasons.add(String.format(Locale.ROOT, "the model fits the GPU's %.1f GiB: %s", gib(gpu), asked.describe()));
      } else {
        ModelMemory half = with(asked, asked.batch(), true);
        if (!asked.mixedPrecision() && half.totalBytes() <= gpu) {
          mixed = true;
          changes.add(String.format(Locale.ROOT, "train with mixed precision: %.1f GiB instead of %.1f of the GPU's "
              + "%.1f GiB", gib(half.totalBytes()), gib(asked.totalBytes()), gib(gpu)));
        } else {
          int fp32 = asked.mixedPrecision() ? 0 : batchThatFits(asked, false, gpu);
          int withHalf = batchThatFits(asked, true, gpu);
          if (fp32 >= 1 || withHalf >= 1) {
            mixed = fp32 < 1;
            largestBatch = mixed ? withHalf : fp32;
            changes.add(String.format(Locale.ROOT, "use batch %d%s: %.1f GiB of the GPU's %.1f GiB (batch %d needs "
                + "%.1f GiB)", largestBatch, mixed ? " with mixed precision" : "",
                gib(with(asked, largestBatch, mixed).totalBytes()), gib(gpu), asked.batch(), gib(asked.totalBytes())));
          } else {
            notFeasible = true;
            largestBatch = 0;
            reasons.add(String.format(Locale.ROOT, "not even batch 1 fits: %s, more than the GPU's %.1f GiB",
                with(asked, 1, true).describe(), gib(gpu)));
          }
        }
        if (!notFeasible) {
          reasons.add(String.format(Locale.ROOT, "the model does not fit the GPU's %.1f GiB as asked: %s", gib(gpu),
              asked.describe()));
        }
      }
    }

    Verdict verdict = notFeasible ? Verdict.NOT_FEASIBLE
        : changes.isEmpty() ? Verdict.FEASIBLE : Verdict.FEASIBLE_WITH_CHANGES;
    return new FeasibilityAnswer(verdict, changes, reasons, feed, coresNeeded, nodesNeeded, data, encodedFits,
        decodedFits, largestBatch, mixed);
  }

  private static boolean fits(long bytes, long room) {
    return bytes >= 0 && room >= 0 && bytes <= room;
  }

  private static int batchThatFits(ModelMemory asked, boolean mixed, long gpu) {
    return ModelMemory.largestBatch(asked.model(), asked.batch(), asked.width(), asked.height(), asked.optimizer(),
        mixed, gpu);
  }

  private static ModelMemory with(ModelMemory asked, int batch, boolean mixed) {
    return ModelMemory.estimate(asked.model(), batch, asked.width(), asked.height(), asked.optimizer(), mixed);
  }

  private static String dataReason(Workload w, DataAdvice data, double needed, long cacheRoom) {
    String sizes = String.format(Locale.ROOT, "the dataset is %s encoded, %s decoded; %s free for a cache",
        size(w.encodedBytes()), size(w.decodedBytes()), size(cacheRoom));
    return switch (data) {
      case NONE -> String.format(Locale.ROOT, "reads keep up (%s images/s cold, %,.0f needed); %s",
          rate(w.coldReadImagesPerSecond()), needed, sizes);
      case CACHE -> String.format(Locale.ROOT, "reads bound (%,.0f images/s cold, %,.0f needed) and the files fit in "
          + "memory: cache them; %s", w.coldReadImagesPerSecond(), needed, sizes);
      case PACK -> String.format(Locale.ROOT, "reads bound (%,.0f images/s cold, %,.0f needed) and the files do not "
          + "fit in memory: pack them smaller; %s", w.coldReadImagesPerSecond(), needed, sizes);
    };
  }

  private static String cacheChange(Workload w) {
    return String.format(Locale.ROOT, "cache the encoded files in memory (--cache-bytes %s; reads from memory "
        + "give %s images/s)", size(w.encodedBytes()), rate(w.cachedReadImagesPerSecond()));
  }

  private static String packChange(Workload w, long cacheRoom) {
    return String.format(Locale.ROOT, "pack the dataset (store the images shrunk to the training size) or use "
        + "faster storage: its %s do not fit the %s free for a cache, and cold reads give %,.0f images/s",
        size(w.encodedBytes()), size(cacheRoom), w.coldReadImagesPerSecond());
  }

  private static String rate(double imagesPerSecond) {
    return Double.isInfinite(imagesPerSecond) ? "unmeasured" : String.format(Locale.ROOT, "%,.0f", imagesPerSecond);
  }

  /**
   * {@code bytes} for people: {@code "3.2 GiB"}, {@code "512.0 MiB"}, or {@code "unknown"} for -1.
   *
   * @param bytes a size, or -1
   * @return the text
   */
  static String size(long bytes) {
    if (bytes < 0) {
      return "unknown";
    }
    return bytes >= 1L << 30 ? String.format(Locale.ROOT, "%.1f GiB", gib(bytes))
        : String.format(Locale.ROOT, "%.1f MiB", bytes / (double) (1L << 20));
  }

  private static double gib(long bytes) {
    return ModelMemory.gib(bytes);
  }
}
