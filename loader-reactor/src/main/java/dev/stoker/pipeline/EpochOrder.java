package dev.stoker.pipeline;

import java.util.SplittableRandom;

/**
 * The order of an epoch and the randomness of each sample, both derived from the seed alone so
 * that the same seed gives the same batches whatever the number of threads.
 */
final class EpochOrder {
  private EpochOrder() {}

  /** A full permutation of {@code 0..size-1} keyed by (seed, epoch), or the identity without shuffle. */
  static int[] permutation(long seed, int epoch, int size, boolean shuffle) {
    int[] order = new int[size];
    for (int i = 0; i < size; i++) {
      order[i] = i;
    }
    if (shuffle) {
      SplittableRandom random = new SplittableRandom(mix(seed, epoch, -1L));
      for (int i = size - 1; i > 0; i--) {
        int j = random.nextInt(i + 1);
        int t = order[i];
        order[i] = order[j];
        order[j] = t;
      }
    }
    return order;
  }

  /** The generator of every random choice made for sample {@code index} in {@code epoch}. */
  static SplittableRandom sampleRandom(long seed, int epoch, int index) {
    return new SplittableRandom(mix(seed, epoch, index));
  }

  /** Mixes three keys into one well-spread 64-bit seed (SplitMix64 finalizer on each step). */
  static long mix(long seed, long epoch, long index) {
    long h = fmix(seed ^ 0x9E3779B97F4A7C15L);
    h = fmix(h ^ (epoch * 0xC2B2AE3D27D4EB4FL));
    return fmix(h ^ (index * 0x165667B19E3779F9L));
  }

  private static long fmix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
