package dev.stoker.pack;

import dev.stoker.api.EpochSampledSource;
import dev.stoker.storage.BlobStore;

/**
 * A pack read shard by shard: each epoch visits every sample once, the shards in an order keyed
 * by {@code (seed, epoch)}, each front to back, through a shuffle window (see {@link ShardShuffle}).
 * {@link #keepsOrder()} is true, so the loader delivers that order as it is, each rank a contiguous
 * run of it, and the blocks of a shard are read one after the other: the block cache works as a
 * bounded read-ahead, and the next block of a shard is fetched while the current one is consumed.
 *
 * <pre>{@code
 * PackReadOptions sequential = PackReadOptions.defaults().withShardShuffle(true, 2_000);
 * EpochSampledSource train = (EpochSampledSource) PackSource.open(store, "s3://bucket/train", sequential);
 * int[] epoch0 = train.epochOrder(42, 0);
 * }</pre>
 */
final class ShardShuffledPackSource extends PackSource implements EpochSampledSource {
  private final int window;

  ShardShuffledPackSource(String location, PackDescriptor descriptor, PackIndex index, BlobStore store,
      long[] shardBytes, PackReadOptions options, PackSource.ReadPath path) {
    super(location, descriptor, index, store, shardBytes, options, path);
    this.window = options.shuffleBuffer();
  }

  /** The shuffle window, in samples. */
  int window() {
    return window;
  }

  @Override
  String readMode() {
    return ", shard by shard, shuffle window " + window + (blocks().cached() ? ", read ahead through a block cache" : "");
  }

  @Override
  public int samplesPerEpoch() {
    return size();
  }

  @Override
  public int[] epochOrder(long seed, int epoch) {
    return ShardShuffle.order(shardStart, inShardOrder, window, seed, epoch);
  }

  @Override
  public boolean keepsOrder() {
    return true;
  }

  /** Hashes the shard count, each shard's sample count and the window: what the draws depend on. */
  @Override
  public long samplingFingerprint() {
    long h = 0x5348554646L;
    h = h * 0x100000001B3L + shardStart.length - 1;
    for (int s = 0; s + 1 < shardStart.length; s++) {
      h = h * 0x100000001B3L + (shardStart[s + 1] - shardStart[s]);
    }
    h = h * 0x100000001B3L + window;
    h = ShardShuffle.mix(h, size(), 1);
    return h == 0 ? 1 : h;
  }
}
