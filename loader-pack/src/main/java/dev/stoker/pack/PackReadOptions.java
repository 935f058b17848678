package dev.stoker.pack;

import dev.stoker.api.internal.Checks;
import dev.stoker.storage.StorageOptions;

/**
 * How a pack (or a set of WebDataset shards) is read.
 *
 * <ul>
 *   <li>{@code shardShuffle} false (the default): the loader's global per-epoch permutation, each
 *       sample read at random through the index, reads that fall in the same block of a shard
 *       coalesced through a cache of shard blocks.
 *   <li>{@code shardShuffle} true: the shards in an order keyed by (seed, epoch), each read front
 *       to back, samples shuffled within a window of {@code shuffleBuffer}; for storage where only
 *       sequential reads are cheap. Ranks take contiguous runs of that order.
 * </ul>
 *
 * <pre>{@code
 * PackReadOptions sequential = PackReadOptions.defaults().withShardShuffle(true, 2_000);
 * SampleSource train = Packs.open("s3://bucket/train", sequential);
 * }</pre>
 *
 * @param storage timeouts, retries and the S3 endpoint of the store the pack is read from
 * @param shardShuffle whether to read shards sequentially in a keyed order (see above)
 * @param shuffleBuffer the shuffle window in samples under {@code shardShuffle}, 1 to 1,000,000
 * @param cacheBytes the most bytes of shard blocks held in memory (read-ahead and coalescing), at
 *     least {@code 2 * blockBytes}
 * @param blockBytes the unit of reads from a shard, 64 KiB to 64 MiB
 * @param maxSampleBytes the largest sample (image member) read, 1 byte to 1 GiB
 */
public record PackReadOptions(
    StorageOptions storage,
    boolean shardShuffle,
    int shuffleBuffer,
    long cacheBytes,
    int blockBytes,
    int maxSampleBytes) {
  /** Validates the fields. */
  public PackReadOptions {
    Checks.notNull(storage, "storage");
    Checks.argument(shuffleBuffer >= 1 && shuffleBuffer <= 1_000_000, "shuffleBuffer",
        "must be in [1, 1000000], got " + shuffleBuffer);
    Checks.argument(blockBytes >= 64 << 10 && blockBytes <= 64 << 20, "blockBytes",
        "must be in [64 KiB, 64 MiB], got " + blockBytes);
    Checks.argument(cacheBytes >= 2L * blockBytes, "cacheBytes",
        "must hold at least two blocks (" + 2L * blockBytes + " bytes), got " + cacheBytes);
    Checks.argument(maxSampleBytes >= 1 && maxSampleBytes <= 1 << 30, "maxSampleBytes",
        "must be in [1, 1 GiB], got " + maxSampleBytes);
  }

  /**
   * Global permutation, 256 MiB of 4 MiB blocks cached, samples up to 256 MiB, default storage.
   *
   * @return the defaults
   */
  public static PackReadOptions defaults() {
    return new PackReadOptions(StorageOptions.defaults(), false, 1000, 256L << 20, 4 << 20, 256 << 20);
  }

  /**
   * These options reading shards sequentially (or not) with a shuffle window.
   *
   * @param shuffle whether to read shards sequentially in a keyed order
   * @param buffer the shuffle window in samples
   * @return new options
   */
  public PackReadOptions withShardShuffle(boolean shuffle, int buffer) {
    return new PackReadOptions(storage, shuffle, buffer, cacheBytes, blockBytes, maxSampleBytes);
  }

  /**
   * These options with other storage options.
   *
   * @param options the storage options
   * @return new options
   */
  public PackReadOptions withStorage(StorageOptions options) {
    return new PackReadOptions(options, shardShuffle, shuffleBuffer, cacheBytes, blockBytes, maxSampleBytes);
  }

  /**
   * These options with another cache size.
   *
   * @param bytes the most bytes of shard blocks held in memory
   * @return new options
   */
  public PackReadOptions withCacheBytes(long bytes) {
    return new PackReadOptions(storage, shardShuffle, shuffleBuffer, bytes, blockBytes, maxSampleBytes);
  }
}
