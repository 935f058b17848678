package dev.stoker.advice;

import dev.stoker.api.internal.Checks;

/**
 * What training asks of a machine and what was measured on its data, for {@link Feasibility}: the
 * feed advice ({@link FeedAdvisor}'s answer for this machine and target), the rates behind it, the
 * dataset's sizes, and the model to fit in the GPU (or none). A rate not measured is
 * {@code Double.POSITIVE_INFINITY}; a size not known is {@code -1}.
 *
 * <pre>{@code
 * Workload w = new Workload(FeedAdvisor.advise(facts), 3_000, 400, 5_000, 9_000, 4L << 30, 40L << 30,
 *     ModelMemory.estimate(ModelFamily.RESNET50, 64, 224, 224, ModelMemory.Optimizer.SGD_MOMENTUM, false));
 * }</pre>
 *
 * @param feed the feed advice for this machine, all its cores working
 * @param targetImagesPerSecond what the trainer asks for, {@code Infinity} when no target was given
 * @param perCoreImagesPerSecond what one core decodes and augments per second, more than 0
 * @param coldReadImagesPerSecond images/s the storage delivers bypassing the page cache
 * @param cachedReadImagesPerSecond images/s from the page cache
 * @param encodedBytes the dataset's files, or -1
 * @param decodedBytes the dataset decoded at full size (3 bytes a pixel), or -1
 * @param model the training's memory as asked (family, batch, size, optimizer, precision), or null for none
 */
public record Workload(FeedAdvice feed, double targetImagesPerSecond, double perCoreImagesPerSecond,
    double coldReadImagesPerSecond, double cachedReadImagesPerSecond, long encodedBytes, long decodedBytes,
    ModelMemory model) {

  /** Validates the fields. */
  public Workload {
    Checks.notNull(feed, "feed");
    Checks.argument(targetImagesPerSecond > 0, "targetImagesPerSecond", "must be more than 0 (Infinity for none), "
        + "got " + targetImagesPerSecond);
    Checks.argument(perCoreImagesPerSecond > 0, "perCoreImagesPerSecond", "must be more than 0, got "
        + perCoreImagesPerSecond);
    Checks.argument(coldReadImagesPerSecond > 0, "coldReadImagesPerSecond", "must be more than 0 (Infinity when "
        + "not measured), got " + coldReadImagesPerSecond);
    Checks.argument(cachedReadImagesPerSecond > 0, "cachedReadImagesPerSecond", "must be more than 0 (Infinity "
        + "when not measured), got " + cachedReadImagesPerSecond);
  }

  /**
   * Whether a target rate was given.
   *
   * @return true when {@link #targetImagesPerSecond()} is finite
   */
  public boolean hasTarget() {
    return Double.isFinite(targetImagesPerSecond);
  }
}
