package dev.stoker.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stoker.api.BatchLayout;
import dev.stoker.api.SampleFailure;
import dev.stoker.pipeline.SampleResult.Failed;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;
import reactor.test.publisher.TestPublisher;

/** The bridge's demand is exactly the ring's free positions, and every item lands where it belongs. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RingBridgeTest {
  private static final int BATCH = 4;
  private static final int SLOTS = 2;
  private static final BatchLayout LAYOUT = new BatchLayout(BATCH, 2, 2, 3);
  /** Epochs long enough that no epoch end falls inside the ring's window. */
  private static final int LONG_EPOCH = 1000;

  private final RecordingRing ring = new RecordingRing(LAYOUT, SLOTS);
  private final List<SampleBuffer> recycled = new ArrayList<>();

  @AfterEach
  void close() {
    ring.close();
  }

  private RingBridge bridge(int epochLength) {
    RingBridge bridge = new RingBridge(ring, epochLength);
    ring.onRelease(bridge::released);
    return bridge;
  }

  /** Sample {@code index} in a buffer of its own, which goes to {@link #recycled} when the sample is released. */
  private ProcessedSample processed(int epoch, int index) {
    MemorySegment pixels = Arena.ofAuto().allocate(LAYOUT.sampleBytes());
    pixels.fill(FakeSamples.value(index));
    return new SampleBuffer(pixels, 0, recycled::add).sample(epoch, index, FakeSamples.label(index));
  }

  private static Failed failed(int epoch, int index) {
    return new Failed(new SampleFailure(epoch, index, "fake://" + index, new IOException("fake://" + index + ": gone")));
  }

  @Test
  void onSubscribe_emptyRing_requestsSlotsTimesBatchSize() {
    TestPublisher<EpochItem> publisher = TestPublisher.create();

    publisher.flux().subscribe(bridge(LONG_EPOCH));

    publisher.assertMinRequested(SLOTS * BATCH).assertMaxRequested(SLOTS * BATCH);
  }

  @Test
  void onNext_ringFull_requestsNothingMore() {
    TestPublisher<EpochItem> publisher = TestPublisher.create();
    publisher.flux().subscribe(bridge(LONG_EPOCH));

    for (int i = 0; i < SLOTS * BATCH; i++) {
      publisher.next(processed(0, i));
      assertThat(ring.failedClaims()).isZero();
    }

    publisher.assertMaxRequested(0);
    assertThat(ring.published()).isEqualTo(SLOTS);
    assertThat(ring.occupancy()).isEqualTo(SLOTS);
    assertThat(ring.failedClaims()).isZero();
  }

  @Test
  void released_oneSlot_requestsExactlyOneBatchMore() {
    TestPublisher<EpochItem> publisher = TestPublisher.create();
    publisher.flux().subscribe(bridge(LONG_EPOCH));
    for (int i = 0; i < SLOTS * BATCH; i++) {
      publisher.next(processed(0, i));
    }
    publisher.assertMaxRequested(0);

    RecordingRing.Seen first = ring.consumeOne();

    assertThat(first.sampleIndices()).containsExactly(0, 1, 2, 3);
    publisher.assertMinRequested(BATCH).assertMaxRequested(BATCH);
    ring.consumeOne();
    publisher.assertMinRequested(2 * BATCH).assertMaxRequested(2 * BATCH);
  }

  @Test
  void onNext_processed_copiesPixelsLabelsAndIndicesIntoPositionsAndRecyclesTheBuffer() {
    TestPublisher<EpochItem> publisher = TestPublisher.create();
    publisher.flux().subscribe(bridge(LONG_EPOCH));
    List<ProcessedSample> items = new ArrayList<>();
    for (int i : new int[] {7, 3, 11, 5}) {
      ProcessedSample p = processed(2, i);
      items.add(p);
      publisher.next(p);
    }

    RecordingRing.Seen batch = ring.consumeOne();

    assertThat(batch.epoch()).isEqualTo(2);
    assertThat(batch.indexInEpoch()).isZero();
    assertThat(batch.sampleIndices()).containsExactly(7, 3, 11, 5);
    assertThat(batch.labels()).containsExactly(1, 0, 2, 2);
    for (int p = 0; p < 4; p++) {
      assertThat(batch.sample(p, LAYOUT.sampleBytes())).containsOnly(FakeSamples.value(batch.sampleIndices()[p]));
    }
    assertThat(recycled.stream().map(SampleBuffer::pixels).toList())
        .containsExactlyElementsOf(items.stream().map(ProcessedSample::pixels).toList());
  }

  @Test
  void onNext_failed_takesNoPositionIsCountedAndRequestsAReplacement() {
    TestPublisher<EpochItem> publisher = TestPublisher.create();
    RingBridge bridge = bridge(LONG_EPOCH);
    publisher.flux().subscribe(bridge);

    publisher.next(processed(0, 0), failed(0, 1), processed(0, 2));

    publisher.assertMinRequested(SLOTS * BATCH - 2).assertMaxRequested(SLOTS * BATCH - 2);
    assertThat(bridge.failed()).isEqualTo(1);
    assertThat(bridge.failures()).extracting(SampleFailure::index).containsExactly(1);
    assertThat(ring.published()).isZero();
  }

  @Test
  void publish_afterAFailure_headerSaysWhereTheSequenceStandsAfterEachBatch() {
    TestPublisher<EpochItem> publisher = TestPublisher.create();
    publisher.flux().subscribe(bridge(LONG_EPOCH));
    publisher.next(processed(0, 0), failed(0, 1), processed(0, 2), processed(0, 3), processed(0, 4), processed(0, 5));
    publisher.complete();
    List<String> headers = new ArrayList<>();

    ring.drain(batch -> headers.add(batch.indexInEpoch() + "/" + batch.size() + "/" + batch.nextPosition()));

    // batch 0 holds 4 samples but the failed one before them counts too: resume continues at 5
    assertThat(headers).containsExactly("0/4/5", "1/1/6");
  }

  @Test
  void onNext_epochEnd_publishesThePartialBatchAndTheNextEpochStartsAtBatchZero() {
    TestPublisher<EpochItem> publisher = TestPublisher.create();
    publisher.flux().subscribe(bridge(LONG_EPOCH));

    publisher.next(processed(0, 0), processed(0, 1), processed(0, 2), processed(0, 3), processed(0, 4), new EpochItem.End(0));
    RecordingRing.Seen full = ring.consumeOne();
    RecordingRing.Seen partial = ring.consumeOne();
    publisher.next(processed(1, 9), new EpochItem.End(1));
    RecordingRing.Seen next = ring.consumeOne();

    assertThat(full.size()).isEqualTo(4);
    assertThat(partial.size()).isEqualTo(1);
    assertThat(partial.indexInEpoch()).isEqualTo(1);
    assertThat(partial.sampleIndices()).containsExactly(4);
    assertThat(next.epoch()).isEqualTo(1);
    assertThat(next.indexInEpoch()).isZero();
    assertThat(next.sampleIndices()).containsExactly(9);
  }

  @Test
  void onComplete_publishesTheOpenBatchAndCompletesTheRing() {
    TestPublisher<EpochItem> publisher = TestPublisher.create();
    publisher.flux().subscribe(bridge(LONG_EPOCH));

    publisher.next(processed(0, 0), processed(0, 1)).complete();

    assertThat(ring.published()).isEqualTo(1);
    assertThat(ring.completed()).isTrue();
    assertThat(ring.consumeOne().sampleIndices()).containsExactly(0, 1);
  }

  @Test
  void onError_publishesTheOpenBatchAndFailsTheRingWithTheError() {
    TestPublisher<EpochItem> publisher = TestPublisher.create();
    publisher.flux().subscribe(bridge(LONG_EPOCH));
    IllegalStateException error = new IllegalStateException("boom");

    publisher.next(processed(0, 0)).error(error);

    assertThat(ring.failure()).isSameAs(error);
    assertThat(ring.published()).isEqualTo(1);
  }

  /**
   * A partial batch at an epoch's end wastes the rest of its slot. The bridge must not have asked
   * for samples of the next epoch that then find no free slot: a slow consumer, several epochs and
   * a dataset that is not a multiple of the batch size is the common case in training.
   */
  @Test
  void demand_epochEndsInsideTheWindowWithSlowConsumer_neverOverrunsTheRing() {
    int epochs = 3;
    int epochLength = 5;
    List<EpochItem> items = new ArrayList<>();
    for (int e = 0; e < epochs; e++) {
      for (int i = 0; i < epochLength; i++) {
        items.add(processed(e, e * 100 + i));
      }
      items.add(new EpochItem.End(e));
    }
    AtomicReference<FluxSink<EpochItem>> sink = new AtomicReference<>();
    RingBridge bridge = bridge(epochLength);
    Flux.<EpochItem>create(sink::set, FluxSink.OverflowStrategy.ERROR).subscribe(bridge);
    List<RecordingRing.Seen> seen = new ArrayList<>();

    // the consumer is the bottleneck: it takes a batch only when the bridge asks for nothing
    int next = 0;
    while (next < items.size()) {
      if (sink.get().requestedFromDownstream() > 0) {
        sink.get().next(items.get(next++));
      } else {
        RecordingRing.Seen batch = ring.consumeOne();
        assertThat(batch).as("bridge asks for nothing and the ring is empty: stalled at item %d", next).isNotNull();
        seen.add(batch);
      }
      assertThat(ring.failure()).as("ring failed at item %d", next).isNull();
    }
    sink.get().complete();
    for (RecordingRing.Seen batch; (batch = ring.consumeOne()) != null; ) {
      seen.add(batch);
    }

    assertThat(ring.failedClaims()).isZero();
    assertThat(ring.failure()).isNull();
    assertThat(seen).extracting(RecordingRing.Seen::size).containsExactly(4, 1, 4, 1, 4, 1);
    assertThat(seen).extracting(RecordingRing.Seen::epoch).containsExactly(0, 0, 1, 1, 2, 2);
    assertThat(seen).extracting(RecordingRing.Seen::indexInEpoch).containsExactly(0L, 1L, 0L, 1L, 0L, 1L);
    assertThat(RecordingRing.indicesOf(seen)).containsExactly(0, 1, 2, 3, 4, 100, 101, 102, 103, 104, 200, 201, 202, 203, 204);
  }

  @Test
  void demand_epochShorterThanABatch_stillFillsTheRingWithoutOverrun() {
    // every epoch is a single partial batch: each one takes a slot of its own
    int epochLength = 3;
    AtomicReference<FluxSink<EpochItem>> sink = new AtomicReference<>();
    Flux.<EpochItem>create(sink::set, FluxSink.OverflowStrategy.ERROR).subscribe(bridge(epochLength));
    List<EpochItem> items = new ArrayList<>();
    for (int e = 0; e < 4; e++) {
      for (int i = 0; i < epochLength; i++) {
        items.add(processed(e, i));
      }
      items.add(new EpochItem.End(e));
    }
    List<RecordingRing.Seen> seen = new ArrayList<>();

    int next = 0;
    while (next < items.size()) {
      if (sink.get().requestedFromDownstream() > 0) {
        sink.get().next(items.get(next++));
      } else {
        RecordingRing.Seen batch = ring.consumeOne();
        assertThat(batch).as("stalled at item %d", next).isNotNull();
        seen.add(batch);
      }
    }
    sink.get().complete();
    for (RecordingRing.Seen batch; (batch = ring.consumeOne()) != null; ) {
      seen.add(batch);
    }

    assertThat(ring.failedClaims()).isZero();
    assertThat(ring.failure()).isNull();
    assertThat(ring.maxOccupancy()).isEqualTo(SLOTS);
    assertThat(seen).extracting(RecordingRing.Seen::size).containsExactly(3, 3, 3, 3);
    assertThat(seen).extracting(RecordingRing.Seen::epoch).containsExactly(0, 1, 2, 3);
  }
}
