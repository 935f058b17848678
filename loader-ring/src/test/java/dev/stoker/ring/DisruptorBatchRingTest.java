package dev.stoker.ring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoker.api.Batch;
import dev.stoker.api.BatchLayout;
import dev.stoker.api.BatchRing;
import dev.stoker.api.BatchSlot;
import dev.stoker.api.LoaderException;
import dev.stoker.api.RingStats;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The producer/consumer contract of the Disruptor ring, single-threaded where it can be. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class DisruptorBatchRingTest {
  private static final BatchLayout LAYOUT = new BatchLayout(4, 2, 3, 3);

  private final List<BatchRing> rings = new ArrayList<>();

  @AfterEach
  void closeRings() {
    rings.forEach(BatchRing::close);
  }

  private BatchRing ring(int slots) {
    BatchRing ring = BatchRings.direct().create(LAYOUT, slots);
    rings.add(ring);
    return ring;
  }

  /** Claims a slot, fills {@code size} samples (pixels = batch number, labels/indices derived), publishes it. */
  private static void publishBatch(BatchRing ring, int epoch, long index, int size) {
    BatchSlot slot = ring.tryClaim();
    assertThat(slot).as("claim for batch %d", index).isNotNull();
    for (int p = 0; p < size; p++) {
      slot.sampleMemory(p).fill((byte) index);
      slot.setSample(p, (int) index * 100 + p, (int) index + p);
    }
    slot.setHeader(epoch, index, size);
    ring.publish(slot);
  }

  /** What a consumer saw of a batch, copied out while the batch was valid. */
  private record Seen(int epoch, long index, int size, List<Integer> labels, List<Integer> samples, byte[] pixels) {
    static Seen of(Batch b) {
      List<Integer> labels = new ArrayList<>();
      List<Integer> samples = new ArrayList<>();
      for (int p = 0; p < b.size(); p++) {
        labels.add(b.label(p));
        samples.add(b.sampleIndex(p));
      }
      return new Seen(b.epoch(), b.indexInEpoch(), b.size(), labels, samples, b.pixels().toArray(ValueLayout.JAVA_BYTE));
    }
  }

  @Test
  void create_slotsNotPowerOfTwo_failsNamingSlots() {
    for (int slots : new int[] {0, -4, 3, 6}) {
      assertThatThrownBy(() -> BatchRings.direct().create(LAYOUT, slots))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("slots")
          .hasMessageContaining(String.valueOf(slots));
    }
  }

  @Test
  void create_powerOfTwo_reportsLayoutSlotsAndDirectMemory() {
    BatchRing ring = ring(8);

    assertThat(ring.slots()).isEqualTo(8);
    assertThat(ring.layout()).isEqualTo(LAYOUT);
    assertThat(ring.memoryKind()).isEqualTo("direct");
    assertThat(ring.occupancy()).isZero();
  }

  @Test
  void tryClaim_allSlotsClaimed_returnsNull() {
    BatchRing ring = ring(4);
    for (int i = 0; i < 4; i++) {
      assertThat(ring.tryClaim()).as("claim %d", i).isNotNull();
    }

    assertThat(ring.tryClaim()).isNull();
    assertThat(ring.occupancy()).isEqualTo(4);
  }

  @Test
  void tryClaim_allSlotsPublishedNotConsumed_returnsNull() {
    BatchRing ring = ring(2);
    publishBatch(ring, 0, 0, 4);
    publishBatch(ring, 0, 1, 4);

    assertThat(ring.tryClaim()).isNull();
    assertThat(ring.occupancy()).isEqualTo(2);
  }

  @Test
  void tryClaim_whileConsumerHoldsTheOnlyOtherSlot_returnsNullUntilReleased() {
    BatchRing ring = ring(2);
    publishBatch(ring, 0, 0, 4);
    publishBatch(ring, 0, 1, 4);
    ring.complete();
    List<BatchSlot> claimedInside = new ArrayList<>();
    List<Seen> seen = new ArrayList<>();

    ring.drain(batch -> {
      seen.add(Seen.of(batch));
      if (batch.indexInEpoch() == 0) {
        // batch 0 is still in use and batch 1 is published: nothing is free
        claimedInside.add(ring.tryClaim());
      } else if (batch.indexInEpoch() == 1) {
        // batch 0 was released when its accept returned; batch 1's slot is still ours
        BatchSlot slot = ring.tryClaim();
        claimedInside.add(slot);
        assertThat(slot).isNotSameAs(batch);
        slot.setHeader(0, 2, 1);
        slot.setSample(0, 200, 2);
        ring.publish(slot);
      }
    });

    assertThat(claimedInside).hasSize(2);
    assertThat(claimedInside.get(0)).isNull();
    assertThat(claimedInside.get(1)).isNotNull();
    assertThat(seen).extracting(Seen::index).containsExactly(0L, 1L, 2L);
  }

  @Test
  void publish_slotNotFromThisRing_isRejected() {
    BatchRing ring = ring(2);
    BatchSlot foreign = ring(2).tryClaim();

    assertThatThrownBy(() -> ring.publish(foreign)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void drain_publishedThenComplete_deliversInPublishOrderWithHeadersAndLabels() {
    BatchRing ring = ring(4);
    publishBatch(ring, 3, 0, 4);
    publishBatch(ring, 3, 1, 4);
    publishBatch(ring, 3, 2, 2);
    ring.complete();
    List<Seen> seen = new ArrayList<>();

    RingStats stats = ring.drain(batch -> seen.add(Seen.of(batch)));

    assertThat(seen).extracting(Seen::index).containsExactly(0L, 1L, 2L);
    assertThat(seen).extracting(Seen::epoch).containsOnly(3);
    assertThat(seen).extracting(Seen::size).containsExactly(4, 4, 2);
    assertThat(seen.get(1).labels()).containsExactly(1, 2, 3, 4);
    assertThat(seen.get(1).samples()).containsExactly(100, 101, 102, 103);
    assertThat(seen.get(2).samples()).containsExactly(200, 201);
    assertThat(seen.get(2).pixels()).hasSize((int) (2 * LAYOUT.sampleBytes())).containsOnly((byte) 2);
    assertThat(seen.get(0).pixels()).hasSize((int) LAYOUT.batchBytes()).containsOnly((byte) 0);
    assertThat(stats.batches()).isEqualTo(3);
    assertThat(stats.samples()).isEqualTo(10);
    assertThat(ring.occupancy()).isZero();
  }

  @Test
  void drain_batchesPublishedFromAnotherThread_endsAfterTheLastBatchBeforeComplete() throws Exception {
    BatchRing ring = ring(2);
    int batches = 50;
    CompletableFuture<Void> producer = CompletableFuture.runAsync(() -> {
      for (int i = 0; i < batches; i++) {
        BatchSlot slot;
        while ((slot = ring.tryClaim()) == null) {
          Thread.onSpinWait();
        }
        slot.setHeader(0, i, 1);
        slot.setSample(0, i, i % 5);
        ring.publish(slot);
      }
      ring.complete();
    });
    List<Long> indices = new ArrayList<>();

    RingStats stats = ring.drain(batch -> indices.add(batch.indexInEpoch()));

    producer.get(10, TimeUnit.SECONDS);
    assertThat(indices).hasSize(batches).isSorted().doesNotHaveDuplicates();
    assertThat(stats.batches()).isEqualTo(batches);
    assertThat(ring.stats().batches()).isEqualTo(batches);
  }

  @Test
  void drain_afterFail_deliversPublishedBatchesThenThrowsCarryingTheError() {
    BatchRing ring = ring(4);
    publishBatch(ring, 0, 0, 4);
    publishBatch(ring, 0, 1, 3);
    IllegalStateException error = new IllegalStateException("upstream broke");
    ring.fail(error);
    List<Long> indices = new ArrayList<>();

    assertThatThrownBy(() -> ring.drain(batch -> indices.add(batch.indexInEpoch())))
        .isInstanceOf(LoaderException.class)
        .hasCause(error)
        .hasMessageContaining("upstream broke");
    assertThat(indices).containsExactly(0L, 1L);
  }

  @Test
  void drain_afterFailWithLoaderException_throwsThatException() {
    BatchRing ring = ring(2);
    LoaderException error = new LoaderException("source gone");
    ring.fail(error);

    assertThatThrownBy(() -> ring.drain(batch -> { })).isSameAs(error);
  }

  @Test
  void drain_consumerThrows_endsWithLoaderExceptionCarryingTheCause() {
    BatchRing ring = ring(4);
    publishBatch(ring, 0, 0, 4);
    publishBatch(ring, 0, 1, 4);
    publishBatch(ring, 0, 2, 4);
    IOException error = new IOException("gpu fell off the bus");
    List<Long> indices = new ArrayList<>();

    // not completed: only the consumer's exception can end this drain
    assertThatThrownBy(() -> ring.drain(batch -> {
      indices.add(batch.indexInEpoch());
      if (batch.indexInEpoch() == 1) {
        throw error;
      }
    })).isInstanceOf(LoaderException.class).hasCause(error);
    assertThat(indices).containsExactly(0L, 1L);
  }

  @Test
  void drain_releaseListener_calledOncePerConsumedBatchAfterItsRelease() {
    BatchRing ring = ring(4);
    for (int i = 0; i < 3; i++) {
      publishBatch(ring, 0, i, 4);
    }
    ring.complete();
    List<Integer> freed = new ArrayList<>();
    List<Integer> occupancyAtRelease = new ArrayList<>();
    ring.onRelease(n -> {
      freed.add(n);
      occupancyAtRelease.add(ring.occupancy());
    });

    ring.drain(batch -> { });

    assertThat(freed).containsExactly(1, 1, 1);
    assertThat(occupancyAtRelease).containsExactly(2, 1, 0);
  }

  @Test
  void stats_acrossTwoRuns_areCumulativeWhileDrainReturnsThisRunOnly() {
    BatchRing ring = ring(2);
    publishBatch(ring, 0, 0, 4);
    publishBatch(ring, 0, 1, 1);
    ring.complete();
    RingStats first = ring.drain(batch -> { });
    publishBatch(ring, 1, 0, 2);
    ring.complete();

    RingStats second = ring.drain(batch -> { });

    assertThat(first.batches()).isEqualTo(2);
    assertThat(first.samples()).isEqualTo(5);
    assertThat(second.batches()).isEqualTo(1);
    assertThat(second.samples()).isEqualTo(2);
    assertThat(ring.stats().batches()).isEqualTo(3);
    assertThat(ring.stats().samples()).isEqualTo(7);
    assertThat(ring.stats().waitNanos()).isNotNegative();
    assertThat(ring.stats().busyNanos()).isNotNegative();
  }

  @Test
  void occupancy_countsClaimedAndPublishedUntilConsumed() {
    BatchRing ring = ring(4);
    BatchSlot claimed = ring.tryClaim();
    assertThat(ring.occupancy()).isEqualTo(1);
    claimed.setHeader(0, 0, 1);
    ring.publish(claimed);
    assertThat(ring.occupancy()).isEqualTo(1);
    publishBatch(ring, 0, 1, 1);
    assertThat(ring.occupancy()).isEqualTo(2);
    ring.complete();
    AtomicInteger occupancyInside = new AtomicInteger(-1);

    ring.drain(batch -> {
      if (batch.indexInEpoch() == 0) {
        occupancyInside.set(ring.occupancy());
      }
    });

    assertThat(occupancyInside).hasValue(2);
    assertThat(ring.occupancy()).isZero();
  }

  @Test
  void batch_sampleMemoryOutsideTheBatch_isRejected() {
    BatchSlot slot = ring(2).tryClaim();

    assertThat(slot.sampleMemory(3).byteSize()).isEqualTo(LAYOUT.sampleBytes());
    assertThatThrownBy(() -> slot.sampleMemory(4)).isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> slot.setHeader(0, 0, 5)).isInstanceOf(IllegalArgumentException.class);
    slot.setHeader(0, 0, 2);
    assertThatThrownBy(() -> slot.label(2)).isInstanceOf(IndexOutOfBoundsException.class);
  }

  @Test
  void batch_pixelsSeenByConsumer_areReadOnly() {
    BatchRing ring = ring(2);
    publishBatch(ring, 0, 0, 4);
    ring.complete();
    AtomicReference<MemorySegment> pixels = new AtomicReference<>();

    ring.drain(batch -> pixels.set(batch.pixels()));

    assertThat(pixels.get().isReadOnly()).isTrue();
  }
}
