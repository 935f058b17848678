package dev.stoker.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/** Where a ring's slots live. Allocated once when the ring is made, freed when it closes. */
interface SlotMemory extends AutoCloseable {
  /** Allocates one slot of {@code bytes}, aligned for any transfer. */
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
