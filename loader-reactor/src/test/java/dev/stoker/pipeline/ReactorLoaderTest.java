package dev.stoker.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoker.api.BatchLayout;
import dev.stoker.api.DecodeException;
import dev.stoker.api.LoaderException;
import dev.stoker.api.RunSummary;
import dev.stoker.api.SampleFailure;
import dev.stoker.api.TransformSpec;
import dev.stoker.pipeline.SampleResult.Failed;
import dev.stoker.testkit.Await;
import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.test.StepVerifier;

/** The Reactor pipeline end to end on a test ring: order, errors as values, and backpressure. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ReactorLoaderTest {
  private static final long SEED = 42;
  private static final int IN_FLIGHT = 4;

  private final List<ReactorLoader> loaders = new ArrayList<>();
  private final RecordingRing.Factory rings = new RecordingRing.Factory();

  @AfterEach
  void close() {
    loaders.forEach(ReactorLoader::close);
  }

  private ReactorLoader loader(FakeSamples.Source source, int batchSize, int slots, int threads, boolean shuffle) {
    ReactorLoader loader = (ReactorLoader) Loader.builder()
        .source(source)
        .decoder(new FakeSamples.Decoder())
        .transforms(List.of(new TransformSpec.Resize(FakeSamples.SIZE, FakeSamples.SIZE)))
        .batchSize(batchSize)
        .threads(threads)
        .inFlight(IN_FLIGHT)
        .seed(SEED)
        .shuffle(shuffle)
        .ring(rings, slots)
        .build();
    loaders.add(loader);
    return loader;
  }

  private static List<Integer> indicesOf(List<EpochItem> results) {
    return results.stream().map(r -> switch (r) {
      case ProcessedSample p -> p.index();
      case Failed f -> f.failure().index();
      case EpochItem.End e -> -1;
    }).toList();
  }

  /** Expects {@code n} more elements, adding them to {@code into}. */
  private static StepVerifier.Step<EpochItem> next(StepVerifier.Step<EpochItem> step, int n,
      List<EpochItem> into) {
    for (int i = 0; i < n; i++) {
      step = step.consumeNextWith(into::add);
    }
    return step;
  }

  private static List<Integer> list(int[] values) {
    return IntStream.of(values).boxed().toList();
  }

  /** Waits until {@code value} stays the same over three polls 50 ms apart; returns it. */
  private static int awaitSettled(IntSupplier value) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    int last = value.getAsInt();
    int same = 0;
    while (same < 3) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("never settled, last " + last);
      }
      Thread.sleep(50);
      int now = value.getAsInt();
      same = now == last ? same + 1 : 0;
      last = now;
    }
    return last;
  }

  @Test
  void build_resizePlan_layoutHasThePlansSizeAndTheBatchSize() {
    ReactorLoader loader = loader(new FakeSamples.Source(10), 4, 2, 1, true);

    assertThat(loader.layout()).isEqualTo(new BatchLayout(4, FakeSamples.SIZE, FakeSamples.SIZE, 3));
    assertThat(loader.decoderName()).isEqualTo("fake");
    assertThat(rings.ring.slots()).isEqualTo(2);
  }

  @Test
  void epochSamples_requestedInSteps_emitsEveryIndexOnceInPermutationOrder() {
    int size = 20;
    ReactorLoader loader = loader(new FakeSamples.Source(size), 4, 2, 2, true);
    List<EpochItem> got = new ArrayList<>();

    StepVerifier.Step<EpochItem> step = StepVerifier.create(loader.epochSamples(3), 0)
        .expectSubscription()
        .expectNoEvent(Duration.ofMillis(50))
        .thenRequest(5);
    step = next(step, 5, got)
        .expectNoEvent(Duration.ofMillis(100))
        .thenRequest(1);
    step = next(step, 1, got)
        .thenRequest(size);
    next(step, size - 6, got)
        .expectComplete()
        .verify(Duration.ofSeconds(10));

    List<Integer> order = list(EpochOrder.permutation(SEED, 3, size, true));
    assertThat(indicesOf(got)).containsExactlyElementsOf(order);
    assertThat(order).isNotEqualTo(list(EpochOrder.permutation(SEED, 3, size, false)));
    for (EpochItem r : got) {
      ProcessedSample p = (ProcessedSample) r;
      assertThat(p.epoch()).isEqualTo(3);
      assertThat(p.label()).isEqualTo(FakeSamples.label(p.index()));
      assertThat(p.pixels().byteSize()).isEqualTo(FakeSamples.SIZE * FakeSamples.SIZE * 3);
      assertThat(p.pixels().toArray(ValueLayout.JAVA_BYTE)).containsOnly(FakeSamples.value(p.index()));
    }
  }

  @Test
  void epochSamples_failingReadsAndCorruptBytes_becomeFailedValuesInPlaceAndTheFluxCompletes() {
    int size = 12;
    ReactorLoader loader = loader(new FakeSamples.Source(size, Set.of(3, 8), Set.of(5)), 4, 2, 2, false);
    List<EpochItem> got = new ArrayList<>();

    next(StepVerifier.create(loader.epochSamples(0), 0).thenRequest(size), size, got)
        .expectComplete()
        .verify(Duration.ofSeconds(10));

    assertThat(indicesOf(got)).containsExactlyElementsOf(IntStream.range(0, size).boxed().toList());
    for (int i = 0; i < size; i++) {
      if (i == 3 || i == 8 || i == 5) {
        assertThat(got.get(i)).as("index %d", i).isInstanceOf(Failed.class);
        SampleFailure f = ((Failed) got.get(i)).failure();
        assertThat(f.index()).isEqualTo(i);
        assertThat(f.epoch()).isZero();
        assertThat(f.source()).isEqualTo("fake://" + i);
        assertThat(f.describe()).startsWith("fake://" + i);
        assertThat(f.cause()).isInstanceOf(i == 5 ? DecodeException.class : IOException.class);
      } else {
        assertThat(got.get(i)).as("index %d", i).isInstanceOf(ProcessedSample.class);
      }
    }
  }

  @Test
  void run_severalEpochs_deliversEachEpochInPermutationOrderWithLabelsAndPixels() {
    int size = 22;
    ReactorLoader loader = loader(new FakeSamples.Source(size), 4, 4, 3, true);
    List<RecordingRing.Seen> seen = new ArrayList<>();

    RunSummary summary = loader.run(1, 2, batch -> seen.add(RecordingRing.Seen.of(batch)));

    List<Integer> expected = new ArrayList<>(list(EpochOrder.permutation(SEED, 1, size, true)));
    expected.addAll(list(EpochOrder.permutation(SEED, 2, size, true)));
    assertThat(RecordingRing.indicesOf(seen)).containsExactlyElementsOf(expected);
    assertThat(seen).extracting(RecordingRing.Seen::size).containsExactly(4, 4, 4, 4, 4, 2, 4, 4, 4, 4, 4, 2);
    assertThat(seen).extracting(RecordingRing.Seen::epoch).containsExactly(1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2);
    assertThat(seen).extracting(RecordingRing.Seen::indexInEpoch).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 0L, 1L, 2L, 3L, 4L, 5L);
    long sampleBytes = loader.layout().sampleBytes();
    for (RecordingRing.Seen batch : seen) {
      for (int p = 0; p < batch.size(); p++) {
        int index = batch.sampleIndices()[p];
        assertThat(batch.labels()[p]).isEqualTo(FakeSamples.label(index));
        assertThat(batch.sample(p, sampleBytes)).containsOnly(FakeSamples.value(index));
      }
    }
    assertThat(summary.epochs()).isEqualTo(2);
    assertThat(summary.delivered()).isEqualTo(2L * size);
    assertThat(summary.batches()).isEqualTo(12);
    assertThat(summary.failed()).isZero();
    assertThat(rings.ring.failedClaims()).isZero();
  }

  @Test
  void run_withoutShuffle_deliversIdentityOrder() {
    ReactorLoader loader = loader(new FakeSamples.Source(10), 4, 2, 2, false);
    List<RecordingRing.Seen> seen = new ArrayList<>();

    loader.run(1, batch -> seen.add(RecordingRing.Seen.of(batch)));

    assertThat(RecordingRing.indicesOf(seen)).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
  }

  @Test
  void run_sameSeedDifferentThreadCounts_deliversTheSameBatches() {
    List<Integer> one = new ArrayList<>();
    List<Integer> three = new ArrayList<>();

    loader(new FakeSamples.Source(30), 4, 2, 1, true).run(2, b -> one.addAll(RecordingRing.indicesOf(List.of(RecordingRing.Seen.of(b)))));
    loader(new FakeSamples.Source(30), 4, 2, 3, true).run(2, b -> three.addAll(RecordingRing.indicesOf(List.of(RecordingRing.Seen.of(b)))));

    assertThat(one).hasSize(60).isEqualTo(three);
  }

  @Test
  void run_readsOnIoThreadsOrOnWorkers_deliversTheSameBatches() {
    List<Integer> onWorkers = new ArrayList<>();
    List<Integer> onIo = new ArrayList<>();
    loader(new FakeSamples.Source(30), 4, 2, 2, true).run(2, b -> onWorkers.addAll(RecordingRing.indicesOf(List.of(RecordingRing.Seen.of(b)))));
    ReactorLoader io = (ReactorLoader) Loader.builder()
        .source(new FakeSamples.Source(30))
        .decoder(new FakeSamples.Decoder())
        .transforms(List.of(new TransformSpec.Resize(FakeSamples.SIZE, FakeSamples.SIZE)))
        .batchSize(4)
        .threads(2)
        .inFlight(IN_FLIGHT)
        .seed(SEED)
        .readOnIoThreads(true)
        .ring(rings, 2)
        .build();
    loaders.add(io);

    io.run(2, b -> onIo.addAll(RecordingRing.indicesOf(List.of(RecordingRing.Seen.of(b)))));

    assertThat(onIo).hasSize(60).isEqualTo(onWorkers);
  }

  @Test
  void run_failingSamples_areCountedNamedAndSkippedSoDeliveredPlusFailedIsTheEpochSize() {
    int size = 17;
    ReactorLoader loader = loader(new FakeSamples.Source(size, Set.of(2, 11), Set.of(6)), 4, 2, 2, true);
    List<RecordingRing.Seen> seen = new ArrayList<>();

    RunSummary summary = loader.run(1, batch -> seen.add(RecordingRing.Seen.of(batch)));

    assertThat(summary.failed()).isEqualTo(3);
    assertThat(summary.delivered() + summary.failed()).isEqualTo(size);
    assertThat(summary.failures()).extracting(SampleFailure::source)
        .containsExactlyInAnyOrder("fake://2", "fake://6", "fake://11");
    List<Integer> delivered = RecordingRing.indicesOf(seen);
    assertThat(delivered).hasSize(size - 3).doesNotHaveDuplicates().doesNotContain(2, 6, 11);
  }

  @Test
  void run_consumerThrows_runFailsWithTheCauseAndTheLoaderRefusesAnotherRun() {
    ReactorLoader loader = loader(new FakeSamples.Source(40), 4, 2, 2, true);
    IOException error = new IOException("training step exploded");

    assertThatThrownBy(() -> loader.run(1, batch -> {
      throw error;
    })).isInstanceOf(LoaderException.class).hasCause(error);
    assertThatThrownBy(() -> loader.run(1, batch -> { }))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("earlier run");
  }

  @Test
  void run_afterClose_isRefused() {
    ReactorLoader loader = loader(new FakeSamples.Source(4), 4, 2, 1, true);
    loader.close();

    assertThatThrownBy(() -> loader.run(1, batch -> { }))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
  }

  /**
   * The acceptance test: "a deliberately slow (or stalled) consumer shows reads stop while
   * the ring is full and memory stays bounded".
   */
  @Test
  void run_stalledConsumer_readsStopWhileTheRingIsFullAndMemoryStaysBounded() throws Exception {
    int size = 64;
    int batchSize = 4;
    int slots = 2;
    FakeSamples.Source source = new FakeSamples.Source(size);
    ReactorLoader loader = loader(source, batchSize, slots, 2, true);
    CountDownLatch holding = new CountDownLatch(1);
    CountDownLatch resume = new CountDownLatch(1);
    List<Integer> delivered = Collections.synchronizedList(new ArrayList<>());
    CompletableFuture<RunSummary> run = CompletableFuture.supplyAsync(() -> loader.run(1, batch -> {
      for (int p = 0; p < batch.size(); p++) {
        delivered.add(batch.sampleIndex(p));
      }
      if (batch.indexInEpoch() == 0) {
        holding.countDown();
        if (!resume.await(30, TimeUnit.SECONDS)) {
          throw new AssertionError("never resumed");
        }
      }
    }));

    assertThat(holding.await(10, TimeUnit.SECONDS)).isTrue();
    RecordingRing ring = rings.ring;
    Await.until(() -> ring.published() == slots, "the ring to fill");
    int settled = awaitSettled(source.reads::get);

    int positions = slots * batchSize;
    assertThat(settled).as("reads while stalled").isBetween(positions, positions + IN_FLIGHT + 2);
    for (int poll = 0; poll < 3; poll++) {
      Thread.sleep(100);
      assertThat(source.reads.get()).as("reads keep growing while the ring is full").isEqualTo(settled);
    }
    assertThat(loader.pooledBuffers()).as("sample buffers allocated").isLessThanOrEqualTo(IN_FLIGHT + 2);
    assertThat(ring.occupancy()).isEqualTo(slots);
    assertThat(ring.failedClaims()).isZero();

    resume.countDown();
    RunSummary summary = run.get(30, TimeUnit.SECONDS);

    assertThat(summary.delivered() + summary.failed()).isEqualTo(size);
    assertThat(delivered).hasSize(size).doesNotHaveDuplicates();
    assertThat(source.reads.get()).isEqualTo(size);
    assertThat(loader.pooledBuffers()).isLessThanOrEqualTo(IN_FLIGHT + 2);
    assertThat(ring.failedClaims()).isZero();
  }

  /**
   * Several epochs whose size is not a multiple of the batch size, with a consumer that stalls on
   * its first batch until the pipeline has gone as far as it can: the partial batch at each epoch's
   * end must not make the bridge take samples it has no slot for.
   */
  @Test
  void run_partialLastBatchesAndStalledConsumer_completesEveryEpochWithoutRingOverrun() throws Exception {
    int size = 5;
    FakeSamples.Source source = new FakeSamples.Source(size);
    ReactorLoader loader = loader(source, 4, 2, 2, true);
    List<RecordingRing.Seen> seen = new ArrayList<>();

    RunSummary summary = loader.run(3, batch -> {
      seen.add(RecordingRing.Seen.of(batch));
      if (seen.size() == 1) {
        RecordingRing ring = rings.ring;
        Await.until(() -> ring.published() == 2, "the ring to fill");
        awaitSettled(source.reads::get);
      }
    });

    assertThat(seen).extracting(RecordingRing.Seen::size).containsExactly(4, 1, 4, 1, 4, 1);
    assertThat(seen).extracting(RecordingRing.Seen::epoch).containsExactly(0, 0, 1, 1, 2, 2);
    assertThat(summary.delivered()).isEqualTo(15);
    assertThat(rings.ring.failedClaims()).isZero();
  }
}
