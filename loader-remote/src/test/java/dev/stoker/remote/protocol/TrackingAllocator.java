package dev.stoker.remote.protocol;

import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledHeapByteBuf;
import java.util.ArrayList;
import java.util.List;

/**
 * A heap allocator for tests that remembers every buffer it made and the largest array it ever
 * allocated (growth included), so a test can assert that everything was released and that no
 * claimed size was allocated. Its buffers are leak-tracked like any allocator's.
 */
final class TrackingAllocator extends AbstractByteBufAllocator {
  private final List<ByteBuf> buffers = new ArrayList<>();
  private int largestArray;

  TrackingAllocator() {
    super(false);
  }

  @Override
  protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
    ByteBuf buffer = new UnpooledHeapByteBuf(this, initialCapacity, maxCapacity) {
      @Override
      protected byte[] allocateArray(int length) {
        largestArray = Math.max(largestArray, length);
        return super.allocateArray(length);
      }
    };
    buffers.add(buffer);
    return buffer;
  }

  @Override
  protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
    return newHeapBuffer(initialCapacity, maxCapacity);
  }

  @Override
  public boolean isDirectBufferPooled() {
    return false;
  }

  /** A buffer holding {@code bytes}. */
  ByteBuf wrap(byte[] bytes) {
    return buffer(bytes.length).writeBytes(bytes);
  }

  /** The buffers made so far that were not released. */
  List<ByteBuf> unreleased() {
    return buffers.stream().filter(b -> b.refCnt() > 0).toList();
  }

  int largestArray() {
    return largestArray;
  }
}
