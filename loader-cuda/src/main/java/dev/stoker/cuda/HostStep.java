package dev.stoker.cuda;

/**
 * The training step a {@link DeviceFeed} calls instead of a {@link TrainingStep} when no GPU is
 * usable: the same batch, normalized on the host.
 *
 * <pre>{@code
 * HostStep cpu = batch -> model.trainOnCpu(batch.pixels(), batch.labels());
 * }</pre>
 */
@FunctionalInterface
public interface HostStep {
  /**
   * Runs the step on the consumer thread.
   *
   * @param batch the normalized batch on the host, valid only during the call
   * @throws Exception to stop the run
   */
  void train(HostBatch batch) throws Exception;
}
