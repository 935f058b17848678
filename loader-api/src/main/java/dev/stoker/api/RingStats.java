package dev.stoker.api;

/**
 * What a ring's consumer has done so far: a snapshot that any thread may take at any time.
 *
 * @param batches batches consumed
 * @param samples samples in those batches
 * @param waitNanos time the consumer spent waiting for a batch to arrive
 * @param busyNanos time the consumer spent inside {@link BatchConsumer#accept}
 */
public record RingStats(long batches, long samples, long waitNanos, long busyNanos) {
  /**
   * The share of the consumer's time spent waiting for data, in percent (0 when nothing ran).
   *
   * @return {@code 100 * waitNanos / (waitNanos + busyNanos)}, in {@code [0, 100]}
   */
  public double consumerWaitPercent() {
    long total = waitNanos + busyNanos;
    return total == 0 ? 0.0 : 100.0 * waitNanos / total;
  }

  /**
   * The difference {@code this - earlier}, for the stats of one run or one interval.
   *
   * @param earlier an earlier snapshot of the same ring, not null
   * @return the counts and times between the two snapshots
   */
  public RingStats minus(RingStats earlier) {
    return new RingStats(batches - earlier.batches, samples - earlier.samples,
        waitNanos - earlier.waitNanos, busyNanos - earlier.busyNanos);
  }
}
