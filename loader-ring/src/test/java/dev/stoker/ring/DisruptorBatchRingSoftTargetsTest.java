package dev.stoker.ring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoker.api.BatchLayout;
import dev.stoker.api.BatchRing;
import dev.stoker.api.BatchSlot;
import dev.stoker.api.ElementType;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The soft-target region of a slot: where it lies, what setSample leaves in it, and its absence. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class DisruptorBatchRingSoftTargetsTest {
  /** Odd pixel and box sizes, so the soft targets must be aligned past the box labels. */
  private static final BatchLayout LAYOUT = new BatchLayout(3, 3, 5, 3, ElementType.UINT8, 1).withSoftTargets(5);

  private final List<BatchRing> rings = new ArrayList<>();

  @AfterEach
  void closeRings() {
    rings.forEach(BatchRing::close);
  }

  private BatchRing ring(BatchLayout layout) {
    BatchRing ring = BatchRings.direct().create(layout, 2);
    rings.add(ring);
    return ring;
  }

  @Test
  void drain_softTargetsWritten_areRowsOfTheFilledSamplesOnly() {
    BatchRing ring = ring(LAYOUT);
    BatchSlot slot = ring.tryClaim();
    for (int p = 0; p < 2; p++) {
      slot.sampleMemory(p).fill((byte) 0x11);
      slot.setSample(p, p, p);
      slot.softTargetMemory(p).setAtIndex(ValueLayout.JAVA_FLOAT, p + 2, 0.75f);
    }
    slot.setBoxes(1, new float[] {1, 2, 3, 4}, new int[] {9}, 1);
    slot.setHeader(0, 0, 2);
    ring.publish(slot);
    List<float[]> seen = new ArrayList<>();
    ring.complete();
    ring.drain(b -> seen.add(b.softTargets().toArray(ValueLayout.JAVA_FLOAT)));

    assertThat(seen.getFirst()).containsExactly(0, 0, 0.75f, 0, 0, 0, 0, 0, 0.75f, 0);
  }

  @Test
  void setSample_reusedSlot_clearsThePositionsSoftTargets() {
    BatchRing ring = ring(LAYOUT);
    BatchSlot slot = ring.tryClaim();
    slot.softTargetMemory(0).fill((byte) 0x3F);
    slot.setSample(0, 0, 0);
    assertThat(slot.softTargetMemory(0).toArray(ValueLayout.JAVA_FLOAT)).containsOnly(0f);
  }

  @Test
  void softTargets_regionAlignedAfterBoxLabels_slotBytesCoverIt() {
    long offset = DisruptorBatchRing.softTargetsOffset(LAYOUT);
    assertThat(offset % RingSlot.ALIGNMENT).isZero();
    assertThat(offset).isGreaterThanOrEqualTo(DisruptorBatchRing.boxLabelsOffset(LAYOUT) + LAYOUT.boxLabelBytes());
    assertThat(DisruptorBatchRing.slotBytes(LAYOUT)).isEqualTo(offset + 3 * 5 * Float.BYTES);
  }

  @Test
  void softTargets_layoutWithout_emptySegmentAndSameSlotBytes() {
    BatchLayout plain = new BatchLayout(3, 3, 5, 3, ElementType.UINT8, 1);
    BatchRing ring = ring(plain);
    BatchSlot slot = ring.tryClaim();
    slot.setSample(0, 0, 0);
    slot.setHeader(0, 0, 1);

    assertThat(slot.softTargets().byteSize()).isZero();
    assertThat(slot.softTargetMemory(0).byteSize()).isZero();
    assertThat(DisruptorBatchRing.slotBytes(plain)).isEqualTo(DisruptorBatchRing.boxLabelsOffset(plain) + 3 * 4);
    assertThat(DisruptorBatchRing.softTargetsOffset(plain)).isZero();
  }

  @Test
  void softTargetMemory_positionPastBatch_throws() {
    BatchSlot slot = ring(LAYOUT).tryClaim();
    assertThatThrownBy(() -> slot.softTargetMemory(3)).isInstanceOf(IndexOutOfBoundsException.class);
  }

  @Test
  void layout_softTargetClassesNegative_refusedNamingIt() {
    assertThatThrownBy(() -> new BatchLayout(3, 3, 5, 3).withSoftTargets(-1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("softTargetClasses");
  }
}
