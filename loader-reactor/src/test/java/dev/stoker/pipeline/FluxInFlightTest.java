package dev.stoker.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoker.api.FailurePolicy;
import dev.stoker.api.LoaderException;
import dev.stoker.api.TransformSpec;
import dev.stoker.testkit.Await;
import dev.stoker.testkit.BatchDigests;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

/**
 * {@link Loader#flux}: {@code request(n)} means up to n batches held at once (each valid until it
 * is released), never more than the ring has slots, and the producer never overruns the ring.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FluxInFlightTest {
  private static final long SEED = 42;
  private static final Duration QUIET = Duration.ofMillis(300);

  private final List<ReactorLoader> loaders = new ArrayList<>();
  private final RecordingRing.Factory rings = new RecordingRing.Factory();

  @AfterEach
  void close() {
    loaders.forEach(ReactorLoader::close);
  }

  private ReactorLoader loader(FakeSamples.Source source, int slots, FailurePolicy policy) {
    ReactorLoader loader = (ReactorLoader) Loader.builder()
        .source(source)
        .decoder(new FakeSamples.Decoder())
        .transforms(List.of(new TransformSpec.Resize(FakeSamples.SIZE, FakeSamples.SIZE)))
        .batchSize(4)
        .threads(2)
        .inFlight(4)
        .seed(SEED)
        .shuffle(true)
        .failurePolicy(policy)
        .ring(rings, slots)
        .build();
    loaders.add(loader);
    return loader;
  }

  private ReactorLoader loader(FakeSamples.Source source, int slots) {
    return loader(source, slots, FailurePolicy.skip());
  }

  /** Reads every position's first byte: throws if the batch was released or its slot recycled. */
  private static void checkReadable(HeldBatch batch) {
    for (int p = 0; p < batch.size(); p++) {
      byte b = batch.pixels().get(ValueLayout.JAVA_BYTE, p * batch.layout().sampleBytes());
      assertThat(b).as("%s position %d", batch, p).isEqualTo(FakeSamples.value(batch.sampleIndex(p)));
    }
  }

  @Test
  void flux_request3_holdsExactlyThreeBatchesAtOnceAndTheProducerNeverOverruns() {
    FakeSamples.Source source = new FakeSamples.Source(400);
    ReactorLoader loader = loader(source, 4);
    List<HeldBatch> seen = Collections.synchronizedList(new ArrayList<>());

    StepVerifier.create(loader.flux(1).doOnNext(seen::add), 0)
        .expectSubscription()
        .expectNoEvent(QUIET) // nothing without demand
        .thenRequest(3)
        .expectNextCount(3)
        .expectNoEvent(QUIET) // exactly three, though a fourth slot is filled by now
        .then(() -> {
          assertThat(seen).extracting(HeldBatch::released).containsOnly(false);
          seen.forEach(FluxInFlightTest::checkReadable);
          assertThat(seen).extracting(HeldBatch::indexInEpoch).containsExactly(0L, 1L, 2L);
        })
        .thenCancel()
        .verify(Duration.ofSeconds(30));

    assertThat(seen).extracting(HeldBatch::released).containsOnly(true);
    assertThat(rings.ring.failedClaims()).isZero();
    assertThat(rings.ring.maxOccupancy()).isLessThanOrEqualTo(4);
    assertThat(source.reads.get()).as("the producer stopped at the ring's bound").isLessThan(400);
  }

  @Test
  void flux_request1_negativeControl_holdsOneAndTheNextWaitsForDemandNotRelease() {
    ReactorLoader loader = loader(new FakeSamples.Source(400), 4);
    List<HeldBatch> seen = Collections.synchronizedList(new ArrayList<>());

    StepVerifier.create(loader.flux(1).doOnNext(seen::add), 0)
        .thenRequest(1)
        .expectNextCount(1)
        .expectNoEvent(QUIET)
        .then(() -> seen.get(0).release())
        .expectNoEvent(QUIET) // a release is no request
        .thenRequest(1)
        .expectNextCount(1)
        .then(() -> assertThat(seen.get(1).released()).isFalse())
        .thenCancel()
        .verify(Duration.ofSeconds(30));

    assertThat(seen).hasSize(2);
  }

  @Test
  void flux_requestBeyondTheRing_deliversAsSlotsAreReleased() {
    ReactorLoader loader = loader(new FakeSamples.Source(400), 2);
    List<HeldBatch> seen = Collections.synchronizedList(new ArrayList<>());

    StepVerifier.create(loader.flux(1).doOnNext(seen::add), 0)
        .thenRequest(5)
        .expectNextCount(2) // the ring has 2 slots: both held
        .expectNoEvent(QUIET)
        .then(() -> seen.get(0).release())
        .expectNextCount(1)
        .expectNoEvent(QUIET)
        .then(() -> {
          seen.get(1).release();
          seen.get(2).release();
        })
        .expectNextCount(2) // the rest of the five requested
        .expectNoEvent(QUIET)
        .thenCancel()
        .verify(Duration.ofSeconds(30));

    assertThat(seen).hasSize(5).extracting(Object::toString) // the name outlives the release
        .containsExactly("batch 0 of epoch 0", "batch 1 of epoch 0", "batch 2 of epoch 0", "batch 3 of epoch 0",
            "batch 4 of epoch 0");
    assertThat(rings.ring.failedClaims()).isZero();
    assertThat(rings.ring.maxOccupancy()).isLessThanOrEqualTo(2);
  }

  @Test
  void flux_releasedBatch_throwsNamingItAndTheOthersStayValid() {
    ReactorLoader loader = loader(new FakeSamples.Source(40), 4);
    List<HeldBatch> seen = Collections.synchronizedList(new ArrayList<>());

    StepVerifier.create(loader.flux(1).doOnNext(seen::add), 2)
        .expectNextCount(2)
        .then(() -> {
          seen.get(0).release();
          assertThatThrownBy(() -> seen.get(0).size()).isInstanceOf(IllegalStateException.class)
              .hasMessageContaining("batch 0 of epoch 0 was released");
          checkReadable(seen.get(1));
        })
        .thenCancel()
        .verify(Duration.ofSeconds(30));
  }

  @Test
  void flux_cancelMidEpochWhileHoldingBatches_releasesEveryBatchStopsReadingAndTheLoaderCloses() throws Exception {
    FakeSamples.Source source = new FakeSamples.Source(400);
    ReactorLoader loader = loader(source, 4);
    List<HeldBatch> seen = Collections.synchronizedList(new ArrayList<>());

    StepVerifier.create(loader.flux(1).doOnNext(seen::add), 3)
        .expectNextCount(3)
        .thenCancel()
        .verify(Duration.ofSeconds(30));

    assertThat(seen).hasSize(3).extracting(HeldBatch::released).containsOnly(true);
    assertThat(readsStopped(source)).as("reads stop after the cancel").isTrue();
    assertThat(source.reads.get()).isLessThan(400);
    assertThat(rings.ring.failedClaims()).isZero();
    assertThatThrownBy(() -> loader.run(1, batch -> { })).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("earlier run");
    loader.close();
    assertThat(loader.sampleMemoryFreed()).isTrue();
    assertThat(rings.ring.closed()).isTrue();
  }

  @Test
  void flux_subscribeOnBoundedElasticAndCancelFromAnotherThread_releasesEveryBatchQuietly() throws Exception {
    FakeSamples.Source source = new FakeSamples.Source(400);
    ReactorLoader loader = loader(source, 2);
    List<HeldBatch> seen = Collections.synchronizedList(new ArrayList<>());

    StepVerifier.create(loader.flux(1).subscribeOn(Schedulers.boundedElastic()).doOnNext(seen::add)
            .doOnNext(HeldBatch::release), 3)
        .expectNextCount(3)
        .thenRequest(1000)
        .thenCancel()
        .verify(Duration.ofSeconds(30));

    Await.until(() -> !seen.isEmpty() && seen.stream().allMatch(HeldBatch::released), "every batch released");
    assertThat(readsStopped(source)).as("reads stop after the cancel").isTrue();
    assertThat(source.reads.get()).isLessThan(400);
  }

  @Test
  void flux_failFast_endsInOnErrorNamingTheFailingSample() {
    ReactorLoader loader = loader(new FakeSamples.Source(40, Set.of(21), Set.of()), 2, FailurePolicy.failFast());

    StepVerifier.create(loader.flux(1).doOnNext(HeldBatch::release))
        .thenConsumeWhile(batch -> true)
        .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(LoaderException.class)
            .hasMessageContaining("fake://21"))
        .verify(Duration.ofSeconds(30));
  }

  @Test
  void flux_runToTheEnd_completesOnceEveryBatchIsReleased() {
    ReactorLoader loader = loader(new FakeSamples.Source(16), 4);
    List<HeldBatch> seen = Collections.synchronizedList(new ArrayList<>());

    StepVerifier.create(loader.flux(1).doOnNext(seen::add))
        .expectNextCount(4)
        .expectNoEvent(QUIET) // the last batches are still held: no completion yet
        .then(() -> seen.forEach(HeldBatch::release))
        .verifyComplete();
  }

  @Test
  void flux_sameSeed_deliversTheCallbackRunsBatchesByteForByte() {
    List<String> callback = BatchDigests.run(loader(new FakeSamples.Source(38), 2), 0, 2).digests();

    List<String> streamed = loader(new FakeSamples.Source(38), 2).flux(2)
        .publishOn(Schedulers.parallel(), 2) // asynchronous: batches cross threads while held
        .map(batch -> {
          String digest = BatchDigests.of(batch);
          batch.release();
          return digest;
        })
        .collectList()
        .block(Duration.ofSeconds(30));

    assertThat(streamed).hasSize(20).containsExactlyElementsOf(callback);
  }

  /** Waits until the source's reads stop growing, then says whether they stay put for a while. */
  private static boolean readsStopped(FakeSamples.Source source) throws InterruptedException {
    int before = -1;
    for (int i = 0; i < 50 && before != source.reads.get(); i++) {
      before = source.reads.get();
      Thread.sleep(100);
    }
    Thread.sleep(300);
    return before == source.reads.get();
  }
}
