package dev.stoker.cuda.checks;

import dev.stoker.api.BatchRing;
import dev.stoker.api.BatchSlot;
import dev.stoker.api.internal.Checks;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Publishes synthetic batches into a ring from a daemon thread of its own, the way a loader's
 * pipeline does: claim a slot, fill it, publish it; {@link BatchRing#complete()} after the last.
 * Whatever the filler throws goes into the ring with {@link BatchRing#fail}, so the consumer's
 * {@code drain} throws it instead of waiting for batches that never come. {@link #stop} ends it
 * early (the consumer gave up); {@link #stopAndJoin} must return {@code true} before the ring's
 * memory is freed.
 *
 * <pre>{@code
 * SyntheticProducer producer = SyntheticProducer.start(ring, 100, (slot, n) -> fill(slot, n), -1);
 * ring.drain(consumer);
 * if (producer.stopAndJoin(Duration.ofSeconds(10))) ring.close();
 * }</pre>
 */
final class SyntheticProducer {
  /** Writes batch {@code n} (its samples and header) into a claimed slot. */
  @FunctionalInterface
  interface Filler {
    void fill(BatchSlot slot, int n) throws Exception;
  }

  /** How long the producer parks, at most, waiting for a free slot (a release also wakes it). */
  private static final long PARK_NANOS = 1_000_000;

  private final BatchRing ring;
  private final int batches;
  private final Filler filler;
  private final int failAt;
  private final Thread thread;
  private final AtomicLong published = new AtomicLong();
  private volatile boolean stop;
  private volatile Throwable error;

  private SyntheticProducer(BatchRing ring, int batches, Filler filler, int failAt) {
    this.ring = ring;
    this.batches = batches;
    this.filler = filler;
    this.failAt = failAt;
    this.thread = Thread.ofPlatform().name("gpu-check producer").daemon().unstarted(this::run);
  }

  /**
   * Starts publishing {@code batches} batches into {@code ring}. At batch {@code failAt} (if not
   * negative) the producer throws instead, as a broken pipeline would.
   */
  static SyntheticProducer start(BatchRing ring, int batches, Filler filler, int failAt) {
    Checks.notNull(ring, "ring");
    Checks.notNegative(batches, "batches");
    Checks.notNull(filler, "filler");
    SyntheticProducer producer = new SyntheticProducer(ring, batches, filler, failAt);
    ring.onRelease(freed -> LockSupport.unpark(producer.thread));
    producer.thread.start();
    return producer;
  }

  private void run() {
    try {
      for (int n = 0; n < batches; n++) {
        BatchSlot slot = stop ? null : claim();
        if (slot == null) {
          return; // stopped: the consumer is gone
        }
        if (n == failAt) {
          throw new IllegalStateException("synthetic producer failure at batch " + n + " (injected)");
        }
        filler.fill(slot, n);
        ring.publish(slot);
        published.incrementAndGet();
      }
      ring.complete();
    } catch (Throwable e) {
      error = e;
      ring.fail(e);
    }
  }

  private BatchSlot claim() {
    BatchSlot slot;
    while ((slot = ring.tryClaim()) == null) {
      if (stop) {
        return null;
      }
      LockSupport.parkNanos(this, PARK_NANOS);
    }
    return slot;
  }

  /** Batches published so far. */
  long published() {
    return published.get();
  }

  /** What the producer threw, or {@code null}. */
  Throwable error() {
    return error;
  }

  /** Asks the producer to stop at its next wait for a slot. */
  void stop() {
    stop = true;
    LockSupport.unpark(thread);
  }

  /**
   * Stops the producer and waits up to {@code limit} for its thread to end, through interrupts
   * (the interrupt is kept for the caller).
   *
   * @return whether it ended: only then may the ring's memory be freed
   */
  boolean stopAndJoin(Duration limit) {
    stop();
    long deadline = System.nanoTime() + limit.toNanos();
    boolean interrupted = false;
    try {
      while (thread.isAlive()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        try {
          thread.join(Duration.ofNanos(left));
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
      return true;
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
