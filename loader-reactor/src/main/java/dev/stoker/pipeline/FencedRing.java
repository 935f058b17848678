package dev.stoker.pipeline;

import dev.stoker.ring.ReleaseFence;

/**
 * A ring that, like {@link dev.stoker.ring.DisruptorBatchRing}, can keep the slot being consumed
 * until a fence is done ({@link dev.stoker.ring.DisruptorBatchRing#releaseWhen}); for rings that
 * wrap one.
 */
interface FencedRing {
  /**
   * Defers the release of the slot being consumed until {@code fence} is done; on the consumer
   * thread, inside {@code accept}, at most once per batch.
   */
  void releaseWhen(ReleaseFence fence);
}
