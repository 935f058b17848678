package dev.stoker.pack;

import dev.stoker.api.CacheStats;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

/**
 * Shard blocks in memory, weighed by their bytes and bounded by a budget; concurrent misses of one
 * block load it once (the others wait for that load); a failed load caches nothing and every
 * waiter gets its exception.
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
  /** A block's bytes and how many of the samples that lie in it have not been read yet. */
  static final class Block {
    final ByteBuffer data;
    final AtomicInteger unread;

    Block(ByteBuffer data, int unread) {
      this.data = data;
      this.unread = new AtomicInteger(unread);
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

  private final long maxBytes;
  private final BiConsumer<Long, Block> onEvict;
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
   * @param onEvict told of every block evicted to stay within the budget (not of blocks removed otherwise)
   */
  BlockCache(long maxBytes, BiConsumer<Long, Block> onEvict) {
    this.maxBytes = maxBytes;
    this.onEvict = onEvict;
  }

  /** The block of {@code key}, from memory or loaded (once, however many threads ask). */
  Block get(long key, Loader loader) throws IOException {
    Slot slot;
    boolean load = false;
    synchronized (this) {
      slot = live.get(key);
      if (slot == null) {
        slot = done.get(key);
      }
      if (slot == null) {
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

  /** Loads {@code key} in the calling thread unless it is cached or loading; counts no miss. */
  void prefetch(long key, Loader loader) {
    Slot slot;
    synchronized (this) {
      if (live.containsKey(key) || done.containsKey(key)) {
        return;
      }
      slot = new Slot();
      live.put(key, slot);
    }
    try {
      load(key, slot, loader);
    } catch (IOException | RuntimeException e) {
      // the demand read of the block reads it again and reports the error for its sample
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
    List<Map.Entry<Long, Block>> evicted = new ArrayList<>();
    synchronized (this) {
      if (live.get(key) == slot) {
        slot.block = block;
        weight += block.data.capacity();
        evict(done, key, evicted);
        evict(live, key, evicted);
      }
    }
    slot.future.complete(block);
    for (Map.Entry<Long, Block> e : evicted) {
      onEvict.accept(e.getKey(), e.getValue());
    }
    return block;
  }

  /** Evicts loaded blocks of {@code from}, oldest first, but not {@code keep}, while over the budget. */
  private void evict(LinkedHashMap<Long, Slot> from, long keep, List<Map.Entry<Long, Block>> evicted) {
    Iterator<Map.Entry<Long, Slot>> it = from.entrySet().iterator();
    while (weight > maxBytes && it.hasNext()) {
      Map.Entry<Long, Slot> e = it.next();
      Block block = e.getValue().block;
      if (block != null && e.getKey() != keep) {
        it.remove();
        weight -= block.data.capacity();
        evictions++;
        evicted.add(Map.entry(e.getKey(), block));
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
    weight = 0;
  }

  synchronized CacheStats stats() {
    return new CacheStats(hits, misses, evictions, weight, maxBytes);
  }
}
