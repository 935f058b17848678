package dev.stoker.pipeline;

import dev.stoker.api.BatchRing;
import dev.stoker.api.BatchSlot;
import dev.stoker.api.FailurePolicy;
import dev.stoker.api.LoaderException;
import dev.stoker.api.SampleFailure;
import dev.stoker.pipeline.SampleResult.Failed;
import java.util.ArrayList;
import java.util.List;
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
 * upstream. Every slot it publishes says in its header where the epoch's sequence stands after it
 * ({@link dev.stoker.api.Batch#nextPosition()}), so the resume point travels with the batch.
 *
 * <p>When the layout has soft targets, each sample's row is written with its pixels
 * ({@link SoftTargetRows}), and the loader's batch transforms ({@link BatchSteps}) run on the
 * filled slot after its header is set and before it is published; a step that throws fails the
 * ring with an error naming it and the slot is never published.
 *
 * <p>Each processed sample is released once copied (or, after an abort, at once).
 */
final class RingBridge extends BaseSubscriber<EpochItem> {
  private final BatchRing ring;
  private final int batchSize;
  private final int maxBoxes;
  private final long epochLength;
  private final FailurePolicy failurePolicy;
  private final List<SampleFailure> failures = new ArrayList<>();
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
  private SoftTargetRows softTargets = SoftTargetRows.NONE;
  private BatchSteps batchSteps = BatchSteps.NONE;
  private Consumer<? super SampleFailure> failureListener = failure -> { };

  /**
   * @param epochLength the samples (processed or failed) each epoch brings before its end marker
   */
  RingBridge(BatchRing ring, int epochLength) {
    this(ring, epochLength, FailurePolicy.skip(), 0, 0);
  }

  /**
   * @param epochLength the samples (processed or failed) each epoch brings before its end marker
   * @param failurePolicy when failures end the run
   * @param startPosition samples of the first epoch already consumed in an earlier run: the first
   *     epoch brings {@code epochLength - startPosition} samples
   * @param startBatch batches of the first epoch already delivered in an earlier run
   */
  RingBridge(BatchRing ring, int epochLength, FailurePolicy failurePolicy, long startPosition, long startBatch) {
    this.ring = ring;
    this.batchSize = ring.layout().batchSize();
    this.maxBoxes = ring.layout().maxBoxes();
    this.epochLength = epochLength;
    this.failurePolicy = failurePolicy;
    this.inEpoch = startPosition;
    this.batchInEpoch = startBatch;
  }

  /** Sets what the bridge tells of arrivals, its copies and its demand; call before subscribing it. */
  void probe(BridgeProbe probe) {
    this.probe = probe;
  }

  /** Sets how each sample's soft-target row is written and what runs on each batch; call before subscribing it. */
  void batchOutput(SoftTargetRows softTargets, BatchSteps batchSteps) {
    this.softTargets = softTargets;
    this.batchSteps = batchSteps;
  }

  /** Sets who hears of each failure as it arrives, before the policy counts it; call before subscribing it. */
  void failureListener(Consumer<? super SampleFailure> listener) {
    this.failureListener = listener;
  }

  @Override
  protected void hookOnSubscribe(Subscription subscription) {
    topUp();
  }

  @Override
  protected synchronized void hookOnNext(EpochItem item) {
    outstanding--;
    if (aborted) {
      if (item instanceof ProcessedSample p) {
        p.release();
      }
      return;
    }
    switch (item) {
      case ProcessedSample p -> {
        probe.arrived();
        inEpoch++;
        place(p);
      }
      case Failed f -> {
        probe.arrived();
        inEpoch++;
        failed++;
        failedInEpoch++;
        failures.add(f.failure());
        try {
          failureListener.accept(f.failure());
        } catch (RuntimeException e) {
          aborted = true;
          publishOpen();
          ring.fail(new LoaderException("the failure listener failed on " + f.failure().source() + ": " + e, e));
          dispose();
          return;
        }
        if (failedInEpoch > failurePolicy.allowedPerEpoch(epochLength)) {
          abort(f.failure());
          return;
        }
      }
      case EpochItem.End e -> {
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

  private void place(ProcessedSample p) {
    try {
      if (p.epoch() != epoch) {
        publishOpen();
        if (aborted) {
          return;
        }
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
      softTargets.write(open, filled, p.index(), p.label());
      placeBoxes(p);
      probe.collated(System.nanoTime() - start);
      filled++;
      if (filled == batchSize) {
        publishOpen();
      }
    } finally {
      p.release();
    }
  }

  private void placeBoxes(ProcessedSample p) {
    int count = Math.min(p.boxCount(), maxBoxes);
    if (maxBoxes > 0) {
      open.setBoxes(filled, p.boxes(), p.boxLabels(), count);
    }
    boxes += count;
    truncatedBoxes += p.boxCount() - count;
  }

  private void publishOpen() {
    if (open != null) {
      open.setHeader(epoch, batchInEpoch++, filled, inEpoch);
      try {
        batchSteps.apply(open);
      } catch (LoaderException e) {
        open = null;
        filled = 0;
        if (!aborted) {
          aborted = true;
          ring.fail(e);
          dispose();
        }
        return;
      }
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
      probe.demand(outstanding); // before the request: a synchronous upstream may deliver inside it
      request(want);
    } else {
      probe.demand(outstanding);
    }
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
    if (!aborted) {
      ring.complete();
    }
  }

  @Override
  protected synchronized void hookOnError(Throwable throwable) {
    if (aborted) {
      return;
    }
    publishOpen();
    if (!aborted) {
      ring.fail(throwable);
    }
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
