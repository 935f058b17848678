package dev.stoker.api;

import java.util.function.IntConsumer;

/**
 * A ring of preallocated batch slots between the producing pipeline and one consumer thread.
 *
 * <p>Producer side: {@link #tryClaim()} a free slot (never blocks), write samples into it,
 * {@link #publish} it; {@link #complete()} or {@link #fail} ends a run. The producer learns that
 * slots became free through the {@link #onRelease} listener and requests more work only then, so
 * nothing is ever produced that has no slot to go to.
 *
 * <p>Consumer side: {@link #drain} runs on the consumer's own thread and hands each published batch
 * to a {@link BatchConsumer}, in publish order, until the run ends. A slot is released (and the
 * listener told) only once the consumer is done with it.
 *
 * <pre>{@code
 * BatchRing ring = factory.create(new BatchLayout(256, 224, 224, 3), 4);
 * ring.onRelease(freed -> pipeline.request(freed * 256));
 * RingStats stats = ring.drain(batch -> train(batch));   // returns when the run completes
 * }</pre>
 */
public interface BatchRing extends AutoCloseable {

  /** Makes rings; implementations choose pinned CUDA memory or plain off-heap memory. */
  @FunctionalInterface
  interface Factory {
    /**
     * Allocates a ring of {@code slots} batches of {@code layout}.
     *
     * @param layout the shape of every slot, not null
     * @param slots the number of slots, a positive power of two
     * @return a new ring, which the caller closes
     * @throws IllegalArgumentException if {@code slots} is not a positive power of two
     */
    BatchRing create(BatchLayout layout, int slots);
  }

  /**
   * The shape of every slot.
   *
   * @return the layout the ring was created with
   */
  BatchLayout layout();

  /**
   * The number of slots.
   *
   * @return the number of slots, a positive power of two
   */
  int slots();

  /**
   * Where the slots live, e.g. {@code "direct"} or {@code "pinned"}.
   *
   * @return a short name of the memory kind
   */
  String memoryKind();

  /**
   * Claims the next free slot without blocking.
   *
   * @return the slot, or {@code null} if every slot is claimed, published or being consumed
   */
  BatchSlot tryClaim();

  /**
   * Makes a claimed slot visible to the consumer. Every claimed slot must be published.
   *
   * @param slot a slot this producer claimed with {@link #tryClaim()} and has not yet published
   */
  void publish(BatchSlot slot);

  /** Ends the current run: {@link #drain} returns once it has consumed every published batch. */
  void complete();

  /**
   * Ends the current run with an error: {@link #drain} throws it after the published batches.
   *
   * @param error the cause, not null; {@link #drain} rethrows it wrapped
   */
  void fail(Throwable error);

  /**
   * Sets the listener told, on the consumer thread, how many slots were just released.
   *
   * @param listener called with the number of slots released at once; replaces any earlier listener
   */
  void onRelease(IntConsumer listener);

  /**
   * Slots claimed or published and not yet released, {@code 0..slots()}.
   *
   * @return the occupied slots at this moment, {@code 0..slots()}
   */
  int occupancy();

  /**
   * Cumulative consumer statistics; safe to call from any thread.
   *
   * @return a snapshot of the counters since the ring was made
   */
  RingStats stats();

  /**
   * Consumes published batches on the calling thread until the run ends.
   *
   * @param consumer receives each batch in publication order on the calling thread
   * @return the statistics of this run
   * @throws LoaderException wrapping the error passed to {@link #fail} or thrown by the consumer
   */
  RingStats drain(BatchConsumer consumer);

  /** Frees the slots' memory. Call only when no producer or consumer uses the ring. */
  @Override
  void close();
}
