package dev.stoker.pipeline;

import dev.stoker.api.Batch;
import dev.stoker.api.BatchConsumer;
import dev.stoker.api.RunSummary;
import dev.stoker.ring.ReleaseFence;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.Function;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;

/**
 * The run's consumer behind {@link Loader#flux}: on the run's own thread ({@code stoker-flux}) it
 * waits for demand, hands the batch to the subscriber and returns at once, leaving the slot
 * unreleased behind a {@link ReleaseFence} that is done when the subscriber releases the batch. The
 * ring keeps handing out published batches while there is demand and gives the slots back, in
 * order, as their batches are released; so the subscriber holds up to as many batches as it
 * requested, never more than the ring has slots, and the producer never overruns the ring.
 *
 * <p>Where the ring cannot defer a release (a custom {@link dev.stoker.api.BatchRing}), the
 * consumer waits inside {@code accept} until the batch is released: one batch at a time.
 */
final class FluxBatches implements BatchConsumer {
  private final Object lock = new Object();
  private final FluxSink<HeldBatch> sink;
  /** Delivered to the subscriber and not yet released, oldest first. */
  private final Set<HeldSlot> held = new LinkedHashSet<>();
  private final Thread runner;
  /** Hands the ring a fence for the batch being consumed; null where the ring cannot defer. */
  private volatile Consumer<ReleaseFence> deferral;
  private boolean cancelled;

  /** Thrown into the run when the subscriber cancelled: it stops the run like a consumer that throws. */
  private static final class Cancelled extends RuntimeException {
    Cancelled() {
      super("the Flux was cancelled", null, false, false);
    }
  }

  private FluxBatches(FluxSink<HeldBatch> sink, Function<BatchConsumer, RunSummary> run) {
    this.sink = sink;
    this.runner = Thread.ofPlatform().name("stoker-flux").daemon().unstarted(() -> runBody(run));
  }

  /** A cold Flux that starts {@code run} with a {@link FluxBatches} consumer on each subscription. */
  static Flux<HeldBatch> flux(Function<BatchConsumer, RunSummary> run) {
    return Flux.create(sink -> {
      FluxBatches batches = new FluxBatches(sink, run);
      sink.onRequest(n -> batches.wake());
      sink.onCancel(batches::cancel);
      batches.runner.start();
    }, FluxSink.OverflowStrategy.ERROR);
  }

  /**
   * Lets this consumer keep slots past {@code accept}: the loader passes the ring's fence hand-over
   * before the run starts.
   */
  void deferReleases(Consumer<ReleaseFence> deferral) {
    this.deferral = deferral;
  }

  private void runBody(Function<BatchConsumer, RunSummary> run) {
    Throwable failure = null;
    try {
      run.apply(this);
    } catch (RuntimeException | Error e) {
      failure = e;
    }
    synchronized (lock) {
      if (cancelled) {
        return;
      }
    }
    if (failure == null) {
      sink.complete();
    } else {
      sink.error(failure);
    }
  }

  @Override
  public void accept(Batch batch) throws InterruptedException {
    HeldSlot slot = new HeldSlot(batch, this::released);
    synchronized (lock) {
      while (!cancelled && sink.requestedFromDownstream() == 0) {
        lock.wait();
      }
      if (cancelled) {
        throw new Cancelled();
      }
      held.add(slot);
    }
    Consumer<ReleaseFence> defer = deferral;
    if (defer != null) {
      defer.accept(fenceOf(slot));
    }
    sink.next(slot);
    if (defer == null) {
      awaitRelease(slot);
      synchronized (lock) {
        if (cancelled) {
          throw new Cancelled();
        }
      }
    }
  }

  private ReleaseFence fenceOf(HeldSlot slot) {
    return new ReleaseFence() {
      @Override
      public boolean isDone() {
        return slot.released();
      }

      @Override
      public void await() {
        awaitRelease(slot);
      }
    };
  }

  /**
   * Waits until the subscriber releases {@code slot} or cancels. Interrupted (a cancel that could
   * not stop the run otherwise), it releases the batch itself: its segments are closed, so nothing
   * reads the slot after this.
   */
  private void awaitRelease(HeldSlot slot) {
    synchronized (lock) {
      try {
        while (!slot.released() && !cancelled) {
          lock.wait();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    slot.release();
  }

  private void released(HeldSlot slot) {
    synchronized (lock) {
      held.remove(slot);
      lock.notifyAll();
    }
    LockSupport.unpark(runner); // the ring looks at its fences sooner
  }

  private void wake() {
    synchronized (lock) {
      lock.notifyAll();
    }
  }

  /**
   * The subscriber cancelled: every batch it holds is released, the run stops at its next batch
   * (or, if it waits for one that is slow to come, is interrupted), and this returns once the run's
   * thread is done with the ring.
   */
  private void cancel() {
    List<HeldSlot> holding;
    synchronized (lock) {
      if (cancelled) {
        return;
      }
      cancelled = true;
      holding = new ArrayList<>(held);
      lock.notifyAll();
    }
    holding.forEach(HeldSlot::release);
    PulledBatches.stopRunner(runner);
  }
}
