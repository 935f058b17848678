package dev.stoker.remote.node;

import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledDirectByteBuf;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A direct allocator for the node's sample pixels that counts the buffers alive now and at most,
 * from any thread, so a test can see how much sample memory a node holds. Leak-tracked like any
 * allocator's buffers.
 */
final class CountingAllocator extends AbstractByteBufAllocator {
  private final AtomicInteger live = new AtomicInteger();
  private final AtomicInteger peak = new AtomicInteger();
  private final AtomicInteger allocated = new AtomicInteger();

  CountingAllocator() {
    super(true);
  }

  @Override
  protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
    allocated.incrementAndGet();
    peak.accumulateAndGet(live.incrementAndGet(), Math::max);
    return new UnpooledDirectByteBuf(this, initialCapacity, maxCapacity) {
      @Override
      protected void deallocate() {
        live.decrementAndGet();
        super.deallocate();
      }
    };
  }

  @Override
  protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
    return newDirectBuffer(initialCapacity, maxCapacity);
  }

  @Override
  public boolean isDirectBufferPooled() {
    return false;
  }

  /** Buffers not released yet. */
  int live() {
    return live.get();
  }

  /** The most buffers alive at once. */
  int peak() {
    return peak.get();
  }

  /** Buffers made so far. */
  int allocated() {
    return allocated.get();
  }
}
