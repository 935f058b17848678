package dev.stoker.ring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoker.api.BatchLayout;
import dev.stoker.api.BatchSlot;
import dev.stoker.api.LoaderException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * "A slot is never overwritten while its host-to-device copy is in flight", on the host: the
 * consumer starts an asynchronous "copy" of each batch on another thread (as {@code
 * cuMemcpyHtoDAsync} would on a copy engine), which reads the slot some time after {@code accept}
 * returned, and the ring is told to release the slot only when that copy is done. The negative
 * control is the same consumer without the fence: the producer then overwrites slots under the
 * copies, and the same check sees it.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DisruptorBatchRingFenceTest {
  private static final BatchLayout LAYOUT = new BatchLayout(4, 16, 16, 3);
  private static final int SLOTS = 4;
  private static final int BATCHES = 600;
  private final ExecutorService copyEngine = Executors.newSingleThreadExecutor();

  @AfterEach
  void stopCopyEngine() {
    copyEngine.shutdownNow();
  }

  /** The outcome of a run: bytes the "copies" found not to carry their batch's pattern, and more. */
  private record Outcome(long corruptBytes, long copies, long fencesSeenPending, long maxOccupancy) {}

  private Outcome run(boolean fenced) throws Exception {
    try (DisruptorBatchRing ring = new DisruptorBatchRing(LAYOUT, SLOTS, SlotMemory.direct())) {
      AtomicLong maxOccupancy = new AtomicLong();
      CompletableFuture<Void> producer = CompletableFuture.runAsync(() -> {
        for (int n = 0; n < BATCHES; n++) {
          BatchSlot slot;
          while ((slot = ring.tryClaim()) == null) {
            Thread.onSpinWait();
          }
          maxOccupancy.accumulateAndGet(ring.occupancy(), Math::max);
          for (int p = 0; p < LAYOUT.batchSize(); p++) {
            slot.sampleMemory(p).fill((byte) n);
            slot.setSample(p, n * LAYOUT.batchSize() + p, 0);
          }
          slot.setHeader(0, n, LAYOUT.batchSize());
          ring.publish(slot);
        }
        ring.complete();
      });
      AtomicLong corrupt = new AtomicLong();
      AtomicLong copies = new AtomicLong();
      AtomicLong pendingSeen = new AtomicLong();
      ring.drain(batch -> {
        MemorySegment pixels = batch.pixels();
        byte expected = (byte) batch.indexInEpoch();
        CompletableFuture<Void> copy = CompletableFuture.runAsync(() -> {
          LockSupport.parkNanos(200_000);            // the copy engine is busy with earlier work
          byte[] device = pixels.toArray(ValueLayout.JAVA_BYTE);
          long bad = 0;
          for (byte b : device) {
            bad += b == expected ? 0 : 1;
          }
          corrupt.addAndGet(bad);
          copies.incrementAndGet();
        }, copyEngine);
        if (fenced) {
          ring.releaseWhen(new ReleaseFence() {
            @Override
            public boolean isDone() {
              boolean done = copy.isDone();
              pendingSeen.addAndGet(done ? 0 : 1);
              return done;
            }

            @Override
            public void await() {
              copy.join();
            }
          });
        }
      });
      producer.get(30, TimeUnit.SECONDS);
      copyEngine.shutdown();
      assertThat(copyEngine.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
      return new Outcome(corrupt.get(), copies.get(), pendingSeen.get(), maxOccupancy.get());
    }
  }

  @Test
  void drain_consumerFencesItsAsynchronousCopies_noSlotIsOverwrittenUnderACopy() throws Exception {
    Outcome outcome = run(true);

    assertThat(outcome.copies()).isEqualTo(BATCHES);
    assertThat(outcome.corruptBytes()).as("bytes overwritten under an in-flight copy").isZero();
    // meaningful only if slots really waited on their copies with the ring full
    assertThat(outcome.fencesSeenPending()).isPositive();
    assertThat(outcome.maxOccupancy()).isEqualTo(SLOTS);
  }

  @Test
  void drain_negativeControlWithoutFences_theSameCheckSeesSlotsOverwrittenUnderCopies() throws Exception {
    Outcome outcome = run(false);

    assertThat(outcome.copies()).isEqualTo(BATCHES);
    assertThat(outcome.corruptBytes()).isPositive();
  }

  @Test
  void drain_runEnds_waitsForEveryFenceBeforeReturning() {
    try (DisruptorBatchRing ring = new DisruptorBatchRing(LAYOUT, SLOTS, SlotMemory.direct())) {
      for (int n = 0; n < 3; n++) {
        BatchSlot slot = ring.tryClaim();
        slot.setHeader(0, n, 1);
        ring.publish(slot);
      }
      ring.complete();
      AtomicInteger finished = new AtomicInteger();
      ring.drain(batch -> {
        CompletableFuture<Void> copy = CompletableFuture.runAsync(() -> {
          LockSupport.parkNanos(5_000_000);
          finished.incrementAndGet();
        });
        ring.releaseWhen(new ReleaseFence() {
          @Override
          public boolean isDone() {
            return copy.isDone();
          }

          @Override
          public void await() {
            copy.join();
          }
        });
      });

      assertThat(finished).hasValue(3);
      assertThat(ring.occupancy()).isZero();
    }
  }

  @Test
  void releaseWhen_calledTwiceForOneBatch_failsTheRunWithAClearError() {
    try (DisruptorBatchRing ring = new DisruptorBatchRing(LAYOUT, SLOTS, SlotMemory.direct())) {
      BatchSlot slot = ring.tryClaim();
      slot.setHeader(0, 0, 1);
      ring.publish(slot);
      ring.complete();

      assertThatThrownBy(() -> ring.drain(batch -> {
        ring.releaseWhen(ReleaseFence.DONE);
        ring.releaseWhen(ReleaseFence.DONE);
      })).isInstanceOf(LoaderException.class).hasMessageContaining("already given");
      assertThat(ring.occupancy()).isZero();
    }
  }

  /** A fence whose work failed the way every call fails after a sticky CUDA error. */
  private static final class FailingFence implements ReleaseFence {
    @Override
    public boolean isDone() {
      return false;
    }

    @Override
    public void await() {
      throw new IllegalStateException("cuEventSynchronize(copyDone) failed: CUDA_ERROR_ILLEGAL_ADDRESS (700)");
    }
  }

  @Test
  void drain_consumerFailsAndAFenceFailsToo_throwsTheConsumersErrorWithTheFenceErrorSuppressed() {
    try (DisruptorBatchRing ring = new DisruptorBatchRing(LAYOUT, SLOTS, SlotMemory.direct())) {
      for (int n = 0; n < 2; n++) {
        BatchSlot slot = ring.tryClaim();
        slot.setHeader(0, n, 1);
        ring.publish(slot);
      }
      ring.complete();
      AtomicInteger seen = new AtomicInteger();
      IllegalArgumentException kernelFault = new IllegalArgumentException("the step's kernel faulted");

      assertThatThrownBy(() -> ring.drain(batch -> {
        ring.releaseWhen(new FailingFence());
        if (seen.incrementAndGet() == 2) {
          throw kernelFault;
        }
      })).isInstanceOf(LoaderException.class).hasCause(kernelFault)
          .satisfies(e -> assertThat(e.getSuppressed()).singleElement()
              .satisfies(s -> assertThat(s).hasMessageContaining("ILLEGAL_ADDRESS")));
    }
  }

  @Test
  void drain_onlyAFenceFails_throwsTheFenceError() {
    try (DisruptorBatchRing ring = new DisruptorBatchRing(LAYOUT, SLOTS, SlotMemory.direct())) {
      BatchSlot slot = ring.tryClaim();
      slot.setHeader(0, 0, 1);
      ring.publish(slot);
      ring.complete();

      assertThatThrownBy(() -> ring.drain(batch -> ring.releaseWhen(new FailingFence())))
          .isInstanceOf(LoaderException.class).hasRootCauseMessage(
              "cuEventSynchronize(copyDone) failed: CUDA_ERROR_ILLEGAL_ADDRESS (700)");
    }
  }
}
