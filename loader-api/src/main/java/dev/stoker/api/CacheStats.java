package dev.stoker.api;

import dev.stoker.api.internal.Checks;

/**
 * What a sample cache did so far: lookups that found the sample, lookups that had to read it, and
 * how full it is. Counts are cumulative over the cache's life (every run and epoch that used it).
 *
 * <pre>{@code
 * CacheStats s = cachingSource.cacheStats();
 * System.out.printf("cache: %.1f%% hits, %d of %d bytes%n", 100 * s.hitRate(), s.weightBytes(), s.maxBytes());
 * }</pre>
 *
 * @param hits lookups served from the cache
 * @param misses lookups that read (and, for the decoded cache, decoded) the sample
 * @param evictions entries dropped to stay within {@code maxBytes}
 * @param weightBytes bytes the cache holds now
 * @param maxBytes the byte budget
 */
public record CacheStats(long hits, long misses, long evictions, long weightBytes, long maxBytes) {
  /** The stats of a loader without a cache: all zero. */
  public static final CacheStats NONE = new CacheStats(0, 0, 0, 0, 0);

  /** Validates the fields. */
  public CacheStats {
    checkNotNegative(hits, "hits");
    checkNotNegative(misses, "misses");
    checkNotNegative(evictions, "evictions");
    checkNotNegative(weightBytes, "weightBytes");
    checkNotNegative(maxBytes, "maxBytes");
  }

  /**
   * Whether these are a real cache's stats, not {@link #NONE}.
   *
   * @return {@code true} if {@code maxBytes > 0}
   */
  public boolean enabled() {
    return maxBytes > 0;
  }

  /**
   * Lookups in all: {@code hits + misses}.
   *
   * @return {@code hits + misses}
   */
  public long requests() {
    return hits + misses;
  }

  /**
   * The share of lookups served from the cache, in {@code [0, 1]}; 0 before the first lookup.
   *
   * @return {@code hits / (hits + misses)}, or 0 when there were no lookups
   */
  public double hitRate() {
    long requests = requests();
    return requests == 0 ? 0.0 : (double) hits / requests;
  }

  /**
   * What happened between {@code earlier} and this snapshot (weights are this snapshot's).
   *
   * @param earlier an earlier snapshot of the same cache, not null
   * @return the counts since {@code earlier} (never negative), with this snapshot's weights
   */
  public CacheStats minus(CacheStats earlier) {
    Checks.notNull(earlier, "earlier");
    return new CacheStats(Math.max(0, hits - earlier.hits), Math.max(0, misses - earlier.misses),
        Math.max(0, evictions - earlier.evictions), weightBytes, maxBytes);
  }

  private static void checkNotNegative(long value, String name) {
    if (value < 0) {
      throw new IllegalArgumentException(name + " must not be negative, got " + value);
    }
  }
}
