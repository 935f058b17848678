package dev.stoker.pipeline;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Off-heap buffers of one sample's pixels, reused between samples. The pipeline never holds more
 * than its decode concurrency of them at once, so the pool stops growing after the first batches.
 */
final class SampleBufferPool implements AutoCloseable {
  private final Arena arena = Arena.ofShared();
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
    synchronized (arena) {
      return arena.allocate(bytes, 64);
    }
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
    arena.close();
  }
}
