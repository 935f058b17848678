package dev.stoker.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoker.api.BatchConsumer;
import dev.stoker.api.FailurePolicy;
import dev.stoker.api.LastBatchPolicy;
import dev.stoker.api.LoaderException;
import dev.stoker.api.LoaderState;
import dev.stoker.api.RunSummary;
import dev.stoker.api.TransformSpec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What users rely on across a run: sharding delivers each sample once per epoch over all ranks,
 * failures follow the failure policy, and a loader resumed from a saved state continues byte for
 * byte.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LoaderSemanticsTest {
  private static final long SEED = 5;
  private final List<Loader> loaders = new ArrayList<>();

  @AfterEach
  void close() {
    loaders.forEach(Loader::close);
  }

  private LoaderBuilder builder(FakeSamples.Source source, int batchSize) {
    return Loader.builder()
        .source(source)
        .decoder(new FakeSamples.Decoder())
        // the jitter makes each sample's pixels depend on its (seed, epoch, index) randomness
        .transforms(List.of(new TransformSpec.Resize(FakeSamples.SIZE, FakeSamples.SIZE),
            new TransformSpec.ColorJitter(0.5, 0.5, 0.5, 0.0)))
        .batchSize(batchSize)
        .threads(2)
        .inFlight(6)
        .seed(SEED)
        .ring(new RecordingRing.Factory(), 4);
  }

  private Loader build(LoaderBuilder builder) {
    Loader loader = builder.build();
    loaders.add(loader);
    return loader;
  }

  /** One batch as the consumer saw it: epoch, number, indices, labels and a checksum of the pixels. */
  private record BatchRecord(int epoch, long number, List<Integer> indices, List<Integer> labels, long crc) {
    static BatchRecord of(dev.stoker.api.Batch batch) {
      RecordingRing.Seen seen = RecordingRing.Seen.of(batch);
      CRC32C crc = new CRC32C();
      crc.update(seen.pixels(), 0, (int) (seen.size() * batch.layout().sampleBytes()));
      return new BatchRecord(seen.epoch(), seen.indexInEpoch(), Arrays.stream(seen.sampleIndices()).boxed().toList(),
          Arrays.stream(seen.labels()).boxed().toList(), crc.getValue());
    }
  }

  @Test
  void run_threeRanksPartial_everySampleExactlyOncePerEpochAndEqualBatchCounts() {
    int size = 100;
    int epochs = 2;
    Map<Integer, int[]> counts = new HashMap<>();
    List<Long> batchCounts = new ArrayList<>();
    for (int rank = 0; rank < 3; rank++) {
      Loader loader = build(builder(new FakeSamples.Source(size), 8).shard(rank, 3));
      List<BatchRecord> seen = new ArrayList<>();
      RunSummary summary = loader.run(epochs, batch -> seen.add(BatchRecord.of(batch)));
      batchCounts.add(summary.batches());
      for (BatchRecord batch : seen) {
        batch.indices().forEach(i -> counts.computeIfAbsent(batch.epoch(), e -> new int[size])[i]++);
      }
    }
    assertThat(batchCounts).containsOnly(10L);
    assertThat(counts).containsOnlyKeys(0, 1);
    counts.values().forEach(c -> assertThat(Arrays.stream(c).allMatch(n -> n == 1)).as("each sample once").isTrue());
  }

  @Test
  void run_twoRanksDrop_equalFullBatchesAndNoSampleTwice() {
    int[] seenCount = new int[50];
    for (int rank = 0; rank < 2; rank++) {
      Loader loader = build(builder(new FakeSamples.Source(50), 8).shard(rank, 2).lastBatch(LastBatchPolicy.DROP));
      List<BatchRecord> seen = new ArrayList<>();
      loader.run(1, batch -> seen.add(BatchRecord.of(batch)));
      assertThat(seen).hasSize(3).allSatisfy(b -> assertThat(b.indices()).hasSize(8));
      seen.forEach(b -> b.indices().forEach(i -> seenCount[i]++));
    }
    assertThat(Arrays.stream(seenCount).sum()).isEqualTo(48);
    assertThat(Arrays.stream(seenCount).max().orElseThrow()).isEqualTo(1);
  }

  @Test
  void run_skipWithFailures_deliveredPlusFailedIsExactAndOnlyTheLastBatchIsShort() {
    FakeSamples.Source source = new FakeSamples.Source(50, Set.of(3, 17), Set.of(40));
    Loader loader = build(builder(source, 8));
    List<BatchRecord> seen = new ArrayList<>();
    RunSummary summary = loader.run(2, batch -> seen.add(BatchRecord.of(batch)));
    assertThat(summary.delivered()).isEqualTo(2 * 47);
    assertThat(summary.failed()).isEqualTo(2 * 3);
    assertThat(summary.failures()).extracting(f -> f.source())
        .containsExactlyInAnyOrder("fake://3", "fake://17", "fake://40", "fake://3", "fake://17", "fake://40");
    for (int epoch = 0; epoch < 2; epoch++) {
      int e = epoch;
      List<BatchRecord> ofEpoch = seen.stream().filter(b -> b.epoch() == e).toList();
      assertThat(ofEpoch.stream().map(b -> b.indices().size()).toList()).containsExactly(8, 8, 8, 8, 8, 7);
    }
  }

  @Test
  void run_failFast_endsTheRunWithAnErrorNamingTheSample() {
    Loader loader = build(builder(new FakeSamples.Source(50, Set.of(17), Set.of()), 8)
        .failurePolicy(FailurePolicy.failFast()));
    assertThatThrownBy(() -> loader.run(1, batch -> { }))
        .isInstanceOf(LoaderException.class)
        .hasMessageContaining("fail-fast")
        .hasMessageContaining("fake://17");
  }

  @Test
  void run_budgetOfTwoPerEpoch_twoFailuresPassAndAThirdEndsTheRun() {
    Loader two = build(builder(new FakeSamples.Source(50, Set.of(3, 17), Set.of()), 8)
        .failurePolicy(FailurePolicy.budget(2)));
    assertThat(two.run(3, batch -> { }).failed()).isEqualTo(6);

    Loader three = build(builder(new FakeSamples.Source(50, Set.of(3, 17), Set.of(40)), 8)
        .failurePolicy(FailurePolicy.budget(2)));
    assertThatThrownBy(() -> three.run(1, batch -> { }))
        .isInstanceOf(LoaderException.class)
        .hasMessageContaining("failure budget exceeded")
        .hasMessageContaining("3 samples failed in epoch 0");
  }

  @Test
  void run_fractionBudget_countsAgainstTheEpochSize() {
    // 10% of 50 = 5 failures allowed per epoch
    Loader five = build(builder(new FakeSamples.Source(50, Set.of(1, 2, 3, 4, 5), Set.of()), 8)
        .failurePolicy(FailurePolicy.budgetFraction(0.1)));
    assertThat(five.run(1, batch -> { }).failed()).isEqualTo(5);
    Loader six = build(builder(new FakeSamples.Source(50, Set.of(1, 2, 3, 4, 5, 6), Set.of()), 8)
        .failurePolicy(FailurePolicy.budgetFraction(0.1)));
    assertThatThrownBy(() -> six.run(1, batch -> { })).isInstanceOf(LoaderException.class);
  }

  @Test
  void state_resumedFromAnyBatch_deliversExactlyTheRestOfTheUninterruptedRun() throws Exception {
    FakeSamples.Source source = new FakeSamples.Source(45, Set.of(7), Set.of(20));
    LoaderBuilder settings = builder(source, 8).shard(1, 2).lastBatch(LastBatchPolicy.PARTIAL);
    Loader whole = build(settings);
    List<BatchRecord> expected = new ArrayList<>();
    List<LoaderState> states = new ArrayList<>();
    whole.run(3, batch -> {
      expected.add(BatchRecord.of(batch));
      states.add(whole.state());
    });
    assertThat(whole.state().epoch()).isEqualTo(3);
    assertThat(expected).hasSizeGreaterThan(6);

    for (int k : new int[] {0, 1, 2, 3, expected.size() - 2}) {
      LoaderState saved = roundTrip(states.get(k));
      Loader resumed = build(settings);
      List<BatchRecord> got = new ArrayList<>();
      int epochsLeft = 3 - saved.epoch();
      resumed.run(saved, epochsLeft, batch -> got.add(BatchRecord.of(batch)));
      assertThat(got).as("resumed after batch %d", k).isEqualTo(expected.subList(k + 1, expected.size()));
    }
  }

  @Test
  void state_beforeAndAfterARun_startOfTheNextEpoch() {
    Loader loader = build(builder(new FakeSamples.Source(20), 8));
    assertThat(loader.state().epoch()).isZero();
    assertThat(loader.state().position()).isZero();
    loader.run(2, 2, batch -> { });
    assertThat(loader.state()).isEqualTo(new LoaderState(4, 0, 0, SEED, true, 0, 1, LastBatchPolicy.PARTIAL, 8, 20));
  }

  @Test
  void run_stateSavedWithAnotherSeed_refusedNamingTheSeed() {
    Loader loader = build(builder(new FakeSamples.Source(20), 8));
    LoaderState other = new LoaderState(1, 8, 1, SEED + 1, true, 0, 1, LastBatchPolicy.PARTIAL, 8, 20);
    assertThatThrownBy(() -> loader.run(other, 1, batch -> { }))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("seed=" + (SEED + 1));
  }

  /** Each of the seven fields that fix the sequence, changed alone in a saved state, is refused by name. */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {"seed", "shuffle", "rank", "worldSize", "lastBatch",
      "batchSize", "datasetSize"})
  void run_stateSavedWithAnotherSequenceField_refusedNamingTheField(String field) {
    Loader loader = build(builder(new FakeSamples.Source(20), 8));
    LoaderState same = new LoaderState(1, 8, 1, SEED, true, 0, 1, LastBatchPolicy.PARTIAL, 8, 20);
    LoaderState other = switch (field) {
      case "seed" -> new LoaderState(1, 8, 1, SEED + 1, true, 0, 1, LastBatchPolicy.PARTIAL, 8, 20);
      case "shuffle" -> new LoaderState(1, 8, 1, SEED, false, 0, 1, LastBatchPolicy.PARTIAL, 8, 20);
      case "rank" -> new LoaderState(1, 8, 1, SEED, true, 1, 2, LastBatchPolicy.PARTIAL, 8, 20);
      case "worldSize" -> new LoaderState(1, 8, 1, SEED, true, 0, 2, LastBatchPolicy.PARTIAL, 8, 20);
      case "lastBatch" -> new LoaderState(1, 8, 1, SEED, true, 0, 1, LastBatchPolicy.DROP, 8, 20);
      case "batchSize" -> new LoaderState(1, 8, 1, SEED, true, 0, 1, LastBatchPolicy.PARTIAL, 4, 20);
      case "datasetSize" -> new LoaderState(1, 8, 1, SEED, true, 0, 1, LastBatchPolicy.PARTIAL, 8, 21);
      default -> throw new AssertionError(field);
    };
    String saved = switch (field) {
      case "seed" -> String.valueOf(SEED + 1);
      case "shuffle" -> "false";
      case "rank" -> "1";
      case "worldSize" -> "2";
      case "lastBatch" -> "DROP";
      case "batchSize" -> "4";
      default -> "21";
    };
    assertThat(other).isNotEqualTo(same);
    assertThatThrownBy(() -> loader.run(other, 1, batch -> { }))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("saved with " + field + "=" + saved + " but this loader has " + field + "=");
  }

  @Test
  void run_stateSavedWithTheSameSequence_resumesMidEpoch() {
    // control for the refusals above: the unchanged state is accepted and finishes epoch 1
    Loader loader = build(builder(new FakeSamples.Source(20), 8));
    LoaderState same = new LoaderState(1, 8, 1, SEED, true, 0, 1, LastBatchPolicy.PARTIAL, 8, 20);
    List<Integer> sizes = new ArrayList<>();
    loader.run(same, 1, batch -> sizes.add(batch.size()));
    assertThat(sizes).containsExactly(8, 4);
  }

  @Test
  void run_strictDecoder_checksEachWholeFileOnceAndAFailingFileEveryTime() {
    List<String> calls = java.util.Collections.synchronizedList(new ArrayList<>());
    FakeSamples.Decoder fake = new FakeSamples.Decoder();
    dev.stoker.api.ImageDecoder recording = new dev.stoker.api.ImageDecoder() {
      @Override
      public String name() {
        return "recording";
      }

      @Override
      public dev.stoker.api.ImageHeader readHeader(java.nio.ByteBuffer encoded, String source) {
        return fake.readHeader(encoded, source);
      }

      @Override
      public void decode(java.nio.ByteBuffer encoded, dev.stoker.api.DecodeRequest request,
          dev.stoker.api.ImageBuffer destination, String source) {
        calls.add(source + (request.knownSound() ? " sound" : " check"));
        fake.decode(encoded, request, destination, source);
      }
    };
    FakeSamples.Source source = new FakeSamples.Source(12, Set.of(), Set.of(5));
    Loader loader = build(builder(source, 4).decoder(recording).threads(1));
    loader.run(0, 1, batch -> { });
    assertThat(calls).hasSize(11).allSatisfy(c -> assertThat(c).endsWith(" check"));
    calls.clear();
    loader.run(1, 1, batch -> { });
    assertThat(calls).hasSize(11).allSatisfy(c -> assertThat(c).endsWith(" sound"));
    assertThat(calls).doesNotContain("fake://5 sound", "fake://5 check");
  }

  private static LoaderState roundTrip(LoaderState state) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(state);
    }
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      return (LoaderState) in.readObject();
    }
  }

  @Test
  void close_fromTheConsumerMidEpoch_runThrowsAndNothingIsLeftBehind() throws Exception {
    RecordingRing.Factory rings = new RecordingRing.Factory();
    ReactorLoader loader = (ReactorLoader) build(builder(new FakeSamples.Source(10_000), 8).ring(rings, 4));
    List<BatchRecord> seen = new ArrayList<>();
    BatchConsumer closing = batch -> {
      seen.add(BatchRecord.of(batch));
      if (seen.size() == 3) {
        loader.close();
      }
    };
    assertThatThrownBy(() -> loader.run(1, closing))
        .isInstanceOf(LoaderException.class)
        .hasMessageContaining("closed");
    assertThat(seen).hasSize(3);
    assertThat(rings.ring.closed()).isTrue();
    assertThat(loader.sampleMemoryFreed()).isTrue();
    assertNoDecodeThreads();
  }

  @Test
  void close_fromAnotherThreadWhileTheConsumerStalls_runThrowsAndNothingIsLeftBehind() throws Exception {
    RecordingRing.Factory rings = new RecordingRing.Factory();
    ReactorLoader loader = (ReactorLoader) build(builder(new FakeSamples.Source(10_000), 8).ring(rings, 4));
    java.util.concurrent.CountDownLatch stalled = new java.util.concurrent.CountDownLatch(1);
    Thread closer = Thread.ofPlatform().start(() -> {
      try {
        stalled.await();
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      loader.close();
    });
    assertThatThrownBy(() -> loader.run(1, batch -> {
      stalled.countDown();
      Thread.sleep(300);
    })).isInstanceOf(LoaderException.class).hasMessageContaining("closed");
    closer.join();
    assertThat(rings.ring.closed()).isTrue();
    assertThat(loader.sampleMemoryFreed()).isTrue();
    assertNoDecodeThreads();
  }

  static void assertNoDecodeThreads() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (decodeThreads() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(decodeThreads()).as("stoker-decode threads alive").isZero();
  }

  private static long decodeThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith("stoker-decode") && t.isAlive()).count();
  }
}
