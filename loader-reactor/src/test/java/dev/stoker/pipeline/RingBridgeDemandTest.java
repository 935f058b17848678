package dev.stoker.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stoker.api.BatchLayout;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.test.publisher.TestPublisher;

/**
 * The bridge's exact demand where an epoch end falls inside the ring's window (see
 * {@code RingBridge.fits}): the end marker is asked for with the samples, an epoch that ends
 * inside the open slot takes no further slot, and batches never mix epochs.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS) // a loop in fits() that never ends fails here, not in CI's fork timeout
class RingBridgeDemandTest {
  private static final int BATCH = 4;
  private static final int SLOTS = 2;
  private static final BatchLayout LAYOUT = new BatchLayout(BATCH, 2, 2, 3);

  private final RecordingRing ring = new RecordingRing(LAYOUT, SLOTS);

  @AfterEach
  void close() {
    ring.close();
  }

  private RingBridge bridge(int epochLength) {
    RingBridge bridge = new RingBridge(ring, epochLength);
    ring.onRelease(bridge::released);
    return bridge;
  }

  private static ProcessedSample processed(int epoch, int index) {
    MemorySegment pixels = Arena.ofAuto().allocate(LAYOUT.sampleBytes());
    pixels.fill(FakeSamples.value(index));
    return new SampleBuffer(pixels, 0, buffer -> { }).sample(epoch, index, FakeSamples.label(index));
  }

  @Test
  void onSubscribe_epochFillsTheRingExactly_requestsEverySampleAndItsEndMarker() {
    TestPublisher<EpochItem> publisher = TestPublisher.create();

    publisher.flux().subscribe(bridge(SLOTS * BATCH));

    // 8 samples fill both slots; the end marker takes no position, so it is asked for too
    publisher.assertMinRequested(SLOTS * BATCH + 1).assertMaxRequested(SLOTS * BATCH + 1);
  }

  @Test
  void onSubscribe_epochOneShortOfTheRing_requestsItsEndMarkerButNothingOfTheNextEpoch() {
    TestPublisher<EpochItem> publisher = TestPublisher.create();

    publisher.flux().subscribe(bridge(SLOTS * BATCH - 1));

    // the partial last batch wastes its slot's last position: the next epoch must wait for a free slot
    publisher.assertMinRequested(SLOTS * BATCH).assertMaxRequested(SLOTS * BATCH);
  }

  @Test
  void released_epochEndsInsideTheOpenSlot_freedSlotGoesWhollyToTheNextEpoch() {
    int epochLength = 6;
    TestPublisher<EpochItem> publisher = TestPublisher.create();
    publisher.flux().subscribe(bridge(epochLength));
    publisher.assertMinRequested(epochLength + 1).assertMaxRequested(epochLength + 1);
    for (int i = 0; i < 5; i++) {
      publisher.next(processed(0, i));
    }
    // slot 0 published (4 samples), slot 1 open with 1: the epoch's last sample and its end are still asked for
    publisher.assertMinRequested(2).assertMaxRequested(2);

    ring.consumeOne();

    // the epoch ends inside the open slot, so the freed slot takes 4 samples of the next epoch
    publisher.assertMinRequested(2 + BATCH).assertMaxRequested(2 + BATCH);
  }

  @Test
  void onNext_nextEpochsSampleWithoutAnEndMarker_startsANewBatch() {
    TestPublisher<EpochItem> publisher = TestPublisher.create();
    publisher.flux().subscribe(bridge(1000));

    publisher.next(processed(0, 0), processed(0, 1), processed(1, 7));
    publisher.complete();
    RecordingRing.Seen first = ring.consumeOne();
    RecordingRing.Seen second = ring.consumeOne();

    assertThat(first.epoch()).isZero();
    assertThat(first.sampleIndices()).containsExactly(0, 1);
    assertThat(second.epoch()).isEqualTo(1);
    assertThat(second.sampleIndices()).containsExactly(7);
  }

  @Test
  void onSubscribe_epochLengthZero_asksForTheFreePositionsAndOneMoreWithoutHanging() {
    TestPublisher<EpochItem> publisher = TestPublisher.create();

    publisher.flux().subscribe(bridge(0));

    publisher.assertMinRequested(SLOTS * BATCH + 1).assertMaxRequested(SLOTS * BATCH + 1);
  }
}
