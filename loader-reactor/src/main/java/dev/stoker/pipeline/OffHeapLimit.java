package dev.stoker.pipeline;

import dev.stoker.api.BatchLayout;
import dev.stoker.api.MemoryLimitException;
import java.lang.management.ManagementFactory;

/**
 * What a loader takes off the heap for pixels, counted before it is taken, and the most it may
 * take. A loader holds its ring ({@code slots} slots of a batch's pixels, boxes, box labels and soft targets)
 * and its pooled sample buffers (one per sample in flight and one per worker); both are sized from
 * the plan's {@link BatchLayout}, so this is the one place their sum is checked.
 *
 * <p>The default limit is what the machine can give: its physical memory
 * ({@code com.sun.management.OperatingSystemMXBean.getTotalMemorySize()}, a container's limit where
 * there is one) less the Java heap's maximum. {@link LoaderBuilder#maxOffHeapBytes} sets another.
 *
 * <pre>{@code
 * OffHeapLimit.check(layout, 4, 18, OffHeapLimit.machine());   // throws MemoryLimitException if too much
 * }</pre>
 */
final class OffHeapLimit {
  private OffHeapLimit() {}

  /**
   * The machine's physical memory less the Java heap's maximum, at least 1 byte; the default limit.
   */
  static long machine() {
    long physical = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getTotalMemorySize();
    return Math.max(1, physical - Runtime.getRuntime().maxMemory());
  }

  /**
   * Bytes of one ring slot: a batch's pixels, boxes, box labels and soft targets (exact: the layout
   * checked it fits).
   */
  static long slotBytes(BatchLayout layout) {
    return Math.addExact(Math.addExact(Math.addExact(layout.batchBytes(), layout.boxBytes()), layout.boxLabelBytes()),
        layout.softTargetBytes());
  }

  /**
   * The bytes {@code slots} ring slots and {@code sampleBuffers} sample buffers take.
   *
   * @throws MemoryLimitException if they cannot be counted in a {@code long}
   */
  static long need(BatchLayout layout, int slots, int sampleBuffers) {
    try {
      return Math.addExact(Math.multiplyExact(slots, slotBytes(layout)),
          Math.multiplyExact(sampleBuffers, layout.sampleBytes()));
    } catch (ArithmeticException e) {
      throw new MemoryLimitException("maxOffHeapBytes: " + slots + " ring slots of " + layout + " and " + sampleBuffers
          + " sample buffers need more bytes than a long can count; use a smaller batchSize, output size or ring");
    }
  }

  /**
   * Refuses, in one sentence, a ring and sample buffers that need more than {@code limit} bytes.
   *
   * @param limitSaid how the limit is named in the sentence, e.g. "this machine allows"
   * @throws MemoryLimitException naming what they need, the limit, and what to change
   */
  static void check(BatchLayout layout, int slots, int sampleBuffers, long limit, String limitSaid) {
    long need = need(layout, slots, sampleBuffers);
    if (need > limit) {
      throw new MemoryLimitException(String.format("maxOffHeapBytes: %d ring slots of %s, %,d bytes each, and %d "
              + "sample buffers of %,d bytes need %,d bytes off the heap, more than the %,d bytes %s; use a smaller "
              + "batchSize, output size or ring, or raise maxOffHeapBytes",
          slots, layout, slotBytes(layout), sampleBuffers, layout.sampleBytes(), need, limit, limitSaid));
    }
  }
}
