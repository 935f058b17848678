package dev.stoker.cuda;

import static jcuda.driver.JCudaDriver.cuMemFreeHost;
import static jcuda.driver.JCudaDriver.cuMemHostAlloc;

import dev.stoker.api.internal.Checks;
import dev.stoker.cuda.internal.Cuda;
import dev.stoker.ring.SlotMemory;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import jcuda.Pointer;

/**
 * Ring slots in page-locked host memory from {@code cuMemHostAlloc}, one allocation per slot, so
 * that a host-to-device copy from a slot runs asynchronously on a copy engine. Allocations and
 * frees happen on the consumer thread (the one whose current context is the primary context);
 * slots are numbered in allocation order, which is the ring's slot order.
 *
 * <p>The producers see each slot as a segment of a shared {@link Arena} ({@link MemorySegment#reinterpret},
 * a restricted method: run with {@code --enable-native-access=dev.stoker.cuda}, or {@code ALL-UNNAMED}
 * on the class path). Closing closes that arena before it frees anything: closing a shared arena
 * revokes every thread's access first, so a producer still writing into a slot when the ring is
 * closed under it gets an {@link IllegalStateException} instead of writing into freed memory (which
 * would crash the JVM), the same guarantee as {@link SlotMemory#direct()}.
 */
final class PinnedSlotMemory implements SlotMemory {
  private final ConsumerThread consumer;
  private final Arena arena = Arena.ofShared();
  private final List<Pointer> pointers = new ArrayList<>();
  private boolean closed;

  PinnedSlotMemory(ConsumerThread consumer) {
    this.consumer = consumer;
  }

  @Override
  public synchronized MemorySegment allocate(long bytes) {
    Checks.argument(bytes > 0 && bytes < Integer.MAX_VALUE, "bytes",
        "a pinned slot must hold 1 byte to 2 GiB, got " + bytes + "; use smaller batches");
    if (closed) {
      throw new IllegalStateException("pinned slot memory is closed");
    }
    Pointer pointer = consumer.call(() -> {
      Pointer p = new Pointer();
      Cuda.check(() -> cuMemHostAlloc(p, bytes, 0), "cuMemHostAlloc(" + bytes + " bytes)");
      return p;
    });
    pointers.add(pointer);
    long address = MemorySegment.ofBuffer(pointer.getByteBuffer(0, bytes)).address();
    return MemorySegment.ofAddress(address).reinterpret(bytes, arena, null);
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
   * Revokes every thread's access to the slots, then frees them on the consumer thread; idempotent.
   * Every slot is tried; the first failure is thrown, the later ones suppressed.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    arena.close();
    Cuda.Errors errors = new Cuda.Errors();
    errors.run(() -> consumer.call(() -> {
      for (Pointer p : pointers) {
        errors.check(Cuda.rc(() -> cuMemFreeHost(p)), "cuMemFreeHost(slot)");
      }
      return null;
    }));
    errors.throwIfAny();
  }
}
