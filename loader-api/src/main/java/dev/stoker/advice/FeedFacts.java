package dev.stoker.advice;

import dev.stoker.api.Bottleneck.Bound;
import dev.stoker.api.internal.Checks;

/**
 * What is known about a loader and its consumer: the rates the advice is judged on. A rate that was
 * not measured is {@code Double.POSITIVE_INFINITY} (never the limit); a size that is not known is
 * {@code -1}.
 *
 * <pre>{@code
 * FeedFacts facts = new FeedFacts(Bound.DECODE, 1_600, 3_000, 2, 8, 800, 0.2,
 *     Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY, 1L << 30, 20L << 30, 16L << 30, 180_000, 224 * 224, false, 0);
 * }</pre>
 *
 * @param bound the stage that limits the rate now (a run's verdict, or the least of what was measured)
 * @param feedImagesPerSecond what the loader delivers (a run) or could deliver (doctor) with its
 *     current settings
 * @param targetImagesPerSecond what the consumer asks for (a run: batch over its time per batch;
 *     doctor: the target given); {@code Infinity} when unknown
 * @param threads decode workers in use
 * @param cores processors the machine offers
 * @param perThreadImagesPerSecond what one worker decodes and augments per second
 * @param augmentShare the augment stage's share of a worker's time, 0 to 1
 * @param readImagesPerSecond images/s the storage delivers as it is (cold), {@code Infinity} when not measured
 * @param cachedReadImagesPerSecond images/s from memory (page cache or a cache), {@code Infinity} when not measured
 * @param datasetEncodedBytes the dataset's files in bytes, or -1
 * @param datasetDecodedBytes the dataset decoded (uint8 pixels at full size), or -1
 * @param memoryAvailableBytes memory free for a cache, or -1
 * @param meanSourcePixels mean pixels per source image, or 0 when unknown
 * @param outputPixels pixels per output sample, or 0 when unknown
 * @param remote whether the samples come from data-server nodes
 * @param nodes the nodes serving (0 when local)
 */
public record FeedFacts(Bound bound, double feedImagesPerSecond, double targetImagesPerSecond, int threads, int cores,
    double perThreadImagesPerSecond, double augmentShare, double readImagesPerSecond, double cachedReadImagesPerSecond,
    long datasetEncodedBytes, long datasetDecodedBytes, long memoryAvailableBytes, double meanSourcePixels,
    long outputPixels, boolean remote, int nodes) {

  /** Validates the fields. */
  public FeedFacts {
    Checks.notNull(bound, "bound");
    Checks.positive(cores, "cores");
    Checks.notNegative(threads, "threads");
    Checks.notNegative(nodes, "nodes");
    if (!(augmentShare >= 0 && augmentShare <= 1)) {
      throw new IllegalArgumentException("augmentShare must be in [0, 1], got " + augmentShare);
    }
  }
}
