package dev.stoker.pipeline;

import dev.stoker.api.internal.Checks;
import dev.stoker.api.EpochSampledSource;
import dev.stoker.api.ImageDecoder;
import dev.stoker.api.SampleSource;
import dev.stoker.decode.ImageDecoders;
import dev.stoker.image.ImageShrinker;

/**
 * Wraps a {@link SampleSource} in a Caffeine cache weighted by bytes, evicting (by Caffeine's
 * frequency-aware policy) to stay within a budget. Two kinds:
 *
 * <ul>
 *   <li>{@link #encoded}: the encoded file bytes as read. Saves the reads; every epoch still
 *       decodes. The entry weighs the file's size.
 *   <li>{@link #decoded}: the image decoded and shrunk so its shorter side is at most a given
 *       length, stored as a {@link dev.stoker.image.RawImage} that every decoder from
 *       {@link ImageDecoders} accepts, so the loader's usual decode-and-augment path runs on it
 *       (decoding it is a copy). Saves reads and decodes, but an entry weighs {@code 3 * w * h}
 *       bytes, several times a JPEG, and the loader's crops see the shrunk image. Boxes of a
 *       detection source are scaled to match.
 * </ul>
 *
 * <p><b>Combined sources.</b> Entries are keyed by the cached source's sample index. A cache over a
 * combination ({@code Sources.concat}, {@code mix}, {@code subset}...) keys by the combination's
 * indices, each a distinct sample; a combination of cached sources looks each sample up in its own
 * source's cache by that source's index; so samples of different sources never share an entry. A
 * cache over a weighted mix ({@link EpochSampledSource}) is one too, drawing its epochs as the mix
 * does.
 *
 * <p><b>Memory.</b> Entries are heap byte arrays: the budget comes out of the Java heap
 * ({@code -Xmx}), which must hold it and the loader's working set. On the heap an evicted entry is
 * freed by ordinary garbage collection and the arrays hold no references for the collector to
 * trace; direct buffers would sit outside {@code -Xmx} but are freed only once their small owner
 * objects, promoted to the old generation with the entry, are collected, so a cache that evicts
 * would keep running into the direct-memory limit. The budget counts pixel or file bytes only, not
 * Caffeine's own bookkeeping (about 100 bytes per entry). Failed reads and decodes are not cached.
 *
 * <pre>{@code
 * CachingSource bytes = SampleCaches.encoded(ImageFolderSource.open(Path.of("train")), 4L << 30);
 * CachingSource pixels = SampleCaches.decoded(CocoSource.open(annotations, images), 8L << 30, 256);
 * }</pre>
 */
public final class SampleCaches {
  private SampleCaches() {}

  /**
   * Caches the encoded bytes of {@code source}'s samples, up to {@code maxBytes}.
   *
   * @param source the source to cache, not null
   * @param maxBytes the cache's budget in bytes, positive
   * @return a source that serves repeated reads from the cache
   * @throws IllegalArgumentException naming {@code maxBytes} if it is not positive
   */
  public static CachingSource encoded(SampleSource source, long maxBytes) {
    Checks.notNull(source, "source");
    return cache(source, checkMaxBytes(maxBytes), null);
  }

  /**
   * Caches {@code source}'s images decoded by {@link ImageDecoders#best()} and shrunk so their
   * shorter side is at most {@code shorterSide} (never enlarged), up to {@code maxBytes}. The
   * loader that reads it must decode with a decoder from {@link ImageDecoders} (its default), or
   * one wrapped by {@link dev.stoker.image.RawImage#accepting}.
   *
   * @param source the source to cache, not null
   * @param maxBytes the cache's budget in bytes, positive
   * @param shorterSide the longest the shorter side of a cached image may be, in pixels, positive
   * @return a source whose samples are raw images ({@link dev.stoker.image.RawImage})
   * @throws IllegalArgumentException naming the parameter if {@code maxBytes} or
   *     {@code shorterSide} is not positive
   */
  public static CachingSource decoded(SampleSource source, long maxBytes, int shorterSide) {
    return decoded(source, maxBytes, shorterSide, ImageDecoders.best());
  }

  /**
   * As {@link #decoded(SampleSource, long, int)}, decoding with {@code decoder}.
   *
   * @param source the source to cache, not null
   * @param maxBytes the cache's budget in bytes, positive
   * @param shorterSide the longest the shorter side of a cached image may be, in pixels, positive
   * @param decoder decodes the source's images before they are shrunk, not null
   * @return a source whose samples are raw images ({@link dev.stoker.image.RawImage})
   * @throws IllegalArgumentException naming the parameter if {@code maxBytes} or
   *     {@code shorterSide} is not positive, or if {@code maxBytes} cannot hold one image of
   *     {@code shorterSide} by {@code shorterSide} pixels (such a cache would hold nothing)
   */
  public static CachingSource decoded(SampleSource source, long maxBytes, int shorterSide, ImageDecoder decoder) {
    Checks.notNull(source, "source");
    Checks.notNull(decoder, "decoder");
    long budget = checkMaxBytes(maxBytes);
    Checks.positive(shorterSide, "shorterSide");
    long oneSample = 3L * shorterSide * shorterSide;
    Checks.argument(budget >= oneSample, "maxBytes", maxBytes + " bytes cannot hold one decoded sample: an image "
        + "shrunk to a shorter side of " + shorterSide + " takes at least " + oneSample + " bytes (3 x "
        + shorterSide + " x " + shorterSide + ")");
    return cache(source, budget, new ImageShrinker(decoder, shorterSide));
  }

  /** The cache; over a source whose epochs are drawn, one that draws them the same way. */
  private static CachingSource cache(SampleSource source, long maxBytes, ImageShrinker shrinker) {
    return source instanceof EpochSampledSource sampled
        ? new CachedSampledSource(sampled, maxBytes, shrinker)
        : new CachedSource(source, maxBytes, shrinker);
  }

  private static long checkMaxBytes(long maxBytes) {
    if (maxBytes <= 0) {
      throw new IllegalArgumentException("maxBytes must be positive, got " + maxBytes);
    }
    return maxBytes;
  }
}
