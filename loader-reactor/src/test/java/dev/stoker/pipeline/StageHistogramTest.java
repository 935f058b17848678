package dev.stoker.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** The per-run histogram behind the stage report's percentiles. */
class StageHistogramTest {

  @Test
  void percentile_oneToThousandMicroseconds_withinThreePercent() {
    StageHistogram h = new StageHistogram();
    for (int i = 1; i <= 1000; i++) {
      h.record(i * 1000L);
    }

    long[] to = h.copy();

    assertThat(StageHistogram.percentile(null, to, 0.5)).isCloseTo(500_000, within(15_000.0));
    assertThat(StageHistogram.percentile(null, to, 0.99)).isCloseTo(990_000, within(30_000.0));
  }

  @Test
  void percentile_differenceOfTwoCopies_coversTheLaterSamplesAlone() {
    StageHistogram h = new StageHistogram();
    for (int i = 0; i < 100; i++) {
      h.record(50_000_000L);
    }
    long[] from = h.copy();
    for (int i = 0; i < 10; i++) {
      h.record(7);
    }

    long[] to = h.copy();

    assertThat(StageHistogram.percentile(from, to, 0.99)).isEqualTo(7.0);
    assertThat(StageHistogram.percentile(to, to, 0.5)).as("no samples").isZero();
  }

  @Test
  void bucket_everyValue_middleWithinItsBucketAndMonotone() {
    int last = -1;
    for (long v : new long[] {0, 1, 31, 32, 33, 63, 64, 1000, 1L << 40, Long.MAX_VALUE}) {
      int b = StageHistogram.bucket(v);
      assertThat(b).isGreaterThanOrEqualTo(last).isLessThan(StageHistogram.BUCKETS);
      assertThat(StageHistogram.middle(b)).isCloseTo((double) v, within(Math.max(1.0, v / 32.0)));
      last = b;
    }
  }
}
