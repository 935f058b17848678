package dev.stoker.api;

/**
 * Receives each full batch on the consumer thread, in delivery order. This is where a training
 * step runs. A consumer that throws stops the run, and the error reaches the caller of run.
 *
 * <pre>{@code
 * BatchConsumer step = batch -> model.train(batch.pixels(), batch.size());
 * }</pre>
 */
@FunctionalInterface
public interface BatchConsumer {
  /**
   * Consumes one batch; the batch's slot is released when this returns.
   *
   * @param batch the batch, valid only until this method returns
   * @throws Exception to stop the run
   */
  void accept(Batch batch) throws Exception;
}
