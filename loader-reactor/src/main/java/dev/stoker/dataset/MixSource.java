package dev.stoker.dataset;

import dev.stoker.api.CacheStats;
import dev.stoker.api.EpochSampledSource;
import dev.stoker.api.SampleSource;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A weighted mix of sources ({@link Sources#mix}): the samples are those of their concatenation, and
 * each epoch draws a fixed number from each source, in proportion to the weights.
 */
final class MixSource implements EpochSampledSource {
  private final ConcatSource all;
  private final int[] perEpoch;
  private final int samplesPerEpoch;
  private final boolean replacement;

  MixSource(List<SampleSource> sources, double[] weights, int samplesPerEpoch, boolean replacement) {
    this.all = new ConcatSource(sources);
    this.perEpoch = apportion(weights, samplesPerEpoch);
    for (int k = 0; k < sources.size(); k++) {
      if (perEpoch[k] > 0 && all.partSize(k) == 0) {
        throw new IllegalArgumentException("sources[" + k + "] has no samples but weight " + weights[k]);
      }
    }
    this.samplesPerEpoch = samplesPerEpoch;
    this.replacement = replacement;
  }

  /** Largest-remainder shares of {@code total} in proportion to {@code weights}; they add up to total. */
  static int[] apportion(double[] weights, int total) {
    double sum = 0;
    for (double w : weights) {
      sum += w;
    }
    int[] counts = new int[weights.length];
    double[] rest = new double[weights.length];
    int given = 0;
    for (int k = 0; k < weights.length; k++) {
      double exact = total * weights[k] / sum;
      counts[k] = (int) Math.floor(exact);
      rest[k] = exact - counts[k];
      given += counts[k];
    }
    for (; given < total; given++) {
      int best = 0;
      for (int k = 1; k < weights.length; k++) {
        if (rest[k] > rest[best]) {
          best = k;
        }
      }
      counts[best]++;
      rest[best] = -1;
    }
    return counts;
  }

  /** The samples each source gives per epoch, in the order of the sources. */
  int[] perEpoch() {
    return perEpoch.clone();
  }

  @Override
  public int samplesPerEpoch() {
    return samplesPerEpoch;
  }

  @Override
  public int[] epochOrder(long seed, int epoch) {
    int[] order = new int[samplesPerEpoch];
    int n = 0;
    for (int k = 0; k < perEpoch.length; k++) {
      SplittableRandom random = new SplittableRandom(mix(seed, epoch, k));
      int first = all.firstIndex(k);
      int size = all.partSize(k);
      if (replacement) {
        for (int i = 0; i < perEpoch[k]; i++) {
          order[n++] = first + random.nextInt(size);
        }
      } else {
        // successive permutations of the source: no sample twice before every sample once
        int[] permutation = new int[size];
        int left = 0;
        for (int i = 0; i < perEpoch[k]; i++) {
          if (left == 0) {
            for (int j = 0; j < permutation.length; j++) {
              permutation[j] = j;
            }
            left = permutation.length;
          }
          int j = random.nextInt(left);
          order[n++] = first + permutation[j];
          permutation[j] = permutation[--left];
        }
      }
    }
    // interleave the sources: one shuffle of the whole epoch
    SplittableRandom random = new SplittableRandom(mix(seed, epoch, -1));
    for (int i = order.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    return order;
  }

  /** SplitMix64's finalizer over (seed, epoch, source), apart from the loader's own keys. */
  private static long mix(long seed, int epoch, int source) {
    long h = fmix(seed ^ 0x3A1F0C5D2E4B6987L);
    h = fmix(h ^ (epoch * 0xC2B2AE3D27D4EB4FL));
    return fmix(h ^ ((source + 2L) * 0x165667B19E3779F9L));
  }

  private static long fmix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /**
   * Hashes what the draws depend on: each source's size and per-epoch count (the weights as the counts
   * they apportion: weights that give the same counts draw the same epochs), the samples per epoch
   * and the replacement flag.
   */
  @Override
  public long samplingFingerprint() {
    long h = fmix(0x6D69785F76310000L ^ (replacement ? 1 : 2)); // "mix_v1"
    h = fmix(h ^ samplesPerEpoch);
    for (int k = 0; k < perEpoch.length; k++) {
      h = fmix(h ^ (((long) all.partSize(k) << 32) | (perEpoch[k] & 0xFFFFFFFFL)));
    }
    return h == 0 ? 1 : h;
  }

  @Override
  public String description() {
    StringBuilder w = new StringBuilder();
    for (int k = 0; k < perEpoch.length; k++) {
      w.append(k == 0 ? "" : ":").append(perEpoch[k]);
    }
    return "mix " + w + " of " + samplesPerEpoch + " samples per epoch " + (replacement ? "with" : "without")
        + " replacement over " + all.description();
  }

  @Override
  public int size() {
    return all.size();
  }

  @Override
  public String sourceName(int index) {
    return all.sourceName(index);
  }

  @Override
  public String contentKey(int index) {
    return all.contentKey(index);
  }

  @Override
  public int label(int index) {
    return all.label(index);
  }

  @Override
  public List<String> classes() {
    return all.classes();
  }

  @Override
  public ByteBuffer read(int index) throws IOException {
    return all.read(index);
  }

  @Override
  public ByteBuffer read(int index, ByteBuffer reuse) throws IOException {
    return all.read(index, reuse);
  }

  @Override
  public boolean hasBoxes() {
    return all.hasBoxes();
  }

  @Override
  public int maxBoxCount() {
    return all.maxBoxCount();
  }

  @Override
  public int boxCount(int index) {
    return all.boxCount(index);
  }

  @Override
  public int copyBoxes(int index, float[] boxes, int[] labels) {
    return all.copyBoxes(index, boxes, labels);
  }

  @Override
  public int maxLabelCount() {
    return all.maxLabelCount();
  }

  @Override
  public int labelCount(int index) {
    return all.labelCount(index);
  }

  @Override
  public int copyLabels(int index, int[] labels) {
    return all.copyLabels(index, labels);
  }

  @Override
  public List<String> warnings() {
    return all.warnings();
  }

  @Override
  public int warningCount() {
    return all.warningCount();
  }

  @Override
  public CacheStats cacheStats() {
    return all.cacheStats();
  }
}
