package dev.stoker.pipeline;

import dev.stoker.api.CacheStats;
import dev.stoker.api.SampleSource;

/**
 * A {@link SampleSource} that keeps what it read in memory, under a byte budget, so that later
 * epochs need not read (or, for a decoded cache, decode) the samples again. Everything but
 * {@code read} is the wrapped source's. Made by {@link SampleCaches}.
 *
 * <pre>{@code
 * CachingSource train = SampleCaches.encoded(ImageFolderSource.open(Path.of("train")), 4L << 30);
 * try (Loader loader = Loader.builder().source(train) ... .build()) {
 *   loader.run(10, batch -> step(batch));
 * }
 * System.out.printf("cache hit rate %.2f%n", train.cacheStats().hitRate());
 * }</pre>
 */
public interface CachingSource extends SampleSource {
  /** The cache's counters and size now; cumulative since it was made. */
  @Override
  CacheStats cacheStats();

  /**
   * The source whose samples are cached.
   *
   * @return the wrapped source, not null
   */
  SampleSource inner();

  /**
   * The byte budget.
   *
   * @return the most bytes the cache holds, positive
   */
  long maxBytes();
}
