package dev.stoker.cli;

import dev.stoker.api.SampleSource;
import dev.stoker.api.Stage;
import dev.stoker.api.StageReport;
import dev.stoker.api.StageStats;
import dev.stoker.dataset.Sources;
import dev.stoker.pipeline.Loader;
import java.time.Duration;
import java.util.Locale;
import java.util.stream.IntStream;

/**
 * {@code stoker doctor}'s decode+augment measurement: the sample through the loader itself (the
 * same decoder, transform plan and workers as {@code bench}), with one worker thread, after a
 * warm-up over its first images; the rate per core is one over the mean decode plus augment time
 * of an image, as the loader's stage timers measured them.
 *
 * @param decodeMillis mean decode time of one image
 * @param augmentMillis mean augment (geometry, resampling, colour) time of one image
 * @param images images timed
 * @param method how it was measured
 */
record RecipeProbe(double decodeMillis, double augmentMillis, long images, String method) {
  /** Images the warm-up runs before the timed pass (at most the sample). */
  static final int WARM_UP = 16;

  /** What one core decodes and augments per second. */
  double perCoreImagesPerSecond() {
    return 1000 / (decodeMillis + augmentMillis);
  }

  /** The augment stage's share of a worker's time, 0 to 1. */
  double augmentShare() {
    return augmentMillis / (decodeMillis + augmentMillis);
  }

  /**
   * The rates in {@code report} (a run of one worker over {@code what}).
   *
   * @throws IllegalStateException if no image was decoded
   */
  static RecipeProbe from(StageReport report, String what) {
    StageStats decode = report.stage(Stage.DECODE).orElse(null);
    StageStats augment = report.stage(Stage.AUGMENT).orElse(null);
    if (decode == null || decode.count() == 0 || !(decode.meanMillis() > 0)) {
      throw new IllegalStateException("no image of the sample decoded, so there is no rate to judge on (see the "
          + "warnings above)");
    }
    double augmentMillis = augment == null ? 0 : augment.meanMillis();
    return new RecipeProbe(decode.meanMillis(), augmentMillis, decode.count(), String.format(Locale.ROOT,
        "the loader with 1 worker thread over the %,d sampled images (%s), after a warm-up over %d; mean decode "
            + "%.2f ms + augment %.2f ms per image from its stage timers", decode.count(), what,
        Math.min(WARM_UP, decode.count()), decode.meanMillis(), augmentMillis));
  }

  /**
   * Runs {@code sample} through a loader that {@code options} describe (one thread; set by the
   * caller) and measures it.
   */
  static RecipeProbe measure(SampleSource sample, LoaderOptions options, String what) {
    SampleSource warmUp = Sources.subset(sample, IntStream.range(0, Math.min(WARM_UP, sample.size())).toArray());
    try (Loader loader = options.build(Input.local(warmUp), Duration.ZERO)) {
      loader.run(0, 1, batch -> { });
    }
    try (Loader loader = options.build(Input.local(sample), Duration.ZERO)) {
      loader.run(0, 1, batch -> { });
      return from(loader.stageReport(), what);
    }
  }
}
