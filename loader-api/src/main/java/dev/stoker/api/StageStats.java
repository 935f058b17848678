package dev.stoker.api;

import dev.stoker.api.internal.Checks;

/**
 * What one {@link Stage} did during a run.
 *
 * <p>Counts and means cover the run alone. The percentiles come from the stage's Micrometer timer,
 * whose histogram is time-windowed (by default about the last two minutes), so for a long run they
 * describe its recent part; they are 0 for a stage that never ran.
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

  /** The stage's total time in the run, in seconds: {@code count * meanMillis}. */
  public double totalSeconds() {
    return count * meanMillis / 1e3;
  }
}
