package dev.stoker.ring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stoker.api.Batch;
import dev.stoker.api.BatchLayout;
import dev.stoker.api.BatchRing;
import dev.stoker.api.BatchSlot;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * "A slot is never overwritten while in use": a producer writes as fast as it can into a ring that
 * a slower consumer keeps full, and the consumer checks every byte of every batch, before and after
 * pausing inside {@code accept}. The negative control proves the same check sees an overwrite.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DisruptorBatchRingOverwriteTest {
  private static final BatchLayout LAYOUT = new BatchLayout(4, 16, 16, 3);
  private static final int SLOTS = 4;
  private static final int BATCHES = 2000;

  /** Writes batch {@code n}'s pattern: its sequence number in every byte, in every position. */
  private static void writePattern(BatchSlot slot, int n) {
    for (int p = 0; p < LAYOUT.batchSize(); p++) {
      slot.sampleMemory(p).fill((byte) n);
      slot.setSample(p, n * LAYOUT.batchSize() + p, n % 7);
    }
    slot.setHeader(0, n, LAYOUT.batchSize());
  }

  /** The number of bytes and labels of {@code batch} that do not carry batch {@code n}'s pattern. */
  private static long corruption(Batch batch, int n) {
    long bad = 0;
    MemorySegment pixels = batch.pixels();
    byte expected = (byte) n;
    for (long i = 0; i < pixels.byteSize(); i++) {
      if (pixels.get(ValueLayout.JAVA_BYTE, i) != expected) {
        bad++;
      }
    }
    for (int p = 0; p < batch.size(); p++) {
      if (batch.sampleIndex(p) != n * LAYOUT.batchSize() + p || batch.label(p) != n % 7) {
        bad++;
      }
    }
    return bad;
  }

  @Test
  void drain_fastProducerSlowConsumer_neverSeesASlotOverwrittenWhileInUse() throws Exception {
    try (BatchRing ring = BatchRings.direct().create(LAYOUT, SLOTS)) {
      AtomicInteger fullRingSeen = new AtomicInteger();
      AtomicInteger maxOccupancy = new AtomicInteger();
      CompletableFuture<Void> producer = CompletableFuture.runAsync(() -> {
        for (int n = 0; n < BATCHES; n++) {
          BatchSlot slot;
          while ((slot = ring.tryClaim()) == null) {
            fullRingSeen.incrementAndGet();
            Thread.yield();
          }
          maxOccupancy.accumulateAndGet(ring.occupancy(), Math::max);
          writePattern(slot, n);
          ring.publish(slot);
        }
        ring.complete();
      });
      AtomicLong corrupted = new AtomicLong();
      AtomicLong outOfOrder = new AtomicLong();
      AtomicInteger expected = new AtomicInteger();

      ring.drain(batch -> {
        int n = expected.getAndIncrement();
        if (batch.indexInEpoch() != n) {
          outOfOrder.incrementAndGet();
        }
        corrupted.addAndGet(corruption(batch, n));
        // stay inside accept a while: the producer is now waiting on this very slot
        LockSupport.parkNanos(30_000);
        corrupted.addAndGet(corruption(batch, n));
      });

      producer.get(30, TimeUnit.SECONDS);
      assertThat(expected).hasValue(BATCHES);
      assertThat(outOfOrder).hasValue(0);
      assertThat(corrupted).as("bytes or labels overwritten while in use").hasValue(0);
      // the test only means something if the producer really ran into a full ring
      assertThat(fullRingSeen.get()).isPositive();
      assertThat(maxOccupancy.get()).isEqualTo(SLOTS);
    }
  }

  @Test
  void corruptionCheck_producerWritingIntoTheSlotTheConsumerHolds_detectsTheOverwrite() throws Exception {
    try (BatchRing ring = BatchRings.direct().create(LAYOUT, SLOTS)) {
      BatchSlot published = ring.tryClaim();
      writePattern(published, 0);
      ring.publish(published);
      ring.complete();
      CountDownLatch holding = new CountDownLatch(1);
      CountDownLatch overwritten = new CountDownLatch(1);
      AtomicReference<Batch> held = new AtomicReference<>();
      AtomicLong before = new AtomicLong(-1);
      AtomicLong after = new AtomicLong(-1);
      CompletableFuture<Void> consumer = CompletableFuture.runAsync(() -> ring.drain(batch -> {
        before.set(corruption(batch, 0));
        held.set(batch);
        holding.countDown();
        if (!overwritten.await(10, TimeUnit.SECONDS)) {
          throw new AssertionError("broken producer never wrote");
        }
        after.set(corruption(batch, 0));
      }));

      // a broken producer: it ignores the release gate and reuses a slot that is still being consumed,
      // writing the pattern of batch SLOTS (the next user of this slot) into it
      assertThat(holding.await(10, TimeUnit.SECONDS)).isTrue();
      BatchSlot stolen = (BatchSlot) held.get();
      writePattern(stolen, SLOTS);
      overwritten.countDown();
      consumer.get(10, TimeUnit.SECONDS);

      assertThat(before).hasValue(0);
      assertThat(after.get()).isGreaterThanOrEqualTo(LAYOUT.batchBytes());
    }
  }
}
