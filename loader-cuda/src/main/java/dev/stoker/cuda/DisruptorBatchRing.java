package dev.stoker.cuda;

import com.lmax.disruptor.AlertException;
import com.lmax.disruptor.BlockingWaitStrategy;
import com.lmax.disruptor.EventPoller;
import com.lmax.disruptor.InsufficientCapacityException;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.SequenceBarrier;
import com.lmax.disruptor.TimeoutException;
import dev.stoker.api.BatchConsumer;
import dev.stoker.api.BatchLayout;
import dev.stoker.api.BatchRing;
import dev.stoker.api.BatchSlot;
import dev.stoker.api.Checks;
import dev.stoker.api.LoaderException;
import dev.stoker.api.RingStats;
import java.util.function.IntConsumer;

/**
 * A {@link BatchRing} on a Disruptor {@link RingBuffer} of preallocated slots.
 *
 * <pre>
 *  producer: tryNext ─► write samples ─► publish
 *                 ▲                           │
 *      gates on "released"              EventPoller (consumer thread)
 *                 │                           ▼
 *            released.set(seq) ◄── consumer.accept(batch) returns
 * </pre>
 *
 * <p>Producers gate on a {@code released} sequence that the consumer advances only once it is done
 * with a slot, never on the poller's own sequence: a slot is never handed out again while its batch
 * is still in use.
 */
final class DisruptorBatchRing implements BatchRing {
  private static final int SPINS_BEFORE_BLOCKING = 64;

  private final BatchLayout layout;
  private final SlotMemory memory;
  private final RingBuffer<RingSlot> ring;
  private final EventPoller<RingSlot> poller;
  private final SequenceBarrier published;
  private final Sequence released = new Sequence(-1);
  private volatile IntConsumer releaseListener = freed -> { };
  private volatile boolean completed;
  private volatile Throwable failure;
  private volatile long batches;
  private volatile long samples;
  private volatile long waitNanos;
  private volatile long busyNanos;

  DisruptorBatchRing(BatchLayout layout, int slots, SlotMemory memory) {
    this.layout = Checks.notNull(layout, "layout");
    Checks.argument(slots > 0 && Integer.bitCount(slots) == 1, "slots", "must be a positive power of two, got " + slots);
    this.memory = memory;
    long bytes = RingSlot.bytes(layout);
    this.ring = RingBuffer.createMultiProducer(() -> new RingSlot(layout, memory.allocate(bytes)), slots,
        new BlockingWaitStrategy());
    this.poller = ring.newPoller();
    this.published = ring.newBarrier();
    ring.addGatingSequences(released);
  }

  @Override
  public BatchLayout layout() {
    return layout;
  }

  @Override
  public int slots() {
    return ring.getBufferSize();
  }

  @Override
  public String memoryKind() {
    return memory.kind();
  }

  @Override
  public BatchSlot tryClaim() {
    long sequence;
    try {
      sequence = ring.tryNext();
    } catch (InsufficientCapacityException e) {
      return null;
    }
    RingSlot slot = ring.get(sequence);
    slot.sequence = sequence;
    slot.setHeader(0, 0, 0);
    return slot;
  }

  @Override
  public void publish(BatchSlot slot) {
    if (!(slot instanceof RingSlot own) || ring.get(own.sequence) != own) {
      throw new IllegalArgumentException("slot was not claimed from this ring: " + slot);
    }
    ring.publish(own.sequence);
  }

  @Override
  public void complete() {
    completed = true;
    published.alert();
  }

  @Override
  public void fail(Throwable error) {
    failure = Checks.notNull(error, "error");
    published.alert();
  }

  @Override
  public void onRelease(IntConsumer listener) {
    this.releaseListener = Checks.notNull(listener, "listener");
  }

  @Override
  public int occupancy() {
    return (int) Math.max(0, ring.getCursor() - released.get());
  }

  @Override
  public RingStats stats() {
    return new RingStats(batches, samples, waitNanos, busyNanos);
  }

  @Override
  public RingStats drain(BatchConsumer consumer) {
    Checks.notNull(consumer, "consumer");
    RingStats before = stats();
    long[] idleSince = {System.nanoTime()};
    EventPoller.Handler<RingSlot> handler = (slot, sequence, endOfBatch) -> {
      long start = System.nanoTime();
      waitNanos += start - idleSince[0];
      consumer.accept(slot);
      long end = System.nanoTime();
      busyNanos += end - start;
      batches++;
      samples += slot.size();
      released.set(sequence);
      releaseListener.accept(1);
      idleSince[0] = System.nanoTime();
      return true;
    };
    try {
      int idle = 0;
      while (true) {
        EventPoller.PollState state = poller.poll(handler);
        if (state == EventPoller.PollState.PROCESSING) {
          idle = 0;
          continue;
        }
        if (completed || failure != null) {
          if (poller.poll(handler) == EventPoller.PollState.PROCESSING) {
            continue;
          }
          break;
        }
        if (++idle < SPINS_BEFORE_BLOCKING) {
          Thread.onSpinWait();
        } else {
          awaitPublication();
        }
      }
      waitNanos += System.nanoTime() - idleSince[0];
    } catch (LoaderException e) {
      throw e;
    } catch (Throwable e) {
      throw new LoaderException("batch consumer failed: " + e, e);
    } finally {
      completed = false;
      published.clearAlert();
    }
    Throwable error = failure;
    failure = null;
    if (error != null) {
      throw error instanceof LoaderException le ? le : new LoaderException("pipeline failed: " + error, error);
    }
    return stats().minus(before);
  }

  /**
   * Blocks (on the ring's {@link BlockingWaitStrategy}, which every publish signals) until the
   * next batch is published or the run completes or fails (which alert the barrier): no wake-ups
   * while the producers are busy.
   */
  private void awaitPublication() {
    try {
      published.waitFor(poller.getSequence().get() + 1);
    } catch (AlertException | TimeoutException e) {
      // completed or failed: the drain loop sees it
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LoaderException("interrupted while waiting for the next batch", e);
    }
  }

  @Override
  public void close() {
    memory.close();
  }

  @Override
  public String toString() {
    return "DisruptorBatchRing[" + slots() + " x " + layout + ", " + memory.kind() + "]";
  }
}
