package dev.stoker.cuda;

import static jcuda.driver.JCudaDriver.cuMemHostRegister;
import static jcuda.driver.JCudaDriver.cuMemHostUnregister;

import dev.stoker.api.internal.Checks;
import dev.stoker.cuda.internal.Cuda;
import dev.stoker.ring.SlotMemory;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import jcuda.Pointer;

/**
 * Ring slots in page-locked host memory, one allocation per slot, so that a host-to-device copy
 * from a slot runs asynchronously on a copy engine. Each slot is page-aligned memory of a shared
 * {@link Arena}, page-locked with {@code cuMemHostRegister} on the consumer thread (the one whose
 * current context is the primary context); slots are numbered in allocation order, which is the
 * ring's slot order.
 *
 * <p>Closing unregisters the slots on the consumer thread and then closes the arena. Closing a
 * shared arena revokes every thread's access first, so a producer still writing into a slot when
 * the ring is closed under it gets an {@link IllegalStateException} instead of writing into freed
 * memory (which would crash the JVM): the same guarantee as {@link SlotMemory#direct()}.
 */
final class PinnedSlotMemory implements SlotMemory {
  /** Slots are whole pages: page-locking works on pages, and no two slots may share one. */
  private static final long PAGE = 4096;
  private final ConsumerThread consumer;
  private final Arena arena = Arena.ofShared();
  private final List<Pointer> pointers = new ArrayList<>();
  private final List<Pointer> registered = new ArrayList<>();
  private boolean closed;

  PinnedSlotMemory(ConsumerThread consumer) {
    this.consumer = consumer;
  }

  @Override
  public synchronized MemorySegment allocate(long bytes) {
    Checks.argument(bytes > 0 && bytes < Integer.MAX_VALUE - PAGE, "bytes",
        "a pinned slot must hold 1 byte to 2 GiB, got " + bytes + "; use smaller batches");
    if (closed) {
      throw new IllegalStateException("pinned slot memory is closed");
    }
    long pages = (bytes + PAGE - 1) / PAGE * PAGE;
    MemorySegment block = arena.allocate(pages, PAGE);
    Pointer pointer = Pointer.to(block.asByteBuffer());
    consumer.call(() -> {
      Cuda.check(() -> cuMemHostRegister(pointer, pages, 0), "cuMemHostRegister(" + pages + " bytes)");
      return null;
    });
    registered.add(pointer);
    pointers.add(pointer);
    return block.asSlice(0, bytes);
  }

  /** The pinned pointer of slot {@code slot}, for the driver's copy calls. */
  synchronized Pointer pointer(int slot) {
    return pointers.get(slot);
  }

  /** The number of slots allocated. */
  synchronized int count() {
    return pointers.size();
  }

  @Override
  public String kind() {
    return "pinned";
  }

  /**
   * Unregisters every slot on the consumer thread, then frees them (revoking any producer's access
   * first); idempotent. A failing unregister is thrown after the memory is freed.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    Cuda.Errors errors = new Cuda.Errors();
    try {
      errors.run(() -> consumer.call(() -> {
        for (Pointer p : registered) {
          errors.check(Cuda.rc(() -> cuMemHostUnregister(p)), "cuMemHostUnregister");
        }
        return null;
      }));
    } finally {
      registered.clear();
      arena.close();
    }
    errors.throwIfAny();
  }
}
