package dev.stoker.cuda;

import static jcuda.driver.JCudaDriver.cuMemFreeHost;
import static jcuda.driver.JCudaDriver.cuMemHostAlloc;

import dev.stoker.api.internal.Checks;
import dev.stoker.cuda.internal.Cuda;
import dev.stoker.ring.SlotMemory;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import jcuda.Pointer;

/**
 * Ring slots in page-locked host memory from {@code cuMemHostAlloc}, one allocation per slot, so
 * that a host-to-device copy from a slot runs asynchronously on a copy engine. Allocations and
 * frees happen on the consumer thread (the one whose current context is the primary context);
 * slots are numbered in allocation order, which is the ring's slot order.
 */
final class PinnedSlotMemory implements SlotMemory {
  private final ConsumerThread consumer;
  private final List<Pointer> pointers = new ArrayList<>();
  private final List<Long> sizes = new ArrayList<>();
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
      Cuda.check(cuMemHostAlloc(p, bytes, 0), "cuMemHostAlloc(" + bytes + " bytes)");
      return p;
    });
    pointers.add(pointer);
    sizes.add(bytes);
    return MemorySegment.ofBuffer(pointer.getByteBuffer(0, bytes));
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

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    consumer.call(() -> {
      for (Pointer p : pointers) {
        cuMemFreeHost(p);
      }
      return null;
    });
  }
}
