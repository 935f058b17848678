package dev.stoker.pipeline;

import dev.stoker.api.BatchConsumer;
import dev.stoker.api.RunSummary;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.function.Function;

/**
 * A {@link BatchStream} over a callback run on a thread of its own: the run's consumer hands each
 * batch over and waits, inside {@code accept}, until the caller releases it (or takes the next, or
 * closes the stream). The ring thus sees an ordinary consumer that holds one slot at a time; its
 * backpressure, ordering and release accounting are those of {@code run}.
 */
final class PulledBatches implements BatchStream {
  private static final long GRACEFUL_STOP_MILLIS = 200;
  private final Object lock = new Object();
  private final Thread runner;
  /** Handed over by the run, not yet taken. */
  private HeldSlot offered;
  /** Taken by the caller, not yet released. */
  private HeldSlot current;
  private boolean ended;
  private boolean closed;
  private boolean iterated;
  private RuntimeException error;
  private RunSummary summary;

  /** Thrown by the hand-over when the stream was closed: it stops the run like a consumer that throws. */
  private static final class Stopped extends RuntimeException {
    Stopped() {
      super("the batch stream was closed", null, false, false);
    }
  }

  private PulledBatches(Function<BatchConsumer, RunSummary> run) {
    this.runner = Thread.ofPlatform().name("stoker-batches").daemon().unstarted(() -> runBody(run));
  }

  /** Starts {@code run} with a consumer that hands its batches to the returned stream. */
  static PulledBatches start(Function<BatchConsumer, RunSummary> run) {
    PulledBatches stream = new PulledBatches(run);
    stream.runner.start();
    return stream;
  }

  private void runBody(Function<BatchConsumer, RunSummary> run) {
    try {
      RunSummary done = run.apply(this::handOver);
      synchronized (lock) {
        summary = done;
      }
    } catch (RuntimeException | Error e) {
      synchronized (lock) {
        if (!closed) {
          error = e instanceof RuntimeException re ? re : new IllegalStateException("the run failed: " + e, e);
        }
      }
    } finally {
      synchronized (lock) {
        ended = true;
        lock.notifyAll();
      }
    }
  }

  /** The run's consumer, on the runner thread: offers the batch and waits until it is released. */
  private void handOver(dev.stoker.api.Batch batch) throws InterruptedException {
    HeldSlot held = new HeldSlot(batch, this::released);
    synchronized (lock) {
      if (closed) {
        throw new Stopped();
      }
      offered = held;
      lock.notifyAll();
      while (!held.released() && !closed) {
        lock.wait();
      }
    }
    held.release();
    synchronized (lock) {
      if (closed) {
        throw new Stopped();
      }
    }
  }

  private void released(HeldSlot held) {
    synchronized (lock) {
      if (current == held) {
        current = null;
      }
      if (offered == held) {
        offered = null;
      }
      lock.notifyAll();
    }
  }

  @Override
  public Iterator<HeldBatch> iterator() {
    synchronized (lock) {
      if (closed) {
        throw new IllegalStateException("the batch stream is closed");
      }
      if (iterated) {
        throw new IllegalStateException("the batch stream was iterated already; a stream is one pass over one run");
      }
      iterated = true;
    }
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return PulledBatches.this.hasNext();
      }

      @Override
      public HeldBatch next() {
        return PulledBatches.this.next();
      }
    };
  }

  /** Releases the batch held and waits for the next, the run's end or its error. */
  private boolean hasNext() {
    HeldSlot previous;
    synchronized (lock) {
      previous = current;
    }
    if (previous != null) {
      previous.release();
    }
    synchronized (lock) {
      while (offered == null && !ended && !closed) {
        try {
          lock.wait();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while waiting for the next batch", e);
        }
      }
      if (closed) {
        throw new IllegalStateException("the batch stream is closed");
      }
      if (offered != null) {
        return true;
      }
      if (error != null) {
        throw error;
      }
      return false;
    }
  }

  private HeldBatch next() {
    if (!hasNext()) {
      throw new NoSuchElementException("the run has ended");
    }
    synchronized (lock) {
      current = offered;
      offered = null;
      return current;
    }
  }

  @Override
  public Optional<RunSummary> summary() {
    synchronized (lock) {
      return Optional.ofNullable(summary);
    }
  }

  @Override
  public void close() {
    HeldSlot held;
    HeldSlot waiting;
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      held = current;
      waiting = offered;
      lock.notifyAll();
    }
    if (held != null) {
      held.release();
    }
    if (waiting != null) {
      waiting.release();
    }
    stopRunner(runner);
  }

  /**
   * Waits for a run's thread to end after it was told to stop (it stops at its next batch); one
   * that waits for a batch that is slow to come is interrupted after a grace period. Returns at
   * once when called on that thread itself.
   */
  static void stopRunner(Thread runner) {
    if (Thread.currentThread() == runner) {
      return;
    }
    try {
      runner.join(GRACEFUL_STOP_MILLIS);
      if (runner.isAlive()) {
        runner.interrupt();
        runner.join();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
