package dev.stoker.ring;

/**
 * Marks when a consumed slot may be reused: after the asynchronous work that still reads it (a
 * host-to-device copy) has finished. A consumer hands one to its ring with
 * {@link DisruptorBatchRing#releaseWhen} while it holds the batch; producers see the slot again
 * only once the fence {@link #isDone() is done}.
 *
 * <pre>{@code
 * ring.drain(batch -> {
 *   CopyEvent copy = startCopyToDevice(batch);       // asynchronous
 *   ring.releaseWhen(new ReleaseFence() {
 *     public boolean isDone() { return copy.finished(); }
 *     public void await() { copy.waitUntilFinished(); }
 *   });
 * });
 * }</pre>
 */
public interface ReleaseFence {
  /** A fence that is already done. */
  ReleaseFence DONE = new ReleaseFence() {
    @Override
    public boolean isDone() {
      return true;
    }

    @Override
    public void await() {}
  };

  /**
   * Whether the work reading the slot has finished; never blocks. Called on the consumer thread.
   *
   * @return {@code true} once the slot may be reused
   */
  boolean isDone();

  /** Blocks until {@link #isDone()}; used when a run ends. Called on the consumer thread. */
  void await();
}
