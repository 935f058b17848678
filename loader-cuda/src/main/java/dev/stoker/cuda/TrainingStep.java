package dev.stoker.cuda;

/**
 * One training step on a batch already on the GPU. It runs on the feed's consumer thread, whose
 * current context is the device's primary context (the one the CUDA runtime and JCublas use), so a
 * trainer's existing JCuda code, buffers and modules work unchanged inside it.
 *
 * <pre>{@code
 * try (DeviceFeed feed = DeviceFeed.open(DeviceTransform.imagenet(PixelType.FLOAT32));
 *      Loader loader = Loader.builder().source(source).ring(feed.rings(), 4).build()) {
 *   RunSummary summary = feed.call(() -> loader.run(10, feed.consumer(
 *       batch -> myTrainer.step(batch.pixels(), batch.labels(), batch.size(), batch.stream()),
 *       hostBatch -> myTrainer.stepOnCpu(hostBatch))));
 * }
 * }</pre>
 */
@FunctionalInterface
public interface TrainingStep {
  /**
   * Enqueues (or runs) the step on {@code batch.stream()}.
   *
   * @param batch the batch on the GPU, valid only during the call
   * @throws Exception to stop the run
   */
  void train(DeviceBatch batch) throws Exception;
}
