package dev.stoker.pipeline;

import java.lang.foreign.Arena;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@link SampleBuffer}s reused between samples. The pipeline never holds more than its decode
 * concurrency of them at once, so the pool stops growing after the first batches.
 *
 * <p>Each buffer's pixels have their own arena: a buffer is used by one thread at a time, and a
 * shared arena per buffer keeps the threads from contending on one session's counter at every
 * native call.
 *
 * <p>A pool that nobody closes (a node's {@link SampleMaker}, dropped when its plan leaves the node's
 * cache while sessions may still hold it) is made {@link #freedByGc}: its buffers live in automatic
 * arenas whose memory the garbage collector frees once the pool and every buffer are unreachable.
 */
final class SampleBufferPool implements AutoCloseable {
  private final ConcurrentLinkedQueue<Arena> arenas = new ConcurrentLinkedQueue<>();
  private final long bytes;
  private final int boxCapacity;
  private final ConcurrentLinkedQueue<SampleBuffer> free = new ConcurrentLinkedQueue<>();
  private final AtomicInteger allocated = new AtomicInteger();
  private final boolean freedByGc;
  private volatile boolean closed;

  /**
   * A pool whose memory {@link #close()} frees.
   *
   * @param bytes pixel bytes of one sample
   * @param boxCapacity boxes each buffer can carry, 0 for a source without boxes
   */
  SampleBufferPool(long bytes, int boxCapacity) {
    this(bytes, boxCapacity, false);
  }

  private SampleBufferPool(long bytes, int boxCapacity, boolean freedByGc) {
    this.bytes = bytes;
    this.boxCapacity = boxCapacity;
    this.freedByGc = freedByGc;
  }

  /** A pool for an owner that never closes it: the collector frees its memory once it is unreachable. */
  static SampleBufferPool freedByGc(long bytes, int boxCapacity) {
    return new SampleBufferPool(bytes, boxCapacity, true);
  }

  SampleBuffer acquire() {
    SampleBuffer buffer = free.poll();
    if (buffer != null) {
      return buffer;
    }
    allocated.incrementAndGet();
    if (freedByGc) {
      return new SampleBuffer(Arena.ofAuto().allocate(bytes, 64), boxCapacity, this::release);
    }
    Arena arena = Arena.ofShared();
    arenas.add(arena);
    return new SampleBuffer(arena.allocate(bytes, 64), boxCapacity, this::release);
  }

  void release(SampleBuffer buffer) {
    free.offer(buffer);
  }

  /** Buffers ever allocated: a bound on the pool's memory, {@code allocated() * bytes}. */
  int allocated() {
    return allocated.get();
  }

  /** Whether {@link #close()} freed every buffer's memory, in use or not. */
  boolean closed() {
    return closed;
  }

  /**
   * Frees the memory of every buffer ever allocated, including those still out (Reactor drops
   * samples in flight when a run is cancelled); call only when no worker can touch them.
   */
  @Override
  public void close() {
    closed = true;
    free.clear();
    for (Arena arena; (arena = arenas.poll()) != null; ) {
      arena.close();
    }
  }
}
