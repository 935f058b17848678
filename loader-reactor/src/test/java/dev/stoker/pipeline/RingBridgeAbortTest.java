package dev.stoker.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stoker.api.BatchLayout;
import dev.stoker.api.FailurePolicy;
import dev.stoker.api.LoaderException;
import dev.stoker.api.SampleFailure;
import dev.stoker.pipeline.SampleResult.Failed;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.test.publisher.TestPublisher;

/**
 * How the bridge ends a run early (failure budget spent, failure listener throwing, the loader
 * closing): the samples already collated reach the consumer, the ring fails, the upstream is
 * cancelled, and a sample still in flight is handed back instead of written.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RingBridgeAbortTest {
  private static final int BATCH = 4;
  private static final int SLOTS = 2;
  private static final BatchLayout LAYOUT = new BatchLayout(BATCH, 2, 2, 3);
  private static final int LONG_EPOCH = 1000;

  private final RecordingRing ring = new RecordingRing(LAYOUT, SLOTS);
  private final List<SampleBuffer> recycled = new ArrayList<>();

  @AfterEach
  void close() {
    ring.close();
  }

  private RingBridge bridge(FailurePolicy policy) {
    RingBridge bridge = new RingBridge(ring, LONG_EPOCH, policy, 0, 0);
    ring.onRelease(bridge::released);
    return bridge;
  }

  private ProcessedSample processed(int epoch, int index) {
    MemorySegment pixels = Arena.ofAuto().allocate(LAYOUT.sampleBytes());
    pixels.fill(FakeSamples.value(index));
    return new SampleBuffer(pixels, 0, recycled::add).sample(epoch, index, FakeSamples.label(index));
  }

  private static Failed failed(int epoch, int index) {
    return new Failed(new SampleFailure(epoch, index, "fake://" + index, new IOException("fake://" + index + ": gone")));
  }

  @Test
  void onNext_failFastFailure_publishesTheOpenBatchFailsTheRingAndCancelsUpstream() {
    TestPublisher<EpochItem> publisher = TestPublisher.create();
    publisher.flux().subscribe(bridge(FailurePolicy.failFast()));

    publisher.next(processed(0, 0), processed(0, 1), failed(0, 2));

    publisher.assertCancelled();
    assertThat(ring.published()).as("the two samples collated before the failure are published").isEqualTo(1);
    assertThat(ring.failure()).isInstanceOf(LoaderException.class).hasMessageStartingWith("fail-fast: ")
        .hasMessageContaining("fake://2");
  }

  @Test
  void onNext_budgetExceeded_messageCountsTheFailuresOfTheEpochAndUpstreamIsCancelled() {
    TestPublisher<EpochItem> publisher = TestPublisher.create();
    publisher.flux().subscribe(bridge(FailurePolicy.budget(1)));

    publisher.next(failed(3, 0), processed(3, 1), failed(3, 2));

    publisher.assertCancelled();
    assertThat(ring.published()).isEqualTo(1);
    assertThat(ring.failure()).isInstanceOf(LoaderException.class)
        .hasMessageStartingWith("failure budget exceeded (budget 1 per epoch): 2 samples failed in epoch 3; the last: ")
        .hasMessageContaining("fake://2");
  }

  @Test
  void onNext_budgetNotExceeded_negativeControl_runGoesOn() {
    TestPublisher<EpochItem> publisher = TestPublisher.create();
    publisher.flux().subscribe(bridge(FailurePolicy.budget(1)));

    publisher.next(processed(0, 0), failed(0, 1), processed(0, 2));

    publisher.assertNotCancelled();
    assertThat(ring.failure()).isNull();
    assertThat(ring.published()).isZero();
  }

  @Test
  void onNext_failureListenerThrows_publishesTheOpenBatchFailsTheRingNamingItAndCancelsUpstream() {
    TestPublisher<EpochItem> publisher = TestPublisher.create();
    RingBridge bridge = bridge(FailurePolicy.skip());
    bridge.failureListener(f -> {
      throw new IllegalStateException("disk full");
    });
    publisher.flux().subscribe(bridge);

    publisher.next(processed(0, 0), failed(0, 1));

    publisher.assertCancelled();
    assertThat(ring.published()).isEqualTo(1);
    assertThat(ring.failure()).isInstanceOf(LoaderException.class)
        .hasMessageContaining("the failure listener failed on fake://1").hasMessageContaining("disk full");
  }

  @Test
  void onNext_sampleInFlightAfterAbort_isReleasedNotWrittenAndNothingMoreIsPublished() {
    TestPublisher<EpochItem> publisher = TestPublisher.create();
    RingBridge bridge = bridge(FailurePolicy.failFast());
    publisher.flux().subscribe(bridge);
    publisher.next(failed(0, 0));
    ProcessedSample late = processed(0, 1);

    // a worker finished this one before the cancel reached it: Reactor may still deliver it
    bridge.onNext(late);

    assertThat(recycled).extracting(SampleBuffer::pixels).containsExactly(late.pixels());
    assertThat(ring.published()).isZero();
    assertThat(ring.failedClaims()).isZero();
  }

  @Test
  void cancelRun_loaderClosing_failsTheRingWithTheReasonAndCancelsUpstream() {
    TestPublisher<EpochItem> publisher = TestPublisher.create();
    RingBridge bridge = bridge(FailurePolicy.skip());
    publisher.flux().subscribe(bridge);
    publisher.next(processed(0, 0));
    IllegalStateException why = new IllegalStateException("loader closed");

    bridge.cancelRun(why);

    publisher.assertCancelled();
    assertThat(ring.failure()).isSameAs(why);
  }

  @Test
  void cancelRun_afterAnAbort_keepsTheFirstFailure() {
    TestPublisher<EpochItem> publisher = TestPublisher.create();
    RingBridge bridge = bridge(FailurePolicy.failFast());
    publisher.flux().subscribe(bridge);
    publisher.next(failed(0, 0));
    Throwable first = ring.failure();

    bridge.cancelRun(new IllegalStateException("loader closed"));

    assertThat(first).isInstanceOf(LoaderException.class);
    assertThat(ring.failure()).isSameAs(first);
  }
}
