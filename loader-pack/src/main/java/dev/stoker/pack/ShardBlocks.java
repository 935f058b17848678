package dev.stoker.pack;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.stoker.api.CacheStats;
import dev.stoker.storage.BlobStore;
import java.io.IOException;
import java.io.Serial;
import java.nio.ByteBuffer;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads byte ranges of a pack's shards through a cache of fixed-size shard blocks.
 *
 * <p>A range that fits in a block and in half the cache is served from the blocks it spans (at
 * most two): each is taken from a Caffeine cache weighed by its bytes, or read with one ranged
 * {@link BlobStore#read} through {@link Cache#get(Object, java.util.function.Function)}, so that
 * concurrent misses of one block read it once and the others wait for it. A larger range, or every
 * range when the cache is off ({@code cached} false), is read directly. A failed read caches nothing
 * and its exception reaches the caller.
 *
 * <p>With {@code prefetch}, a range that ends in the last quarter of its block starts an
 * asynchronous read of the shard's next block into the cache (at most {@value #PREFETCHES} at once,
 * on virtual threads, skipped when the block is cached or the limit is reached); prefetches are not
 * counted as misses, and stop on {@link #close()}.
 *
 * <p>Eviction runs on the calling threads, right after each insertion, so the cache's weight stays
 * within its budget without a background pool.
 */
final class ShardBlocks implements AutoCloseable {
  /** The most prefetches in flight. */
  static final int PREFETCHES = 2;
  /** Block keys: shard in the high bits, block number in the low {@value} bits. */
  private static final int BLOCK_BITS = 43;
  private static final Logger LOG = LoggerFactory.getLogger(ShardBlocks.class);

  private final BlobStore store;
  private final String[] shardNames;
  private final long[] shardBytes;
  private final int blockBytes;
  private final long cacheBytes;
  private final Cache<Long, ByteBuffer> cache;
  private final ExecutorService prefetcher;
  private final Semaphore prefetchPermits = new Semaphore(PREFETCHES);
  private final AtomicLong blockReads = new AtomicLong();
  private final AtomicLong directReads = new AtomicLong();
  private volatile boolean closed;

  /**
   * @param store the pack's store
   * @param shardNames the shards' keys
   * @param shardBytes the shards' sizes, checked against the store
   * @param blockBytes the block size
   * @param cacheBytes the cache's budget
   * @param cached false to read every range directly (no cache)
   * @param prefetch whether to read the next block ahead (only with {@code cached})
   */
  ShardBlocks(BlobStore store, String[] shardNames, long[] shardBytes, int blockBytes, long cacheBytes,
      boolean cached, boolean prefetch) {
    this.store = store;
    this.shardNames = shardNames;
    this.shardBytes = shardBytes;
    this.blockBytes = blockBytes;
    this.cacheBytes = cacheBytes;
    this.cache = cached ? Caffeine.newBuilder()
        .maximumWeight(cacheBytes)
        .weigher((Long key, ByteBuffer block) -> block.capacity())
        .executor(Runnable::run)
        .recordStats()
        .build() : null;
    this.prefetcher = cached && prefetch
        ? Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("stoker-pack-prefetch-", 0).factory())
        : null;
  }

  /**
   * Copies bytes {@code [offset, offset + out.remaining())} of shard {@code shard} into {@code out}
   * from its position, advancing it to its limit.
   *
   * @throws IOException from the store (the caller names the sample)
   */
  void read(int shard, long offset, ByteBuffer out) throws IOException {
    int length = out.remaining();
    if (cache == null || length > blockBytes || length > cacheBytes / 2) {
      directReads.incrementAndGet();
      ByteBuffer data = store.read(shardNames[shard], offset, length);
      if (data.remaining() != length) {
        throw new IOException(shardNames[shard] + ": read " + data.remaining() + " bytes, expected " + length);
      }
      out.put(data);
      return;
    }
    long end = offset + length;
    long block = offset / blockBytes;
    long at = offset;
    while (at < end) {
      ByteBuffer data = block(shard, block);
      long blockStart = block * blockBytes;
      int from = (int) (at - blockStart);
      int n = (int) Math.min(end - at, data.capacity() - (long) from);
      if (n <= 0) {
        throw new IOException(shardNames[shard] + ": block " + block + " ends before byte " + at);
      }
      out.put(out.position(), data, from, n);
      out.position(out.position() + n);
      at += n;
      block++;
    }
    if (prefetcher != null && length > 0) {
      long last = (end - 1) / blockBytes;
      long lastStart = last * blockBytes;
      if (end - lastStart >= blockBytes - blockBytes / 4 && lastStart + blockBytes < shardBytes[shard]) {
        prefetch(shard, last + 1);
      }
    }
  }

  private ByteBuffer block(int shard, long block) throws IOException {
    try {
      return cache.get(key(shard, block), k -> load(shard, block));
    } catch (LoadFailure f) {
      throw f.getCause();
    }
  }

  private ByteBuffer load(int shard, long block) {
    if (closed) {
      throw new LoadFailure(new IOException(shardNames[shard] + ": the pack is closed"));
    }
    long start = block * blockBytes;
    int length = (int) Math.min(blockBytes, shardBytes[shard] - start);
    try {
      blockReads.incrementAndGet();
      ByteBuffer data = store.read(shardNames[shard], start, length);
      if (data.remaining() != length) {
        throw new IOException(shardNames[shard] + ": read " + data.remaining() + " bytes of block " + block
            + ", expected " + length);
      }
      return data.position() == 0 && data.capacity() == length ? data : ByteBuffer.allocate(length).put(data).flip();
    } catch (IOException e) {
      throw new LoadFailure(e);
    }
  }

  private void prefetch(int shard, long block) {
    Long key = key(shard, block);
    if (closed || cache.asMap().containsKey(key) || !prefetchPermits.tryAcquire()) {
      return;
    }
    try {
      prefetcher.execute(() -> {
        try {
          if (!closed) {
            cache.asMap().computeIfAbsent(key, k -> load(shard, block));
          }
        } catch (RuntimeException e) {
          // the demand read of this block will read it again and report the error for its sample
          LOG.debug("prefetch of {} block {} failed: {}", shardNames[shard], block, e.getMessage());
        } finally {
          prefetchPermits.release();
        }
      });
    } catch (RejectedExecutionException e) {
      prefetchPermits.release();
    }
  }

  private static Long key(int shard, long block) {
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
    if (cache == null) {
      return CacheStats.NONE;
    }
    cache.cleanUp();
    var counters = cache.stats();
    long weight = cache.policy().eviction().map(e -> e.weightedSize().orElse(0L)).orElse(0L);
    return new CacheStats(counters.hitCount(), counters.missCount(), counters.evictionCount(), weight, cacheBytes);
  }

  /** Stops prefetching (interrupting reads in flight) and drops the cached blocks. */
  @Override
  public void close() {
    closed = true;
    if (prefetcher != null) {
      prefetcher.shutdownNow();
    }
    if (cache != null) {
      cache.invalidateAll();
      cache.cleanUp();
    }
  }

  /** Carries a read's {@link IOException} out of Caffeine's mapping function. */
  private static final class LoadFailure extends RuntimeException {
    @Serial
    private static final long serialVersionUID = 1L;

    LoadFailure(IOException cause) {
      super(cause.getMessage(), cause, false, false);
    }

    @Override
    public synchronized IOException getCause() {
      return (IOException) super.getCause();
    }
  }
}
