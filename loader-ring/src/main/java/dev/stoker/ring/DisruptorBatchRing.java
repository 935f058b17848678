package dev.stoker.ring;

import com.lmax.disruptor.BlockingWaitStrategy;
import com.lmax.disruptor.EventPoller;
import com.lmax.disruptor.InsufficientCapacityException;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.Sequence;
import dev.stoker.api.Batch;
import dev.stoker.api.BatchConsumer;
import dev.stoker.api.BatchLayout;
import dev.stoker.api.BatchRing;
import dev.stoker.api.BatchSlot;
import dev.stoker.api.LoaderException;
import dev.stoker.api.RingStats;
import dev.stoker.api.internal.Checks;
import java.util.ArrayDeque;
import java.util.concurrent.locks.LockSupport;
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
 * is still in use. A consumer that starts asynchronous work on a slot (a host-to-device copy) hands
 * the ring a {@link ReleaseFence} with {@link #releaseWhen} during {@code accept}; the slot is then
 * released, in order, only once that fence is done, and a run does not end before every fence is.
 *
 * <p>Most callers make one with {@link BatchRings#direct()}; a backend with memory of its own
 * (pinned CUDA host memory) passes a {@link SlotMemory} to the constructor and uses
 * {@link #slotIndex} and {@link #releaseWhen} from its consumer.
 *
 * <pre>{@code
 * try (DisruptorBatchRing ring = new DisruptorBatchRing(layout, 4, SlotMemory.direct())) {
 *   BatchSlot slot = ring.tryClaim();            // producer: fill, then publish
 *   ...
 *   ring.publish(slot);
 *   ring.complete();
 *   ring.drain(batch -> train(batch));            // consumer thread
 * }
 * }</pre>
 */
public final class DisruptorBatchRing implements BatchRing {
  private static final int SPINS_BEFORE_BLOCKING = 64;
  private static final long PARK_LIMIT_NANOS = 50_000_000;
  /** How long the consumer parks while it waits for a fence rather than for a batch. */
  private static final long FENCE_POLL_NANOS = 100_000;

  private final BatchLayout layout;
  private final SlotMemory memory;
  private final RingBuffer<RingSlot> ring;
  private final EventPoller<RingSlot> poller;
  /** The consumer thread while it is parked waiting for a batch; producers unpark it. */
  private volatile Thread waiting;
  private final Sequence released = new Sequence(-1);
  private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
  private volatile IntConsumer releaseListener = freed -> { };
  private volatile boolean completed;
  private volatile Throwable failure;
  private volatile long batches;
  private volatile long samples;
  private volatile long waitNanos;
  private volatile long busyNanos;
  /** Consumed slots not yet released, oldest first: their sequences and fences (consumer thread only). */
  private final ArrayDeque<InFlight> inFlight = new ArrayDeque<>();
  /** The fence the consumer handed over during the current {@code accept} (consumer thread only). */
  private ReleaseFence pendingFence;

  private record InFlight(long sequence, ReleaseFence fence) {}

  /**
   * Allocates {@code slots} slots of {@code layout} from {@code memory}; closing the ring closes
   * {@code memory}.
   *
   * @param layout the shape of every slot, not null
   * @param slots the number of slots, a positive power of two
   * @param memory where the slots are allocated, not null; the ring owns it from here on
   * @throws IllegalArgumentException if {@code slots} is not a positive power of two
   */
  public DisruptorBatchRing(BatchLayout layout, int slots, SlotMemory memory) {
    this.layout = Checks.notNull(layout, "layout");
    Checks.argument(slots > 0 && Integer.bitCount(slots) == 1, "slots", "must be a positive power of two, got " + slots);
    this.memory = Checks.notNull(memory, "memory");
    long bytes = RingSlot.bytes(layout);
    this.ring = RingBuffer.createMultiProducer(() -> new RingSlot(layout, memory.allocate(bytes)), slots,
        new BlockingWaitStrategy());
    this.poller = ring.newPoller();
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

  /**
   * The position, {@code 0..slots()-1}, of the slot that holds {@code batch} in this ring (the order
   * in which {@link SlotMemory#allocate} made the slots), or {@code -1} if {@code batch} is not one of
   * this ring's slots.
   *
   * @param batch a batch this ring delivered, or any other
   * @return the slot's index, or {@code -1}
   */
  public int slotIndex(Batch batch) {
    if (batch instanceof RingSlot slot && slot.sequence >= 0 && ring.get(slot.sequence) == slot) {
      return slot.slotIndex(slots());
    }
    return -1;
  }

  /**
   * The bytes one slot of {@code layout} takes: the pixels, then the boxes and box labels if any,
   * then the soft targets if any.
   *
   * @param layout the slots' shape, not null
   * @return the slot's size in bytes, the padding that aligns the boxes and labels included
   */
  public static long slotBytes(BatchLayout layout) {
    return RingSlot.bytes(Checks.notNull(layout, "layout"));
  }

  /**
   * Where a slot's boxes start in its block, 0 when {@code layout} has none.
   *
   * @param layout the slots' shape, not null
   * @return the byte offset of the boxes from the slot's start
   */
  public static long boxesOffset(BatchLayout layout) {
    return RingSlot.boxesOffset(Checks.notNull(layout, "layout"));
  }

  /**
   * Where a slot's box labels start in its block, 0 when {@code layout} has none.
   *
   * @param layout the slots' shape, not null
   * @return the byte offset of the box labels from the slot's start
   */
  public static long boxLabelsOffset(BatchLayout layout) {
    return RingSlot.boxLabelsOffset(Checks.notNull(layout, "layout"));
  }

  /**
   * Where a slot's soft targets start in its block, 0 when {@code layout} has none.
   *
   * @param layout the slots' shape, not null
   * @return the byte offset of the soft targets from the slot's start
   */
  public static long softTargetsOffset(BatchLayout layout) {
    return RingSlot.softTargetsOffset(Checks.notNull(layout, "layout"));
  }

  @Override
  public void publish(BatchSlot slot) {
    if (!(slot instanceof RingSlot own) || ring.get(own.sequence) != own) {
      throw new IllegalArgumentException("slot was not claimed from this ring: " + slot);
    }
    ring.publish(own.sequence);
    wakeConsumer();
  }

  @Override
  public void complete() {
    completed = true;
    wakeConsumer();
  }

  @Override
  public void fail(Throwable error) {
    failure = Checks.notNull(error, "error");
    wakeConsumer();
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

  /**
   * Defers the release of the slot being consumed until {@code fence} is done. Call it on the
   * consumer thread, inside {@link BatchConsumer#accept}, at most once per batch.
   *
   * @param fence done when the work that reads the slot has finished, not null
   */
  public void releaseWhen(ReleaseFence fence) {
    Checks.notNull(fence, "fence");
    if (pendingFence != null) {
      throw new IllegalStateException("a release fence was already given for this batch");
    }
    pendingFence = fence;
  }

  /** Releases, in order, the consumed slots whose fences are done; tells the listener how many. */
  private void releaseFinished() {
    int freed = 0;
    InFlight head;
    while ((head = inFlight.peekFirst()) != null && head.fence().isDone()) {
      inFlight.removeFirst();
      released.set(head.sequence());
      freed++;
    }
    if (freed > 0) {
      releaseListener.accept(freed);
    }
  }

  /** Waits for every fence and releases every consumed slot: no asynchronous reader outlives a run. */
  private void releaseAll() {
    for (InFlight f : inFlight) {
      f.fence().await();
    }
    releaseFinished();
  }

  /** Hands one batch to the consumer, then queues its slot for release behind the fence it gave, if any. */
  private void consume(RingSlot slot, long sequence, BatchConsumer consumer) throws Exception {
    long start = System.nanoTime();
    pendingFence = null;
    try {
      consumer.accept(slot);
    } finally {
      ReleaseFence fence = pendingFence == null ? ReleaseFence.DONE : pendingFence;
      pendingFence = null;
      inFlight.addLast(new InFlight(sequence, fence));
    }
    busyNanos += System.nanoTime() - start;
    batches++;
    samples += slot.size();
    releaseFinished();
  }

  /**
   * Consumes the oldest published batch, if there is one, on the calling thread; never waits. For a
   * consumer that runs its own loop instead of {@link #drain} (and for tests that interleave the
   * producer and the consumer on one thread). The slot is released, and the listener told, before
   * this returns unless the consumer gave a {@link #releaseWhen fence} that is not done yet. Do not
   * call it while a {@link #drain} runs.
   *
   * @param consumer receives the batch, if there is one, not null
   * @return whether a batch was consumed
   * @throws LoaderException wrapping what the consumer threw
   */
  public boolean poll(BatchConsumer consumer) {
    Checks.notNull(consumer, "consumer");
    boolean[] consumed = {false};
    try {
      releaseFinished();
      poller.poll((slot, sequence, endOfBatch) -> {
        consume(slot, sequence, consumer);
        consumed[0] = true;
        return false;
      });
    } catch (LoaderException e) {
      throw e;
    } catch (Throwable e) {
      throw new LoaderException("batch consumer failed: " + e, e);
    }
    return consumed[0];
  }

  @Override
  public RingStats drain(BatchConsumer consumer) {
    Checks.notNull(consumer, "consumer");
    RingStats before = stats();
    long[] idleSince = {System.nanoTime()};
    EventPoller.Handler<RingSlot> handler = (slot, sequence, endOfBatch) -> {
      waitNanos += System.nanoTime() - idleSince[0];
      consume(slot, sequence, consumer);
      idleSince[0] = System.nanoTime();
      return true;
    };
    try {
      int idle = 0;
      while (true) {
        releaseFinished();
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
          awaitPublication(inFlight.isEmpty() ? PARK_LIMIT_NANOS : FENCE_POLL_NANOS);
        }
      }
      releaseAll();
      waitNanos += System.nanoTime() - idleSince[0];
    } catch (Throwable e) {
      LoaderException failed = e instanceof LoaderException le ? le : new LoaderException("batch consumer failed: " + e, e);
      // Waiting for the fences of the slots still in flight can fail for the same reason (a sticky
      // CUDA error fails every later call): the first error is the one thrown, the echo is suppressed.
      try {
        releaseAll();
      } catch (Throwable later) {
        failed.addSuppressed(later);
      }
      throw failed;
    } finally {
      completed = false;
      inFlight.clear();
    }
    Throwable error = failure;
    failure = null;
    if (error != null) {
      throw error instanceof LoaderException le ? le : new LoaderException("pipeline failed: " + error, error);
    }
    return stats().minus(before);
  }

  /**
   * Parks the consumer until a producer publishes, completes or fails. A producer's slot is
   * claimed long before it is published (it fills sample by sample), so the Disruptor's barrier,
   * which follows the claim cursor, cannot tell "published" from "claimed": the consumer parks
   * itself and {@link #wakeConsumer} unparks it. It re-checks after announcing itself, so a
   * publish in between is never missed. The timeout bounds a wait; while fences are pending it is
   * short, so that a slot whose copy finished is released soon.
   */
  private void awaitPublication(long limitNanos) {
    waiting = Thread.currentThread();
    try {
      if (!ring.isAvailable(poller.getSequence().get() + 1) && !completed && failure == null) {
        LockSupport.parkNanos(this, limitNanos);
      }
    } finally {
      waiting = null;
    }
    if (Thread.currentThread().isInterrupted()) {
      throw new LoaderException("interrupted while waiting for the next batch");
    }
  }

  private void wakeConsumer() {
    Thread consumer = waiting;
    if (consumer != null) {
      LockSupport.unpark(consumer);
    }
  }

  /** Frees the slots once; closing again does nothing. */
  @Override
  public void close() {
    if (!closed.getAndSet(true)) {
      memory.close();
    }
  }

  @Override
  public String toString() {
    return "DisruptorBatchRing[" + slots() + " x " + layout + ", " + memory.kind() + "]";
  }
}
