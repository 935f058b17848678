package dev.stoker.pipeline;

import dev.stoker.api.BatchRing;
import dev.stoker.api.BatchSlot;
import dev.stoker.api.FailurePolicy;
import dev.stoker.api.LoaderException;
import dev.stoker.api.SampleFailure;
import dev.stoker.pipeline.SampleResult.EpochEnd;
import dev.stoker.pipeline.SampleResult.Failed;
import dev.stoker.pipeline.SampleResult.Processed;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;
import org.reactivestreams.Subscription;
import reactor.core.publisher.BaseSubscriber;

/**
 * The subscriber at the end of the pipeline: copies each processed sample (pixels, label and, when
 * the layout has boxes, its first {@code maxBoxes} boxes) into the next position of the open ring
 * slot and publishes the slot when it is full or the epoch ends. Boxes beyond {@code maxBoxes} are
 * counted as truncated, never written.
 *
 * <p>Its demand is exactly the ring's free sample positions: free slots times the batch size, plus
 * the unfilled positions of the open slot, minus what it has requested and not yet received. An
 * epoch's end publishes a partial batch and wastes the rest of its slot, so where the next epoch
 * end falls inside that window (it knows each epoch's length), the demand stops at what fits
 * epoch by epoch (see {@link #fits()}). It tops demand up after every element and whenever the
 * consumer releases a slot; so it never receives a sample it has no room for, and {@code tryClaim}
 * never fails. All state changes happen under the bridge's monitor, which is held only for counter
 * updates and one sample copy.
 *
 * <p>Failures are counted per epoch against the {@link FailurePolicy}; one too many publishes the
 * open slot, fails the ring with a {@link LoaderException} naming the sample and cancels the
 * upstream. For every slot it publishes it queues a {@link BatchMark}, in publish order, so that the
 * consumer side knows where in the epoch's sequence each batch ends (for resume).
 */
final class RingBridge extends BaseSubscriber<SampleResult> {
  private final BatchRing ring;
  private final int batchSize;
  private final int maxBoxes;
  private final Consumer<SampleBuffer> recycle;
  private final long epochLength;
  private final FailurePolicy failurePolicy;
  private final List<SampleFailure> failures = new ArrayList<>();
  private final Queue<BatchMark> marks = new ConcurrentLinkedQueue<>();
  private BatchSlot open;
  private int filled;
  private int epoch = -1;
  private long batchInEpoch;
  private long inEpoch;
  private long outstanding;
  private long failed;
  private long failedInEpoch;
  private boolean aborted;
  private long boxes;
  private long truncatedBoxes;
  private BridgeProbe probe = BridgeProbe.NONE;

  /**
   * @param epochLength the samples (processed or failed) each epoch brings before its end marker
   */
  RingBridge(BatchRing ring, int epochLength, Consumer<SampleBuffer> recycle) {
    this(ring, epochLength, recycle, FailurePolicy.skip(), 0, 0);
  }

  /**
   * @param epochLength the samples (processed or failed) each epoch brings before its end marker
   * @param failurePolicy when failures end the run
   * @param startPosition samples of the first epoch already consumed in an earlier run: the first
   *     epoch brings {@code epochLength - startPosition} samples
   * @param startBatch batches of the first epoch already delivered in an earlier run
   */
  RingBridge(BatchRing ring, int epochLength, Consumer<SampleBuffer> recycle, FailurePolicy failurePolicy,
      long startPosition, long startBatch) {
    this.ring = ring;
    this.batchSize = ring.layout().batchSize();
    this.maxBoxes = ring.layout().maxBoxes();
    this.epochLength = epochLength;
    this.recycle = recycle;
    this.failurePolicy = failurePolicy;
    this.inEpoch = startPosition;
    this.batchInEpoch = startBatch;
  }

  /**
   * Where a published batch ends: its epoch, its number in the epoch and how many samples of the
   * epoch's sequence (delivered or failed) come before the next batch.
   */
  record BatchMark(int epoch, long batch, long nextPosition) { }

  /** The marks of published batches not yet taken, in publish order. */
  BatchMark nextMark() {
    return marks.poll();
  }

  /** Sets what the bridge tells of its copies and its demand; call before subscribing it. */
  void probe(BridgeProbe probe) {
    this.probe = probe;
  }

  @Override
  protected void hookOnSubscribe(Subscription subscription) {
    topUp();
  }

  @Override
  protected synchronized void hookOnNext(SampleResult item) {
    outstanding--;
    if (aborted) {
      if (item instanceof Processed p) {
        recycle.accept(p.buffer());
      }
      return;
    }
    switch (item) {
      case Processed p -> {
        inEpoch++;
        place(p);
      }
      case Failed f -> {
        inEpoch++;
        failed++;
        failedInEpoch++;
        failures.add(f.failure());
        if (failedInEpoch > failurePolicy.allowedPerEpoch(epochLength)) {
          abort(f.failure());
          return;
        }
      }
      case EpochEnd e -> {
        publishOpen();
        epoch = -1;
        inEpoch = 0;
        batchInEpoch = 0;
        failedInEpoch = 0;
      }
    }
    topUp();
  }

  /** Ends the run from outside (the loader is closing): fails the ring and cancels the upstream. */
  synchronized void cancelRun(Throwable why) {
    if (!aborted && !isDisposed()) {
      aborted = true;
      ring.fail(why);
    }
    dispose();
  }

  private void abort(SampleFailure last) {
    aborted = true;
    String why = failurePolicy.allowedPerEpoch(epochLength) == 0
        ? "fail-fast: " + last.describe()
        : "failure budget exceeded (" + failurePolicy + "): " + failedInEpoch + " samples failed in epoch "
            + last.epoch() + "; the last: " + last.describe();
    publishOpen();
    ring.fail(new LoaderException(why, last.cause()));
    dispose();
  }

  private void place(Processed p) {
    try {
      if (p.epoch() != epoch) {
        publishOpen();
        epoch = p.epoch();
      }
      if (open == null) {
        open = ring.tryClaim();
        if (open == null) {
          throw new IllegalStateException("ring overrun: a sample arrived with no free slot (demand accounting bug)");
        }
      }
      long start = System.nanoTime();
      open.sampleMemory(filled).copyFrom(p.pixels());
      open.setSample(filled, p.index(), p.label());
      placeBoxes(p.buffer());
      probe.collated(System.nanoTime() - start);
      filled++;
      if (filled == batchSize) {
        publishOpen();
      }
    } finally {
      recycle.accept(p.buffer());
    }
  }

  private void placeBoxes(SampleBuffer buffer) {
    int count = Math.min(buffer.boxCount, maxBoxes);
    if (maxBoxes > 0) {
      open.setBoxes(filled, buffer.boxes, buffer.boxLabels, count);
    }
    boxes += count;
    truncatedBoxes += buffer.boxCount - count;
  }

  private void publishOpen() {
    if (open != null) {
      marks.add(new BatchMark(epoch, batchInEpoch, inEpoch));
      open.setHeader(epoch, batchInEpoch++, filled);
      ring.publish(open);
      open = null;
      filled = 0;
    }
  }

  /** Called on the consumer thread when slots were released: more room, more demand. */
  void released(int slots) {
    topUp();
  }

  private synchronized void topUp() {
    if (isDisposed()) {
      return;
    }
    long want = fits() - outstanding;
    if (want > 0) {
      outstanding += want;
      request(want);
    }
    probe.demand(outstanding);
  }

  /**
   * How many of the next elements the ring can take for sure. Without an epoch end in the window,
   * that is the free positions. An epoch end publishes the open slot however full it is, so the
   * count walks epoch by epoch: the rest of the current epoch and its end marker, then whole epochs
   * in fresh slots, while slots are left. It assumes no sample fails (the worst case: a failure
   * takes no position).
   */
  private long fits() {
    long freeSlots = ring.slots() - ring.occupancy();
    long room = open == null ? 0 : batchSize - filled;
    if (epochLength <= 0) {
      return room + freeSlots * batchSize + 1;
    }
    long left = Math.max(0, epochLength - inEpoch);
    long items = 0;
    while (true) {
      long positions = room + freeSlots * batchSize;
      if (left > positions) {
        return items + positions;
      }
      items += left + 1;
      freeSlots -= (Math.max(0, left - room) + batchSize - 1) / batchSize;
      room = 0;
      left = epochLength;
    }
  }

  @Override
  protected synchronized void hookOnComplete() {
    if (aborted) {
      return;
    }
    publishOpen();
    ring.complete();
  }

  @Override
  protected synchronized void hookOnError(Throwable throwable) {
    if (aborted) {
      return;
    }
    publishOpen();
    ring.fail(throwable);
  }

  /** Samples that failed so far. */
  synchronized long failed() {
    return failed;
  }

  /** Boxes written into slots so far. */
  synchronized long boxes() {
    return boxes;
  }

  /** Boxes left out so far because their sample already had {@code maxBoxes}. */
  synchronized long truncatedBoxes() {
    return truncatedBoxes;
  }

  /** The failures so far, in the order they arrived. */
  synchronized List<SampleFailure> failures() {
    return List.copyOf(failures);
  }
}
