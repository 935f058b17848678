package dev.stoker.pipeline;

import dev.stoker.api.EpochSampledSource;
import dev.stoker.image.ImageShrinker;

/**
 * A cache over a source whose epochs are drawn (a weighted mix): a {@link CachedSource} that is still
 * an {@link EpochSampledSource}, drawing as the cached source does, so that caching a mix keeps it a
 * mix. Entries are keyed by the mix's own indices (those of its concatenation), so samples of
 * different sources never share an entry.
 */
final class CachedSampledSource extends CachedSource implements EpochSampledSource {
  private final EpochSampledSource sampled;

  CachedSampledSource(EpochSampledSource inner, long maxBytes, ImageShrinker shrinker) {
    super(inner, maxBytes, shrinker);
    this.sampled = inner;
  }

  @Override
  public int samplesPerEpoch() {
    return sampled.samplesPerEpoch();
  }

  @Override
  public int[] epochOrder(long seed, int epoch) {
    return sampled.epochOrder(seed, epoch);
  }

  @Override
  public boolean keepsOrder() {
    return sampled.keepsOrder();
  }

  @Override
  public long samplingFingerprint() {
    return sampled.samplingFingerprint();
  }
}
