package dev.stoker.ring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoker.api.BatchLayout;
import dev.stoker.api.BatchSlot;
import dev.stoker.api.LoaderException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Consuming one batch at a time on the caller's thread, and telling which slot a batch is in. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class DisruptorBatchRingPollTest {
  private static final BatchLayout LAYOUT = new BatchLayout(2, 2, 2, 3);

  private static BatchSlot publish(DisruptorBatchRing ring, long index) {
    BatchSlot slot = ring.tryClaim();
    assertThat(slot).as("claim for batch %d", index).isNotNull();
    slot.setSample(0, (int) index, 0);
    slot.setHeader(0, index, 1);
    ring.publish(slot);
    return slot;
  }

  @Test
  void poll_twoPublished_consumesOneAtATimeInOrderAndReleasesEach() {
    try (DisruptorBatchRing ring = new DisruptorBatchRing(LAYOUT, 2, SlotMemory.direct())) {
      AtomicInteger released = new AtomicInteger();
      ring.onRelease(released::addAndGet);
      publish(ring, 0);
      publish(ring, 1);
      List<Long> seen = new ArrayList<>();

      assertThat(ring.tryClaim()).isNull();
      assertThat(ring.poll(batch -> seen.add(batch.indexInEpoch()))).isTrue();
      assertThat(released).hasValue(1);
      assertThat(ring.occupancy()).isEqualTo(1);
      assertThat(ring.poll(batch -> seen.add(batch.indexInEpoch()))).isTrue();
      assertThat(ring.poll(batch -> seen.add(batch.indexInEpoch()))).isFalse();

      assertThat(seen).containsExactly(0L, 1L);
      assertThat(released).hasValue(2);
      assertThat(ring.stats().batches()).isEqualTo(2);
    }
  }

  @Test
  void poll_claimedButNotPublished_consumesNothing() {
    try (DisruptorBatchRing ring = new DisruptorBatchRing(LAYOUT, 2, SlotMemory.direct())) {
      BatchSlot claimed = ring.tryClaim();

      assertThat(ring.poll(batch -> { })).isFalse();
      ring.publish(claimed);
      assertThat(ring.poll(batch -> { })).isTrue();
    }
  }

  @Test
  void poll_consumerThrows_wrapsItInALoaderException() {
    try (DisruptorBatchRing ring = new DisruptorBatchRing(LAYOUT, 2, SlotMemory.direct())) {
      publish(ring, 0);

      assertThatThrownBy(() -> ring.poll(batch -> {
        throw new IllegalStateException("boom");
      })).isInstanceOf(LoaderException.class).hasMessageContaining("boom");
    }
  }

  @Test
  void slotIndex_ownAndForeignSlots_areThePositionOrMinusOne() {
    try (DisruptorBatchRing ring = new DisruptorBatchRing(LAYOUT, 2, SlotMemory.direct());
        DisruptorBatchRing other = new DisruptorBatchRing(LAYOUT, 2, SlotMemory.direct())) {
      BatchSlot first = publish(ring, 0);
      BatchSlot second = publish(ring, 1);
      BatchSlot foreign = publish(other, 0);

      assertThat(ring.slotIndex(first)).isZero();
      assertThat(ring.slotIndex(second)).isEqualTo(1);
      assertThat(ring.slotIndex(foreign)).isEqualTo(-1);
    }
  }

  @Test
  void slotBytes_layoutWithoutBoxes_isThePixelBytesAndBoxOffsetsAreZero() {
    assertThat(DisruptorBatchRing.slotBytes(LAYOUT)).isEqualTo(LAYOUT.batchBytes());
    assertThat(DisruptorBatchRing.boxesOffset(LAYOUT)).isZero();
    assertThat(DisruptorBatchRing.boxLabelsOffset(LAYOUT)).isZero();
  }

  @Test
  void constructor_nullMemory_failsNamingMemory() {
    assertThatThrownBy(() -> new DisruptorBatchRing(LAYOUT, 2, null)).hasMessageStartingWith("memory");
  }
}
