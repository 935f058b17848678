package dev.stoker.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stoker.api.BatchLayout;
import dev.stoker.api.ElementType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.test.publisher.TestPublisher;

/** Boxes of processed samples land at their sample's position, with their labels, truncated at maxBoxes. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RingBridgeBoxesTest {
  private static final int BATCH = 3;
  private static final int MAX_BOXES = 2;
  private static final BatchLayout LAYOUT = new BatchLayout(BATCH, 2, 2, 3, ElementType.UINT8, MAX_BOXES);

  private RecordingRing ring = new RecordingRing(LAYOUT, 1);

  @AfterEach
  void close() {
    ring.close();
  }

  private RingBridge bridge(BatchLayout layout) {
    ring.close();
    ring = new RecordingRing(layout, 1);
    RingBridge bridge = new RingBridge(ring, 1000);
    ring.onRelease(bridge::released);
    return bridge;
  }

  /** Sample {@code index} with {@code boxes} boxes: box k is (10i + k, 1, 10i + k + 5, 9) with label 100i + k. */
  private static ProcessedSample withBoxes(int index, int boxes) {
    MemorySegment pixels = Arena.ofAuto().allocate(LAYOUT.sampleBytes());
    SampleBuffer buffer = new SampleBuffer(pixels, Math.max(boxes, 1), b -> { });
    for (int k = 0; k < boxes; k++) {
      float x = 10 * index + k;
      System.arraycopy(new float[] {x, 1, x + 5, 9}, 0, buffer.boxes, 4 * k, 4);
      buffer.boxLabels[k] = 100 * index + k;
    }
    buffer.boxCount = boxes;
    return buffer.sample(0, index, -1);
  }

  @Test
  void onNext_boxesWithinMaxBoxes_landAtTheirPositionsWithTheirLabelsAndPadding() {
    TestPublisher<EpochItem> publisher = TestPublisher.create();
    RingBridge bridge = bridge(LAYOUT);
    publisher.flux().subscribe(bridge);

    publisher.next(withBoxes(4, 1), withBoxes(7, 0), withBoxes(5, 2));
    RecordingRing.Seen batch = ring.consumeOne();

    assertThat(batch.sampleIndices()).containsExactly(4, 7, 5);
    assertThat(batch.boxCounts()).containsExactly(1, 0, 2);
    assertThat(batch.boxesOf(0, MAX_BOXES)).containsExactly(40, 1, 45, 9);
    assertThat(batch.boxLabelsOf(0, MAX_BOXES)).containsExactly(400);
    assertThat(batch.boxesOf(2, MAX_BOXES)).containsExactly(50, 1, 55, 9, 51, 1, 56, 9);
    assertThat(batch.boxLabelsOf(2, MAX_BOXES)).containsExactly(500, 501);
    // padding: position 0's second entry and both of position 1's
    assertThat(batch.boxLabels()).containsExactly(400, -1, -1, -1, 500, 501);
    assertThat(batch.boxes()).hasSize(BATCH * MAX_BOXES * 4);
    assertThat(java.util.Arrays.copyOfRange(batch.boxes(), 4, 16)).containsOnly(0f);
    assertThat(bridge.boxes()).isEqualTo(3);
    assertThat(bridge.truncatedBoxes()).isZero();
  }

  @Test
  void onNext_moreBoxesThanMaxBoxes_keepsTheFirstAndCountsTheRest() {
    TestPublisher<EpochItem> publisher = TestPublisher.create();
    RingBridge bridge = bridge(LAYOUT);
    publisher.flux().subscribe(bridge);

    publisher.next(withBoxes(1, 5), withBoxes(2, 3), new EpochItem.End(0));
    RecordingRing.Seen batch = ring.consumeOne();

    assertThat(batch.boxCounts()).containsExactly(2, 2);
    assertThat(batch.boxLabelsOf(0, MAX_BOXES)).containsExactly(100, 101);
    assertThat(batch.boxLabelsOf(1, MAX_BOXES)).containsExactly(200, 201);
    assertThat(bridge.boxes()).isEqualTo(4);
    assertThat(bridge.truncatedBoxes()).isEqualTo(3 + 1);
  }

  @Test
  void onNext_layoutWithoutBoxes_writesNoBoxesAndCountsThemTruncated() {
    TestPublisher<EpochItem> publisher = TestPublisher.create();
    RingBridge bridge = bridge(LAYOUT.withMaxBoxes(0));
    publisher.flux().subscribe(bridge);

    publisher.next(withBoxes(1, 2), new EpochItem.End(0));
    RecordingRing.Seen batch = ring.consumeOne();

    assertThat(batch.boxCounts()).containsExactly(0);
    assertThat(batch.boxes()).isEmpty();
    assertThat(bridge.boxes()).isZero();
    assertThat(bridge.truncatedBoxes()).isEqualTo(2);
  }

  @Test
  void onNext_reusedSlotWithFewerBoxes_leavesNoStaleBoxes() {
    TestPublisher<EpochItem> publisher = TestPublisher.create();
    publisher.flux().subscribe(bridge(LAYOUT));
    publisher.next(withBoxes(1, 2), withBoxes(2, 2), withBoxes(3, 2));
    ring.consumeOne();

    publisher.next(withBoxes(4, 0), withBoxes(5, 1), withBoxes(6, 0));
    RecordingRing.Seen reused = ring.consumeOne();

    assertThat(reused.boxCounts()).containsExactly(0, 1, 0);
    assertThat(reused.boxLabels()).containsExactly(-1, -1, 500, -1, -1, -1);
  }
}
