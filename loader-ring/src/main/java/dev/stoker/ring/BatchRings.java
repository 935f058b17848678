package dev.stoker.cuda;

import dev.stoker.api.BatchRing;

/**
 * Factories of {@link BatchRing}s on the Disruptor.
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

  /** Rings whose slots are plain off-heap memory (no GPU needed). */
  public static BatchRing.Factory direct() {
    return (layout, slots) -> new DisruptorBatchRing(layout, slots, SlotMemory.direct());
  }
}
