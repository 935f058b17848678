package dev.stoker.pipeline;

import dev.stoker.api.RunSummary;
import java.util.Iterator;
import java.util.Optional;

/**
 * A run of a {@link Loader} that the caller pulls batches from, in delivery order, on its own
 * thread: the pull counterpart of {@link Loader#run(int, dev.stoker.api.BatchConsumer)}. Each
 * {@link HeldBatch} stays valid until the next one is taken or it is {@link HeldBatch#release()
 * released}; so at most one slot of the ring is held by the caller at any time, and the pipeline
 * fills the others meanwhile.
 *
 * <pre>{@code
 * try (BatchStream batches = loader.batches(10)) {
 *   for (HeldBatch batch : batches) {
 *     trainStep(batch.pixels(), batch.size());
 *   }
 *   RunSummary summary = batches.summary().orElseThrow();
 * }
 * }</pre>
 *
 * <p>The run goes on a thread of its own ({@code stoker-batches}). An error of the run (fail-fast,
 * a failed worker) is thrown from {@code hasNext()}/{@code next()} as the
 * {@link dev.stoker.api.LoaderException} that {@code run} would throw. Closing the stream before
 * its end stops the run as a consumer that throws would: the workers stop after the sample each is
 * on, every slot is given back, the loader refuses further runs and should be closed. A stream is
 * iterated once; a second {@link #iterator()} is refused.
 */
public interface BatchStream extends Iterable<HeldBatch>, AutoCloseable {
  /**
   * The batches of the run, in order, each released by the next {@code next()}; once only.
   *
   * @return the iterator over the run's batches
   * @throws IllegalStateException if the stream was iterated already or is closed
   */
  @Override
  Iterator<HeldBatch> iterator();

  /**
   * What the run did, once it has ended normally (the iterator said there is no next batch).
   *
   * @return the run's summary, or empty while it runs or if it failed or was closed early
   */
  Optional<RunSummary> summary();

  /**
   * Releases the batch held, stops the run if it has not ended and waits until its thread is done
   * with the ring; closing again does nothing.
   */
  @Override
  void close();
}
