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

/** Boxes and float32 pixels in the Disruptor ring's slots: positions, padding, reuse, sizes. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class DisruptorBatchRingBoxesTest {
  /** An odd pixel size, so the box region must be aligned past the pixels rather than right after them. */
  private static final BatchLayout LAYOUT = new BatchLayout(3, 3, 5, 3, ElementType.UINT8, 2);

  private final List<BatchRing> rings = new ArrayList<>();

  @AfterEach
  void closeRings() {
    rings.forEach(BatchRing::close);
  }

  private BatchRing ring(BatchLayout layout, int slots) {
    BatchRing ring = BatchRings.direct().create(layout, slots);
    rings.add(ring);
    return ring;
  }

  /** What the consumer saw, copied out while the batch was valid. */
  private record Seen(int[] counts, float[] boxes, int[] labels, byte[] pixels) { }

  private static List<Seen> drain(BatchRing ring) {
    List<Seen> seen = new ArrayList<>();
    ring.complete();
    ring.drain(b -> {
      int[] counts = new int[b.size()];
      for (int p = 0; p < b.size(); p++) {
        counts[p] = b.boxCount(p);
      }
      seen.add(new Seen(counts, b.boxes().toArray(ValueLayout.JAVA_FLOAT), b.boxLabels().toArray(ValueLayout.JAVA_INT),
          b.pixels().toArray(ValueLayout.JAVA_BYTE)));
    });
    return seen;
  }

  @Test
  void drain_boxesWritten_areAtTheirPositionsWithLabelsAndPadding() {
    BatchRing ring = ring(LAYOUT, 2);
    BatchSlot slot = ring.tryClaim();
    for (int p = 0; p < 3; p++) {
      slot.sampleMemory(p).fill((byte) 0x7F);
      slot.setSample(p, p, p);
    }
    slot.setBoxes(0, new float[] {1, 2, 3, 4, 5, 6, 7, 8}, new int[] {10, 11}, 2);
    slot.setBoxes(2, new float[] {0.5f, 0.25f, 2, 3, 99, 99, 99, 99}, new int[] {12, 99}, 1);
    slot.setHeader(0, 0, 3);
    ring.publish(slot);

    Seen seen = drain(ring).getFirst();

    assertThat(seen.counts()).containsExactly(2, 0, 1);
    assertThat(seen.boxes()).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0.5f, 0.25f, 2, 3, 0, 0, 0, 0);
    assertThat(seen.labels()).containsExactly(10, 11, -1, -1, 12, -1);
    assertThat(seen.pixels()).hasSize((int) (3 * LAYOUT.sampleBytes())).containsOnly((byte) 0x7F);
  }

  @Test
  void drain_partialBatch_boxSegmentsCoverOnlyItsSamples() {
    BatchRing ring = ring(LAYOUT, 2);
    BatchSlot slot = ring.tryClaim();
    slot.setSample(0, 4, 0);
    slot.setBoxes(0, new float[] {1, 1, 2, 2}, new int[] {3}, 1);
    slot.setHeader(0, 0, 1);
    ring.publish(slot);

    Seen seen = drain(ring).getFirst();

    assertThat(seen.boxes()).hasSize(LAYOUT.maxBoxes() * 4);
    assertThat(seen.labels()).containsExactly(3, -1);
  }

  @Test
  void drain_slotReusedWithFewerBoxes_showsNoStaleBoxes() {
    BatchRing ring = ring(LAYOUT, 1);
    BatchSlot first = ring.tryClaim();
    for (int p = 0; p < 3; p++) {
      first.setSample(p, p, 0);
      first.setBoxes(p, new float[] {1, 1, 2, 2, 3, 3, 4, 4}, new int[] {5, 6}, 2);
    }
    first.setHeader(0, 0, 3);
    ring.publish(first);
    drain(ring);

    BatchSlot second = ring.tryClaim();
    for (int p = 0; p < 3; p++) {
      second.setSample(p, p, 0);
    }
    second.setBoxes(1, new float[] {9, 9, 10, 10}, new int[] {7}, 1);
    second.setHeader(1, 0, 3);
    ring.publish(second);
    Seen seen = drain(ring).getFirst();

    assertThat(seen.counts()).containsExactly(0, 1, 0);
    assertThat(seen.labels()).containsExactly(-1, -1, 7, -1, -1, -1);
    assertThat(seen.boxes()).containsExactly(0, 0, 0, 0, 0, 0, 0, 0, 9, 9, 10, 10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
  }

  @Test
  void slot_boxRegions_areAlignedAndDoNotOverlapThePixels() {
    BatchRing ring = ring(LAYOUT, 1);
    BatchSlot slot = ring.tryClaim();
    slot.setHeader(0, 0, 3);

    long pixelsEnd = slot.sampleMemory(2).address() + LAYOUT.sampleBytes();
    assertThat(slot.boxes().address() % RingSlot.ALIGNMENT).isZero();
    assertThat(slot.boxLabels().address() % RingSlot.ALIGNMENT).isZero();
    assertThat(slot.boxes().address()).isGreaterThanOrEqualTo(pixelsEnd);
    assertThat(slot.boxLabels().address()).isGreaterThanOrEqualTo(slot.boxes().address() + LAYOUT.boxBytes());
    assertThat(RingSlot.bytes(LAYOUT)).isGreaterThanOrEqualTo(LAYOUT.batchBytes() + LAYOUT.boxBytes() + LAYOUT.boxLabelBytes());
    ring.publish(slot);
  }

  @Test
  void setBoxes_countAboveMaxBoxesOrArraysTooShort_failsNamingCount() {
    BatchRing ring = ring(LAYOUT, 1);
    BatchSlot slot = ring.tryClaim();

    assertThatThrownBy(() -> slot.setBoxes(0, new float[12], new int[3], 3))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("count");
    assertThatThrownBy(() -> slot.setBoxes(0, new float[4], new int[2], 2))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("count");
    assertThatThrownBy(() -> slot.setBoxes(3, new float[4], new int[1], 1))
        .isInstanceOf(IndexOutOfBoundsException.class);
    slot.setHeader(0, 0, 0);
    ring.publish(slot);
  }

  @Test
  void layoutWithoutBoxes_hasEmptyBoxSegmentsAndZeroCounts() {
    BatchLayout plain = new BatchLayout(2, 2, 2, 3);
    BatchRing ring = ring(plain, 1);
    BatchSlot slot = ring.tryClaim();
    slot.setSample(0, 0, 1);
    slot.setSample(1, 1, 2);
    slot.setHeader(0, 0, 2);

    assertThat(slot.boxCount(1)).isZero();
    assertThat(slot.boxes().byteSize()).isZero();
    assertThat(slot.boxLabels().byteSize()).isZero();
    assertThatThrownBy(() -> slot.setBoxes(0, new float[4], new int[1], 1)).isInstanceOf(IllegalArgumentException.class);
    slot.setBoxes(0, new float[0], new int[0], 0);
    ring.publish(slot);
  }

  @Test
  void float32Layout_sampleMemoryHoldsFourBytesPerChannel() {
    BatchLayout floats = new BatchLayout(2, 3, 5, 3, ElementType.FLOAT32, 1);
    BatchRing ring = ring(floats, 1);
    BatchSlot slot = ring.tryClaim();
    for (int p = 0; p < 2; p++) {
      assertThat(slot.sampleMemory(p).byteSize()).isEqualTo(3 * 5 * 3 * Float.BYTES);
      for (long i = 0; i < 3 * 5 * 3; i++) {
        slot.sampleMemory(p).setAtIndex(ValueLayout.JAVA_FLOAT, i, p + i / 100f);
      }
      slot.setSample(p, p, 0);
    }
    slot.setBoxes(1, new float[] {1, 2, 3, 4}, new int[] {0}, 1);
    slot.setHeader(0, 0, 2);
    ring.publish(slot);

    Seen seen = drain(ring).getFirst();

    assertThat(seen.pixels()).hasSize((int) floats.batchBytes());
    assertThat(seen.boxes()).containsExactly(0, 0, 0, 0, 1, 2, 3, 4);
  }
}
