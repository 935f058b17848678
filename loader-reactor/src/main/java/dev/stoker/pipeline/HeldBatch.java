package dev.stoker.pipeline;

import dev.stoker.api.Batch;

/**
 * A {@link Batch} handed out by a {@link BatchStream} or {@link Loader#flux}: it stays valid until
 * it is {@link #release() released}; a {@link BatchStream} also releases it when it hands out the
 * next batch or is closed, a Flux when it is cancelled (see {@link Loader#flux} for holding several).
 * After that every accessor throws an {@link IllegalStateException} naming the batch, and the
 * segments it returned ({@link #pixels()}, {@link #boxes()}, {@link #boxLabels()},
 * {@link #softTargets()}) are closed (a
 * read throws {@code IllegalStateException}), so recycled slot memory is never read.
 *
 * <pre>{@code
 * try (BatchStream batches = loader.batches(1)) {
 *   for (HeldBatch batch : batches) {
 *     trainStep(batch.pixels(), batch.size());
 *     batch.release();            // optional: the next batch releases it anyway
 *   }
 * }
 * }</pre>
 */
public interface HeldBatch extends Batch, AutoCloseable {
  /**
   * Gives the batch's slot back to the loader; releasing again does nothing. Safe from any thread.
   */
  void release();

  /**
   * Whether the batch was released (by {@link #release()}, the next batch or the stream's close).
   *
   * @return {@code true} once the batch may no longer be read
   */
  boolean released();

  /** The same as {@link #release()}, for try-with-resources. */
  @Override
  default void close() {
    release();
  }
}
