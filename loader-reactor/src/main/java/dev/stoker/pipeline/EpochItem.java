package dev.stoker.pipeline;

/**
 * What travels down the loader's stream to the {@link RingBridge}, in epoch order: each position's
 * {@link SampleResult} (a {@link ProcessedSample} in a pooled buffer, or a failure), and after each
 * epoch's last position its {@link End}, so that the epoch's last partial batch is published.
 * Internal: suppliers emit {@link SampleResult}s only; the loader adds the ends.
 */
sealed interface EpochItem permits ProcessedSample, SampleResult.Failed, EpochItem.End {
  /** Marks the end of an epoch. */
  record End(int epoch) implements EpochItem { }
}
