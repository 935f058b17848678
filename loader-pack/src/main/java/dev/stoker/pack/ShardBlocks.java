package dev.stoker.pack;

import dev.stoker.api.CacheStats;
import dev.stoker.storage.BlobStore;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Reads byte ranges of a pack's shards, through a {@link BlockCache} of fixed-size shard blocks or
 * directly.
 *
 * <p>Cached: a range that fits in a block and in half the cache is served from the blocks it
 * spans (at most two), each taken from the cache or read with one ranged {@link BlobStore#read}
 * (concurrent misses of a block read it once). Each block knows how many of the samples that lie
 * in it have not been read yet ({@link Layout#samplesIn}); when the last one is read, the block is
 * marked done and goes first when room is needed. A block evicted while some of its samples were
 * still unread (a sample held long in a shuffle window, or the loader's global permutation over a
 * pack larger than the cache) is not loaded again for them: those stragglers are read directly,
 * each with a ranged read of its own bytes, so no block is read twice for one pass over the pack.
 * A larger range, or every range when the cache is off, is read directly. A failed read caches
 * nothing and its exception reaches the caller.
 *
 * <p>With {@code prefetch}, a range that ends in the last quarter of its block starts an
 * asynchronous read of the shard's next block into the cache (at most {@value #PREFETCHES} at once,
 * on virtual threads, skipped when the block is cached or loading, or not beyond the last block
 * of the shard loaded, so that a sample delivered late from the shuffle window does not fetch a
 * block long read through); prefetches count no miss and stop on {@link #close()}.
 */
final class ShardBlocks implements AutoCloseable {
  /** The most prefetches in flight. */
  static final int PREFETCHES = 2;
  /** Block keys: shard in the high bits, block number in the low {@value} bits. */
  private static final int BLOCK_BITS = 43;

  /** Where samples lie in the shards. */
  interface Layout {
    /**
     * The number of samples read through blocks (not directly) whose bytes overlap bytes
     * {@code [from, to)} of shard {@code shard}.
     */
    int samplesIn(int shard, long from, long to);
  }

  private final BlobStore store;
  private final String[] shardNames;
  private final long[] shardBytes;
  private final int blockBytes;
  private final long cacheBytes;
  private final Layout layout;
  private final BlockCache cache;
  private final ExecutorService prefetcher;
  private final Semaphore prefetchPermits = new Semaphore(PREFETCHES);
  /** Per shard, the block loaded last (demand or read-ahead): read-ahead goes only beyond it. */
  private final AtomicLongArray frontier;
  private final AtomicLong blockReads = new AtomicLong();
  private final AtomicLong directReads = new AtomicLong();
  private volatile boolean closed;

  /**
   * @param store the pack's store
   * @param shardNames the shards' keys
   * @param shardBytes the shards' sizes, checked against the store
   * @param blockBytes the block size
   * @param cacheBytes the cache's budget, at least two blocks
   * @param layout where the samples lie, to count each block's samples
   * @param cached false to read every range directly (no cache)
   * @param prefetch whether to read the next block ahead (only with {@code cached})
   */
  ShardBlocks(BlobStore store, String[] shardNames, long[] shardBytes, int blockBytes, long cacheBytes, Layout layout,
      boolean cached, boolean prefetch) {
    this.store = store;
    this.shardNames = shardNames;
    this.shardBytes = shardBytes;
    this.blockBytes = blockBytes;
    this.cacheBytes = cacheBytes;
    this.layout = layout;
    this.cache = cached ? new BlockCache(cacheBytes) : null;
    this.frontier = new AtomicLongArray(cached && prefetch ? shardNames.length : 0);
    this.prefetcher = cached && prefetch
        ? Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("stoker-pack-prefetch-", 0).factory())
        : null;
  }

  /** Whether a range of {@code length} bytes is read through the blocks (else directly). */
  boolean throughBlocks(int length) {
    return cache != null && length > 0 && length <= blockBytes && length <= cacheBytes / 2;
  }

  /**
   * Copies bytes {@code [offset, offset + out.remaining())} of shard {@code shard} into {@code out}
   * from its position, advancing it to its limit.
   *
   * @throws IOException from the store (the caller names the sample)
   */
  void read(int shard, long offset, ByteBuffer out) throws IOException {
    int length = out.remaining();
    if (!throughBlocks(length)) {
      direct(shard, offset, out, length);
      return;
    }
    long end = offset + length;
    long block = offset / blockBytes;
    for (long at = offset; at < end; block++) {
      long blockStart = block * blockBytes;
      int n = (int) Math.min(end - at, blockStart + blockBytes - at);
      long key = key(shard, block);
      long b = block;
      BlockCache.Block data = cache.get(key, () -> {
        if (frontier.length() > 0) {
          frontier.set(shard, b);   // a miss: this pass over the shard is here now
        }
        return load(shard, b);
      });
      if (data == null) {
        direct(shard, at, out, n);   // a sample of a block evicted before all its samples were read
      } else {
        int from = (int) (at - blockStart);
        if (from + n > data.data.capacity()) {
          throw new IOException(shardNames[shard] + ": block " + block + " ends before byte " + (at + n));
        }
        out.put(out.position(), data.data, from, n);
        out.position(out.position() + n);
        counted(key, data);
      }
      at += n;
    }
    if (prefetcher != null) {
      long last = (end - 1) / blockBytes;
      long lastStart = last * blockBytes;
      if (end - lastStart >= blockBytes - blockBytes / 4 && lastStart + blockBytes < shardBytes[shard]) {
        prefetch(shard, last + 1);
      }
    }
  }

  /**
   * Counts one read of a sample in {@code block}: the last unread one marks it done; a read of a
   * block already done starts a new pass over it (the next epoch), counted from its samples again.
   */
  private void counted(long key, BlockCache.Block block) {
    int left = block.unread.decrementAndGet();
    if (left == 0) {
      cache.done(key, block);
    } else if (left < 0 && block.unread.compareAndSet(left, block.samples + left)) {
      if (block.samples + left <= 0) {
        block.unread.set(0);
      } else {
        cache.revive(key, block);
      }
    }
  }

  private void direct(int shard, long offset, ByteBuffer out, int length) throws IOException {
    directReads.incrementAndGet();
    ByteBuffer data = store.read(shardNames[shard], offset, length);
    if (data.remaining() != length) {
      throw new IOException(shardNames[shard] + ": read " + data.remaining() + " bytes, expected " + length);
    }
    out.put(data);
  }

  private BlockCache.Block load(int shard, long block) throws IOException {
    if (closed) {
      throw new IOException(shardNames[shard] + ": the pack is closed");
    }
    long start = block * blockBytes;
    int length = (int) Math.min(blockBytes, shardBytes[shard] - start);
    blockReads.incrementAndGet();
    ByteBuffer data = store.read(shardNames[shard], start, length);
    if (data.remaining() != length) {
      throw new IOException(shardNames[shard] + ": read " + data.remaining() + " bytes of block " + block
          + ", expected " + length);
    }
    if (data.position() != 0 || data.capacity() != length) {
      data = ByteBuffer.allocate(length).put(data).flip();
    }
    return new BlockCache.Block(data, layout.samplesIn(shard, start, start + length));
  }

  private void prefetch(int shard, long block) {
    long key = key(shard, block);
    long last = frontier.get(shard);
    // only ahead of the last block loaded: a late sample of a block long read through reads nothing ahead
    if (closed || block <= last || cache.contains(key) || !prefetchPermits.tryAcquire()) {
      return;
    }
    if (!frontier.compareAndSet(shard, last, block)) {
      prefetchPermits.release();
      return;
    }
    // reserved here, loaded there: a reader that comes first waits for this read instead of overtaking it
    Object reserved = cache.reserve(key);
    if (reserved == null) {
      prefetchPermits.release();
      return;
    }
    try {
      prefetcher.execute(() -> {
        try {
          cache.fill(key, reserved, () -> load(shard, block));
        } finally {
          prefetchPermits.release();
        }
      });
    } catch (RejectedExecutionException e) {
      prefetchPermits.release();
      cache.fill(key, reserved, () -> {
        throw new IOException(shardNames[shard] + ": the pack is closed");
      });
    }
  }

  private static long key(int shard, long block) {
    return (long) shard << BLOCK_BITS | block;
  }

  /** Whether reads go through the block cache. */
  boolean cached() {
    return cache != null;
  }

  /** Blocks read from the store so far (demand and prefetch). */
  long blockReads() {
    return blockReads.get();
  }

  /** Ranges read directly from the store so far. */
  long directReads() {
    return directReads.get();
  }

  /** The cache's counters; {@link CacheStats#NONE} without a cache. */
  CacheStats stats() {
    return cache == null ? CacheStats.NONE : cache.stats();
  }

  /** Stops prefetching (interrupting reads in flight) and drops the cached blocks. */
  @Override
  public void close() {
    closed = true;
    if (prefetcher != null) {
      prefetcher.shutdownNow();
    }
    if (cache != null) {
      cache.clear();
    }
  }
}
