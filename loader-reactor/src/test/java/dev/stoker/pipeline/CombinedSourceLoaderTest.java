package dev.stoker.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoker.api.EpochSampledSource;
import dev.stoker.api.LastBatchPolicy;
import dev.stoker.api.LoaderState;
import dev.stoker.api.SampleSource;
import dev.stoker.api.TransformSpec;
import dev.stoker.dataset.Sources;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Sources made with {@link Sources} run through the loader like any other: shards cover the combined
 * source once per epoch, a resumed run delivers the rest of the uninterrupted one, and the bytes do not
 * depend on the number of threads.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CombinedSourceLoaderTest {
  private static final long SEED = 11;
  private final List<Loader> loaders = new ArrayList<>();

  @AfterEach
  void close() {
    loaders.forEach(Loader::close);
  }

  private static SampleSource concat() {
    return Sources.concat(new FakeSamples.Source(30), new FakeSamples.Source(25));
  }

  private static SampleSource train() {
    return Sources.split(concat(), 3, 0.9, 0.1).get(0);
  }

  private static EpochSampledSource mixed() {
    return Sources.mix(new double[] {0.7, 0.3}, 60, false, new FakeSamples.Source(30), new FakeSamples.Source(25));
  }

  private Loader build(SampleSource source, int threads, long seed, int rank, int worldSize) {
    Loader loader = Loader.builder()
        .source(source)
        .decoder(new FakeSamples.Decoder())
        .transforms(List.of(new TransformSpec.Resize(FakeSamples.SIZE, FakeSamples.SIZE),
            new TransformSpec.ColorJitter(0.5, 0.5, 0.5, 0.0)))
        .batchSize(8)
        .threads(threads)
        .inFlight(6)
        .seed(seed)
        .shard(rank, worldSize)
        .lastBatch(LastBatchPolicy.PARTIAL)
        .ring(new RecordingRing.Factory(), 4)
        .build();
    loaders.add(loader);
    return loader;
  }

  private record BatchRecord(int epoch, long number, List<Integer> indices, List<Integer> labels, long crc) {
    static BatchRecord of(dev.stoker.api.Batch batch) {
      RecordingRing.Seen seen = RecordingRing.Seen.of(batch);
      CRC32C crc = new CRC32C();
      crc.update(seen.pixels(), 0, (int) (seen.size() * batch.layout().sampleBytes()));
      return new BatchRecord(seen.epoch(), seen.indexInEpoch(), Arrays.stream(seen.sampleIndices()).boxed().toList(),
          Arrays.stream(seen.labels()).boxed().toList(), crc.getValue());
    }
  }

  private List<BatchRecord> run(Loader loader, int epochs) {
    List<BatchRecord> seen = new ArrayList<>();
    loader.run(epochs, batch -> seen.add(BatchRecord.of(batch)));
    return seen;
  }

  @Test
  void run_concatAndSplitOverTwoRanks_everySampleExactlyOncePerEpochWithItsLabel() {
    for (SampleSource source : List.of(concat(), train())) {
      int[][] counts = new int[2][source.size()];
      for (int rank = 0; rank < 2; rank++) {
        for (BatchRecord batch : run(build(source, 2, SEED, rank, 2), 2)) {
          for (int p = 0; p < batch.indices().size(); p++) {
            int index = batch.indices().get(p);
            counts[batch.epoch()][index]++;
            assertThat(batch.labels().get(p)).isEqualTo(source.label(index));
          }
        }
      }
      for (int[] epoch : counts) {
        assertThat(Arrays.stream(epoch).allMatch(n -> n == 1)).as("%s: each sample once", source.description())
            .isTrue();
      }
    }
  }

  @Test
  void state_concatResumedMidEpoch_deliversExactlyTheRestOfTheUninterruptedRun() {
    for (SampleSource source : List.of(concat(), train(), mixed())) {
      Loader whole = build(source, 2, SEED, 1, 2);
      List<BatchRecord> expected = new ArrayList<>();
      List<LoaderState> states = new ArrayList<>();
      whole.run(2, batch -> {
        expected.add(BatchRecord.of(batch));
        states.add(whole.state());
      });
      assertThat(expected).hasSizeGreaterThan(4);
      for (int k : new int[] {0, 1, expected.size() - 2}) {
        LoaderState saved = states.get(k);
        List<BatchRecord> got = new ArrayList<>();
        build(source, 2, SEED, 1, 2).run(saved, 2 - saved.epoch(), batch -> got.add(BatchRecord.of(batch)));
        assertThat(got).as("%s resumed after batch %d", source.description(), k)
            .isEqualTo(expected.subList(k + 1, expected.size()));
      }
    }
  }

  @Test
  void run_combinedSourceOneOrThreeThreads_sameBatches_anotherSeed_otherBatches() {
    for (SampleSource source : List.of(concat(), train(), mixed())) {
      List<BatchRecord> one = run(build(source, 1, SEED, 0, 1), 2);
      List<BatchRecord> three = run(build(source, 3, SEED, 0, 1), 2);
      assertThat(three).isEqualTo(one);
      // negative control: the comparison sees a difference when there is one
      assertThat(run(build(source, 3, SEED + 1, 0, 1), 2)).isNotEqualTo(one);
    }
  }

  @Test
  void run_mixOverTwoRanks_eachEpochDeliversItsDrawExactlyOnceOverTheRanks() {
    EpochSampledSource source = mixed();
    int[][] counts = new int[2][source.size()];
    for (int rank = 0; rank < 2; rank++) {
      for (BatchRecord batch : run(build(source, 2, SEED, rank, 2), 2)) {
        batch.indices().forEach(i -> counts[batch.epoch()][i]++);
      }
    }
    for (int epoch = 0; epoch < 2; epoch++) {
      int[] drawn = new int[source.size()];
      Arrays.stream(source.epochOrder(SEED, epoch)).forEach(i -> drawn[i]++);
      assertThat(counts[epoch]).as("epoch %d", epoch).isEqualTo(drawn);
      assertThat(Arrays.stream(counts[epoch], 0, 30).sum()).isEqualTo(42);   // 70% of 60 from the first source
    }
    // negative control: the epochs draw differently
    assertThat(counts[0]).isNotEqualTo(counts[1]);
  }

  private static EpochSampledSource mixed(double first, int perEpoch, boolean replacement, int sizeA, int sizeB) {
    return Sources.mix(new double[] {first, 1 - first}, perEpoch, replacement, new FakeSamples.Source(sizeA),
        new FakeSamples.Source(sizeB));
  }

  @Test
  void state_mixResumedMidEpochThroughJson_deliversExactlyTheRemainingSamples() {
    Loader whole = build(mixed(), 2, SEED, 0, 1);
    List<BatchRecord> expected = new ArrayList<>();
    List<String> states = new ArrayList<>();
    whole.run(1, batch -> {
      expected.add(BatchRecord.of(batch));
      states.add(LoaderStateJson.toJson(whole.state()));
    });
    int k = 3;   // mid-epoch: after 4 of 8 batches
    LoaderState saved = LoaderStateJson.fromJson(states.get(k), "state.json");
    assertThat(saved.sampling()).isNotZero().isEqualTo(mixed().samplingFingerprint());
    assertThat(states.get(k)).contains("\"sampling\":\"");

    List<BatchRecord> got = new ArrayList<>();
    build(mixed(), 3, SEED, 0, 1).run(saved, 1, batch -> got.add(BatchRecord.of(batch)));

    assertThat(got).isEqualTo(expected.subList(k + 1, expected.size()));
    List<Integer> rest = got.stream().flatMap(b -> b.indices().stream()).toList();
    List<Integer> drawn = Arrays.stream(mixed().epochOrder(SEED, 0)).boxed().toList();
    assertThat(rest).hasSize(60 - 8 * (k + 1));
    assertThat(drawn).containsAll(rest);
  }

  @Test
  void state_mixChangedWeightsReplacementPerEpochOrSizes_isRefusedNamingSampling() {
    Loader whole = build(mixed(), 2, SEED, 0, 1);
    List<LoaderState> states = new ArrayList<>();
    whole.run(1, batch -> states.add(whole.state()));
    LoaderState saved = LoaderStateJson.fromJson(LoaderStateJson.toJson(states.get(2)), "state.json");
    // Negative control: the same mix, built anew, resumes.
    build(mixed(0.7, 60, false, 30, 25), 1, SEED, 0, 1).run(saved, 1, batch -> { });

    for (EpochSampledSource changed : List.of(mixed(0.5, 60, false, 30, 25), mixed(0.7, 60, true, 30, 25),
        mixed(0.7, 64, false, 30, 25), mixed(0.7, 60, false, 25, 30))) {
      Loader other = build(changed, 1, SEED, 0, 1);
      assertThatThrownBy(() -> other.run(saved, 1, batch -> { })).as(changed.description())
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("sampling=")
          .hasMessageContaining("draws its epochs differently");
    }
    // A plain source of the same size is refused too: its epochs are not drawn.
    Loader plain = build(concat(), 1, SEED, 0, 1);
    assertThatThrownBy(() -> plain.run(saved, 1, batch -> { })).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("sampling=");
  }
}
