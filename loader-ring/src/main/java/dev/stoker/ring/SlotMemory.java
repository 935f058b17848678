package dev.stoker.ring;

import dev.stoker.api.internal.Checks;
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
  /**
   * Allocates one slot of {@code bytes}, aligned for any transfer; slots are allocated in ring
   * order.
   *
   * @param bytes the slot's size in bytes, positive
   * @return a new segment of {@code bytes}, valid until this memory is closed
   */
  MemorySegment allocate(long bytes);

  /**
   * A short name for logs and summaries.
   *
   * @return the memory kind, e.g. {@code "direct"} or {@code "pinned"}
   */
  String kind();

  @Override
  void close();

  /**
   * This memory, running {@code action} first when it is closed (and closing this memory even if
   * the action throws): for an owner that must finish with the slots before they are freed.
   *
   * <pre>{@code
   * SlotMemory memory = SlotMemory.direct().beforeClose(transfer::stop);
   * }</pre>
   *
   * @param action run once, before the slots are freed, not null
   * @return a view of this memory that runs {@code action} when closed
   */
  default SlotMemory beforeClose(Runnable action) {
    Checks.notNull(action, "action");
    SlotMemory inner = this;
    return new SlotMemory() {
      @Override
      public MemorySegment allocate(long bytes) {
        return inner.allocate(bytes);
      }

      @Override
      public String kind() {
        return inner.kind();
      }

      @Override
      public void close() {
        try {
          action.run();
        } finally {
          inner.close();
        }
      }
    };
  }

  /**
   * Plain off-heap memory from a shared arena: the host fallback when there is no GPU.
   *
   * @return a new memory; closing it frees every slot it allocated
   */
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
