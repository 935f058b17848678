package dev.stoker.pack;

import dev.stoker.api.CacheStats;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Shard blocks in memory, weighed by their bytes and bounded by a budget; concurrent misses of one
 * block load it once (the others wait for that load); a failed load caches nothing and every
 * waiter gets its exception. A block evicted while some of its samples were unread is remembered
 * with their count (under the same lock as the eviction, so no reader slips between), and
 * {@link #get} answers null for it until they have been read: those samples are read on their own.
 *
 * <p>Eviction: blocks whose samples have all been read ({@link #done}) go first, oldest first; then
 * the least recently used block. Recency, not frequency: read shard by shard, a block that has
 * just been read is the one most likely needed next, and a block read often earlier is done with.
 * (A frequency-based admission such as Caffeine's W-TinyLFU keeps those old, often-read blocks and
 * turns the new ones away, so a shard read front to back would load each of its blocks again and
 * again.) A block still loading is never evicted; loads in flight are not counted in the weight.
 *
 * <p>Thread-safe: one lock guards the maps; no store read happens under it.
 */
final class BlockCache {
  /**
   * A block's bytes, the number of samples that lie in it, and how many of them have not been read
   * yet in the current pass over it.
   */
  static final class Block {
    final ByteBuffer data;
    final int samples;
    final AtomicInteger unread;

    Block(ByteBuffer data, int samples) {
      this.data = data;
      this.samples = samples;
      this.unread = new AtomicInteger(samples);
    }
  }

  /** Loads a block from the store. */
  interface Loader {
    Block load() throws IOException;
  }

  private static final class Slot {
    final CompletableFuture<Block> future = new CompletableFuture<>();
    Block block;
  }

  /** The most evicted blocks whose unread samples are remembered (a few MiB at most). */
  static final int MAX_STRAGGLER_BLOCKS = 1 << 16;

  private final long maxBytes;
  /** Blocks evicted with samples unread: key to their unread count. Guarded by {@code this}. */
  private final LinkedHashMap<Long, Integer> stragglers = new LinkedHashMap<>(64, 0.75f, false) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<Long, Integer> eldest) {
      return size() > MAX_STRAGGLER_BLOCKS;
    }
  };
  /** Blocks with samples not read yet, least recently used first. Guarded by {@code this}. */
  private final LinkedHashMap<Long, Slot> live = new LinkedHashMap<>(64, 0.75f, true);
  /** Blocks whose samples have all been read, oldest first. Guarded by {@code this}. */
  private final LinkedHashMap<Long, Slot> done = new LinkedHashMap<>(64, 0.75f, false);
  private long weight;
  private long hits;
  private long misses;
  private long evictions;

  /**
   * @param maxBytes the budget; no block may weigh more than half of it
   */
  BlockCache(long maxBytes) {
    this.maxBytes = maxBytes;
  }

  /**
   * The block of {@code key}, from memory or loaded (once, however many threads ask); or null when
   * the block was evicted before all its samples were read: then the caller reads this sample's
   * bytes on their own, and the block is not loaded again until its unread samples are all read.
   */
  Block get(long key, Loader loader) throws IOException {
    Slot slot;
    boolean load = false;
    synchronized (this) {
      slot = live.get(key);
      if (slot == null) {
        slot = done.get(key);
      }
      if (slot == null) {
        Integer unread = stragglers.get(key);
        if (unread != null) {
          if (unread <= 1) {
            stragglers.remove(key);
          } else {
            stragglers.put(key, unread - 1);
          }
          return null;
        }
        slot = new Slot();
        live.put(key, slot);
        misses++;
        load = true;
      } else {
        hits++;
      }
    }
    return load ? load(key, slot, loader) : await(slot);
  }

  /**
   * Reserves {@code key} for a read-ahead: from now on readers of it wait for {@link #fill}. Null
   * when it is cached, loading, or evicted with samples unread. Counts no miss.
   */
  synchronized Object reserve(long key) {
    if (live.containsKey(key) || done.containsKey(key) || stragglers.containsKey(key)) {
      return null;
    }
    Slot slot = new Slot();
    live.put(key, slot);
    return slot;
  }

  /** Loads a block reserved by {@link #reserve}; a failure is left to the readers waiting for it. */
  void fill(long key, Object reserved, Loader loader) {
    try {
      load(key, (Slot) reserved, loader);
    } catch (IOException | RuntimeException e) {
      // the readers waiting for the block get the error for their samples
    }
  }

  /** Whether {@code key} is cached or loading; does not count as a use. */
  synchronized boolean contains(long key) {
    return live.containsKey(key) || done.containsKey(key);
  }

  private Block load(long key, Slot slot, Loader loader) throws IOException {
    Block block;
    try {
      block = loader.load();
    } catch (IOException | RuntimeException e) {
      synchronized (this) {
        live.remove(key, slot);
      }
      slot.future.completeExceptionally(e);
      throw e;
    }
    synchronized (this) {
      if (live.get(key) == slot) {
        slot.block = block;
        weight += block.data.capacity();
        evict(done, key);
        evict(live, key);
      }
    }
    slot.future.complete(block);
    return block;
  }

  /** Evicts loaded blocks of {@code from}, oldest first, but not {@code keep}, while over the budget. */
  private void evict(LinkedHashMap<Long, Slot> from, long keep) {
    Iterator<Map.Entry<Long, Slot>> it = from.entrySet().iterator();
    while (weight > maxBytes && it.hasNext()) {
      Map.Entry<Long, Slot> e = it.next();
      Block block = e.getValue().block;
      if (block != null && e.getKey() != keep) {
        it.remove();
        weight -= block.data.capacity();
        evictions++;
        int unread = block.unread.get();
        if (unread > 0) {
          stragglers.put(e.getKey(), unread);
        }
      }
    }
  }

  /** Marks {@code block} as read through: it is evicted before any block still in use. */
  synchronized void done(long key, Block block) {
    Slot slot = live.get(key);
    if (slot != null && slot.block == block) {
      live.remove(key);
      done.put(key, slot);
    }
  }

  /** Moves a block marked {@link #done} back among the blocks in use: a new pass over it began. */
  synchronized void revive(long key, Block block) {
    Slot slot = done.get(key);
    if (slot != null && slot.block == block) {
      done.remove(key);
      live.put(key, slot);
    }
  }

  private static Block await(Slot slot) throws IOException {
    try {
      return slot.future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting for a block");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IOException io) {
        throw new IOException(io.getMessage(), io);
      }
      if (cause instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new IOException(String.valueOf(cause), cause);
    }
  }

  /** Drops every block. */
  synchronized void clear() {
    live.clear();
    done.clear();
    stragglers.clear();
    weight = 0;
  }

  synchronized CacheStats stats() {
    return new CacheStats(hits, misses, evictions, weight, maxBytes);
  }
}
