package dev.stoker.ring;

import dev.stoker.api.BatchRing;

/**
 * Factories of {@link BatchRing}s on the Disruptor ({@link DisruptorBatchRing}). Needs neither a GPU
 * nor JCuda: the CUDA backend's pinned rings come from {@code DeviceFeed.rings()} in loader-cuda.
 *
 * <pre>{@code
 * Loader loader = Loader.builder()
 *     .source(source)
 *     .ring(BatchRings.direct(), 4)
 *     .build();
 * }</pre>
 */
public final class BatchRings {
  private BatchRings() {}

  /**
   * Rings whose slots are plain off-heap memory (no GPU needed).
   *
   * @return a factory of rings over {@link SlotMemory#direct()}
   */
  public static BatchRing.Factory direct() {
    return (layout, slots) -> new DisruptorBatchRing(layout, slots, SlotMemory.direct());
  }
}
