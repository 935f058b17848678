package dev.stoker.api;

import dev.stoker.api.internal.Checks;

/**
 * What one {@link Stage} did during a run.
 *
 * <p>Counts, means and percentiles cover the run alone (the same samples; an earlier warm-up run is
 * not in them). The percentiles are read from log-linear buckets, within about 3% of the true
 * value; they are 0 for a stage that never ran. (The stage's Micrometer timer publishes its own,
 * time-windowed percentiles, which may include earlier runs.)
 *
 * @param stage the stage
 * @param count how often it ran: per sample for read, decode, augment and collate; per batch for
 *     the consumer; per stall for the ring wait; once per source for list
 * @param perSecond {@code count} per second of the run's wall time
 * @param meanMillis mean time of one run of the stage
 * @param p50Millis median time
 * @param p95Millis 95th percentile
 * @param p99Millis 99th percentile
 */
public record StageStats(Stage stage, long count, double perSecond, double meanMillis, double p50Millis,
    double p95Millis, double p99Millis) {

  /** Validates the fields. */
  public StageStats {
    Checks.notNull(stage, "stage");
    Checks.argument(count >= 0, "count", "must not be negative, got " + count);
  }

  /**
   * The stage's total time in the run, in seconds: {@code count * meanMillis}.
   *
   * @return the total time in seconds
   */
  public double totalSeconds() {
    return count * meanMillis / 1e3;
  }
}
