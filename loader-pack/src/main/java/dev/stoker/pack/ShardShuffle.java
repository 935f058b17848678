package dev.stoker.pack;

import java.util.SplittableRandom;

/**
 * The epoch order of a pack read shard by shard: a pure function of {@code (seed, epoch)} and of
 * the pack's layout.
 *
 * <p>The shards are permuted by a generator keyed by {@code (seed, epoch)}; their samples follow
 * each other in shard order (by offset), and that sequence passes through a shuffle window of
 * {@code window} samples: the window is filled, then for every next sample a random one leaves the
 * window and the new one takes its place; at the end the window drains in random order.
 *
 * <p>Bound: a sample at position {@code p} of the sequence leaves at position {@code q >= p - (window - 1)}
 * (it enters the window after {@code p - window} samples have left, and leaves after it entered),
 * so nothing is delivered more than {@code window - 1} places ahead of its place in the sequence; a
 * window of 1 delivers the sequence as it is. How late a sample may leave is not bounded (each
 * step keeps it with probability {@code 1 - 1/window}), only geometrically unlikely.
 */
final class ShardShuffle {
  /** Salt of the shard permutation's generator, so it differs from any other use of the same keys. */
  private static final long SALT = 0x5348415244L;

  private ShardShuffle() {}

  /**
   * The epoch order.
   *
   * @param shardStart shard {@code s}'s samples are {@code bySample[shardStart[s] .. shardStart[s + 1])}
   * @param inShardOrder sample indices grouped by shard, each shard's in offset order
   * @param window the shuffle window, 1 or more
   * @param seed the loader's seed
   * @param epoch the epoch
   * @return a new permutation of {@code inShardOrder}'s indices
   */
  static int[] order(int[] shardStart, int[] inShardOrder, int window, long seed, int epoch) {
    SplittableRandom random = new SplittableRandom(mix(seed, epoch, SALT));
    int shards = shardStart.length - 1;
    int[] shardOrder = new int[shards];
    for (int s = 0; s < shards; s++) {
      shardOrder[s] = s;
    }
    for (int s = shards - 1; s > 0; s--) {
      int j = random.nextInt(s + 1);
      int t = shardOrder[s];
      shardOrder[s] = shardOrder[j];
      shardOrder[j] = t;
    }
    int n = inShardOrder.length;
    int[] out = new int[n];
    int[] held = new int[Math.min(window, Math.max(n, 1))];
    int fill = 0;
    int k = 0;
    for (int s : shardOrder) {
      for (int p = shardStart[s]; p < shardStart[s + 1]; p++) {
        int sample = inShardOrder[p];
        if (fill < held.length) {
          held[fill++] = sample;
        } else {
          int j = random.nextInt(held.length);
          out[k++] = held[j];
          held[j] = sample;
        }
      }
    }
    while (fill > 0) {
      int j = random.nextInt(fill);
      out[k++] = held[j];
      held[j] = held[--fill];
    }
    return out;
  }

  /** Mixes three keys into one well-spread 64-bit seed (a SplitMix64 finalizer after each key). */
  static long mix(long seed, long epoch, long salt) {
    long h = fmix(seed ^ 0x9E3779B97F4A7C15L);
    h = fmix(h ^ (epoch * 0xC2B2AE3D27D4EB4FL));
    return fmix(h ^ (salt * 0x165667B19E3779F9L));
  }

  private static long fmix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
