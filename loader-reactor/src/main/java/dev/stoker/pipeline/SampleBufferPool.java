package dev.stoker.pipeline;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Off-heap buffers of one sample's pixels, reused between samples. The pipeline never holds more
 * than its decode concurrency of them at once, so the pool stops growing after the first batches.
 *
 * <p>Each buffer has its own arena: a buffer is used by one thread at a time, and a shared arena
 * per buffer keeps the threads from contending on one session's counter at every native call.
 */
final class SampleBufferPool implements AutoCloseable {
  private final ConcurrentLinkedQueue<Arena> arenas = new ConcurrentLinkedQueue<>();
  private final long bytes;
  private final ConcurrentLinkedQueue<MemorySegment> free = new ConcurrentLinkedQueue<>();
  private final AtomicInteger allocated = new AtomicInteger();

  SampleBufferPool(long bytes) {
    this.bytes = bytes;
  }

  MemorySegment acquire() {
    MemorySegment segment = free.poll();
    if (segment != null) {
      return segment;
    }
    allocated.incrementAndGet();
    Arena arena = Arena.ofShared();
    arenas.add(arena);
    return arena.allocate(bytes, 64);
  }

  void release(MemorySegment segment) {
    free.offer(segment);
  }

  /** Buffers ever allocated: a bound on the pool's memory, {@code allocated() * bytes}. */
  int allocated() {
    return allocated.get();
  }

  @Override
  public void close() {
    free.clear();
    for (Arena arena; (arena = arenas.poll()) != null; ) {
      arena.close();
    }
  }
}
