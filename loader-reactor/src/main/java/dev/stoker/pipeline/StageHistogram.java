package dev.stoker.pipeline;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A cumulative histogram of one stage's times, in log-linear buckets (relative error under 1/32),
 * whose copies at a run's start and end give the percentiles of exactly the samples the run's
 * counts and means cover. Recording allocates nothing and takes no lock.
 */
final class StageHistogram {
  /** Sub-buckets per power of two. */
  private static final int SUB_BITS = 5;
  private static final int SUB = 1 << SUB_BITS;
  static final int BUCKETS = (64 - SUB_BITS + 1) * SUB;

  private final AtomicLongArray counts = new AtomicLongArray(BUCKETS);

  void record(long nanos) {
    counts.incrementAndGet(bucket(Math.max(0, nanos)));
  }

  /** The bucket counts now. */
  long[] copy() {
    long[] out = new long[BUCKETS];
    for (int i = 0; i < BUCKETS; i++) {
      out[i] = counts.get(i);
    }
    return out;
  }

  static int bucket(long nanos) {
    if (nanos < SUB) {
      return (int) nanos;
    }
    int shift = 63 - Long.numberOfLeadingZeros(nanos) - SUB_BITS;
    return (shift + 1) * SUB + (int) (nanos >>> shift) - SUB;
  }

  /** The middle of {@code bucket}'s range, in nanoseconds. */
  static double middle(int bucket) {
    if (bucket < SUB) {
      return bucket;
    }
    int shift = bucket / SUB - 1;
    long low = ((long) (bucket % SUB) + SUB) << shift;
    return low + ((1L << shift) - 1) / 2.0;
  }

  /**
   * The value at {@code percentile} (0 to 1) of the samples counted by {@code to} less {@code from}
   * (either may be null for none), in nanoseconds; 0 when there are none.
   */
  static double percentile(long[] from, long[] to, double percentile) {
    long total = 0;
    for (int i = 0; i < BUCKETS; i++) {
      total += to[i] - (from == null ? 0 : from[i]);
    }
    if (total == 0) {
      return 0;
    }
    long rank = Math.max(1, (long) Math.ceil(percentile * total));
    long seen = 0;
    for (int i = 0; i < BUCKETS; i++) {
      seen += to[i] - (from == null ? 0 : from[i]);
      if (seen >= rank) {
        return middle(i);
      }
    }
    return middle(BUCKETS - 1);
  }
}
