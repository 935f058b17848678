package dev.stoker.ring;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Where a ring's slots live: the strategy a {@link DisruptorBatchRing} allocates its slots from,
 * once when the ring is made, and closes when the ring closes. {@link #direct()} is plain off-heap
 * memory; a GPU backend supplies page-locked host memory instead.
 *
 * <pre>{@code
 * SlotMemory memory = SlotMemory.direct();
 * BatchRing ring = new DisruptorBatchRing(layout, 4, memory);   // ring.close() closes memory
 * }</pre>
 */
public interface SlotMemory extends AutoCloseable {
  /** Allocates one slot of {@code bytes}, aligned for any transfer; slots are allocated in ring order. */
  MemorySegment allocate(long bytes);

  /** A short name for logs and summaries. */
  String kind();

  @Override
  void close();

  /** Plain off-heap memory from a shared arena: the host fallback when there is no GPU. */
  static SlotMemory direct() {
    Arena arena = Arena.ofShared();
    return new SlotMemory() {
      @Override
      public MemorySegment allocate(long bytes) {
        return arena.allocate(bytes, 4096);
      }

      @Override
      public String kind() {
        return "direct";
      }

      @Override
      public void close() {
        arena.close();
      }
    };
  }
}
