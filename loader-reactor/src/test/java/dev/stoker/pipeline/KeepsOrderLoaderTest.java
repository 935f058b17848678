package dev.stoker.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoker.api.EpochSampledSource;
import dev.stoker.api.LastBatchPolicy;
import dev.stoker.api.LoaderState;
import dev.stoker.api.TransformSpec;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A source that {@linkplain EpochSampledSource#keepsOrder keeps its order} (a pack read shard by
 * shard) is delivered in its drawn order, unpermuted, each rank one contiguous run of it, for every
 * last-batch policy, at any thread count, and resumes mid-epoch byte for byte. The negative
 * controls run the same source with {@code keepsOrder} false: permuted and interleaved.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class KeepsOrderLoaderTest {
  private static final long SEED = 5;
  private static final int SIZE = 29;
  private static final int BATCH = 4;
  private final List<Loader> loaders = new ArrayList<>();

  @AfterEach
  void close() {
    loaders.forEach(Loader::close);
  }

  /**
   * {@code size} fake samples whose epoch order is a keyed rotation of blocks of 5, reversed within
   * each block: a pure function of (seed, epoch) that is not the identity and differs per epoch.
   */
  private static final class Sequential extends ForwardingSource implements EpochSampledSource {
    private final boolean keepsOrder;

    Sequential(int size, boolean keepsOrder) {
      super(new FakeSamples.Source(size));
      this.keepsOrder = keepsOrder;
    }

    @Override
    public int samplesPerEpoch() {
      return size();
    }

    @Override
    public int[] epochOrder(long seed, int epoch) {
      int n = size();
      int shift = (int) Math.floorMod(seed * 31 + epoch * 7L, n);
      int[] order = new int[n];
      for (int k = 0; k < n; k++) {
        int block = k / 5 * 5;
        int within = Math.min(5, n - block);
        int reversed = block + within - 1 - (k - block);
        order[k] = (reversed + shift) % n;
      }
      return order;
    }

    @Override
    public boolean keepsOrder() {
      return keepsOrder;
    }
  }

  /** Delegates a {@link dev.stoker.api.SampleSource} (no drawing of its own). */
  private abstract static class ForwardingSource implements dev.stoker.api.SampleSource {
    private final dev.stoker.api.SampleSource inner;

    ForwardingSource(dev.stoker.api.SampleSource inner) {
      this.inner = inner;
    }

    @Override
    public String description() {
      return "sequential " + inner.description();
    }

    @Override
    public int size() {
      return inner.size();
    }

    @Override
    public String sourceName(int index) {
      return inner.sourceName(index);
    }

    @Override
    public int label(int index) {
      return inner.label(index);
    }

    @Override
    public List<String> classes() {
      return inner.classes();
    }

    @Override
    public ByteBuffer read(int index) throws java.io.IOException {
      return inner.read(index);
    }
  }

  private Loader build(EpochSampledSource source, int threads, int rank, int worldSize, LastBatchPolicy policy) {
    Loader loader = Loader.builder()
        .source(source)
        .decoder(new FakeSamples.Decoder())
        .transforms(List.of(new TransformSpec.Resize(FakeSamples.SIZE, FakeSamples.SIZE),
            new TransformSpec.ColorJitter(0.5, 0.5, 0.5, 0.0)))
        .batchSize(BATCH)
        .threads(threads)
        .inFlight(6)
        .seed(SEED)
        .shard(rank, worldSize)
        .lastBatch(policy)
        .ring(new RecordingRing.Factory(), 4)
        .build();
    loaders.add(loader);
    return loader;
  }

  private record BatchRecord(int epoch, long number, List<Integer> indices, long crc) {
    static BatchRecord of(dev.stoker.api.Batch batch) {
      RecordingRing.Seen seen = RecordingRing.Seen.of(batch);
      CRC32C crc = new CRC32C();
      crc.update(seen.pixels(), 0, (int) (seen.size() * batch.layout().sampleBytes()));
      return new BatchRecord(seen.epoch(), seen.indexInEpoch(), Arrays.stream(seen.sampleIndices()).boxed().toList(),
          crc.getValue());
    }
  }

  private List<BatchRecord> run(Loader loader, int epochs) {
    List<BatchRecord> seen = new ArrayList<>();
    loader.run(epochs, batch -> seen.add(BatchRecord.of(batch)));
    return seen;
  }

  /** The indices delivered in epoch {@code epoch}, in delivery order. */
  private static List<Integer> delivered(List<BatchRecord> batches, int epoch) {
    return batches.stream().filter(b -> b.epoch() == epoch).flatMap(b -> b.indices().stream()).toList();
  }

  private static List<Integer> boxed(int[] order) {
    return Arrays.stream(order).boxed().toList();
  }

  @Test
  void run_keepsOrderOneRank_deliversTheDrawnOrderAtOneAndTwoThreads() {
    Sequential source = new Sequential(SIZE, true);
    for (int threads : new int[] {1, 2}) {
      List<BatchRecord> batches = run(build(source, threads, 0, 1, LastBatchPolicy.PARTIAL), 2);
      for (int epoch = 0; epoch < 2; epoch++) {
        assertThat(delivered(batches, epoch)).as("%d threads, epoch %d", threads, epoch)
            .isEqualTo(boxed(source.epochOrder(SEED, epoch)));
      }
    }
    // the same bytes at either thread count
    assertThat(run(build(source, 2, 0, 1, LastBatchPolicy.PARTIAL), 2))
        .isEqualTo(run(build(source, 1, 0, 1, LastBatchPolicy.PARTIAL), 2));
  }

  @Test
  void run_notKeepsOrderOneRank_permutesTheDrawnOrder() {
    Sequential source = new Sequential(SIZE, false);
    List<BatchRecord> batches = run(build(source, 2, 0, 1, LastBatchPolicy.PARTIAL), 1);
    List<Integer> got = delivered(batches, 0);
    List<Integer> drawn = boxed(source.epochOrder(SEED, 0));
    assertThat(got).isNotEqualTo(drawn).containsExactlyInAnyOrderElementsOf(drawn);
  }

  /** The positions of the epoch order rank {@code rank} should get: a run after the runs of the ranks before it. */
  private static List<Integer> expectedRun(int[] order, int rank, int worldSize, LastBatchPolicy policy) {
    int start = 0;
    for (int r = 0; r < rank; r++) {
      start += new ShardPlan(order.length, BATCH, r, worldSize, policy).length();
    }
    int length = new ShardPlan(order.length, BATCH, rank, worldSize, policy).length();
    int first = start;
    return IntStream.range(0, length).mapToObj(k -> order[(first + k) % order.length]).toList();
  }

  @Test
  void run_keepsOrderTwoAndThreeRanks_eachRankAContiguousRunTogetherTheEpoch() {
    Sequential source = new Sequential(SIZE, true);
    for (LastBatchPolicy policy : LastBatchPolicy.values()) {
      for (int worldSize : new int[] {2, 3}) {
        for (int epoch = 0; epoch < 2; epoch++) {
          int[] order = source.epochOrder(SEED, epoch);
          List<Integer> together = new ArrayList<>();
          int batchCount = -1;
          for (int rank = 0; rank < worldSize; rank++) {
            Loader loader = build(source, 2, rank, worldSize, policy);
            List<BatchRecord> batches = run(loader, 2);
            List<Integer> mine = delivered(batches, epoch);
            assertThat(mine).as("%s, rank %d of %d, epoch %d", policy, rank, worldSize, epoch)
                .isEqualTo(expectedRun(order, rank, worldSize, policy));
            // the rank's length (so its batch count) is the interleaved plan's
            assertThat((long) mine.size()).isEqualTo(loader.samplesPerEpoch())
                .isEqualTo(new ShardPlan(SIZE, BATCH, rank, worldSize, policy).length());
            long batchesInEpoch = batches.stream().filter(b -> b.epoch() == 0).count();
            if (policy != LastBatchPolicy.PARTIAL) {
              assertThat(batchCount < 0 || batchesInEpoch == batchCount).as("equal batch counts").isTrue();
              batchCount = (int) batchesInEpoch;
            }
            together.addAll(mine);
          }
          List<Integer> epochOrder = boxed(order);
          switch (policy) {
            case PARTIAL -> assertThat(together).isEqualTo(epochOrder);
            case DROP -> assertThat(together).isEqualTo(epochOrder.subList(0, together.size()));
            case FILL -> {
              assertThat(together.subList(0, SIZE)).isEqualTo(epochOrder);
              assertThat(together.subList(SIZE, together.size()))
                  .isEqualTo(epochOrder.subList(0, together.size() - SIZE));
            }
          }
        }
      }
    }
  }

  @Test
  void run_notKeepsOrderTwoRanks_interleavedNotContiguous() {
    Sequential source = new Sequential(SIZE, false);
    int[] order = source.epochOrder(SEED, 0);
    List<Integer> rankZero = delivered(run(build(source, 2, 0, 2, LastBatchPolicy.PARTIAL), 1), 0);
    assertThat(rankZero).isNotEqualTo(expectedRun(order, 0, 2, LastBatchPolicy.PARTIAL));
  }

  @Test
  void state_keepsOrderResumedMidEpoch_deliversExactlyTheRestOfTheUninterruptedRun() {
    Sequential source = new Sequential(SIZE, true);
    for (LastBatchPolicy policy : LastBatchPolicy.values()) {
      Loader whole = build(source, 2, 1, 2, policy);
      List<BatchRecord> expected = new ArrayList<>();
      List<String> states = new ArrayList<>();
      whole.run(2, batch -> {
        expected.add(BatchRecord.of(batch));
        states.add(LoaderStateJson.toJson(whole.state()));
      });
      assertThat(expected).hasSizeGreaterThan(4);
      for (int k : new int[] {0, 1, expected.size() - 2}) {
        LoaderState saved = LoaderStateJson.fromJson(states.get(k), "state.json");
        List<BatchRecord> got = new ArrayList<>();
        build(new Sequential(SIZE, true), 1, 1, 2, policy)
            .run(saved, 2 - saved.epoch(), batch -> got.add(BatchRecord.of(batch)));
        assertThat(got).as("%s resumed after batch %d", policy, k).isEqualTo(expected.subList(k + 1, expected.size()));
      }
    }
  }

  @Test
  void state_ofAnInterleavedRun_isRefusedByTheSameSourceKeepingItsOrder_andTheOtherWayRound() {
    Sequential interleaved = new Sequential(SIZE, false);
    Sequential kept = new Sequential(SIZE, true);
    assertThat(interleaved.samplingFingerprint()).isEqualTo(kept.samplingFingerprint());   // the same draws
    for (Sequential[] pair : new Sequential[][] {{interleaved, kept}, {kept, interleaved}}) {
      Loader first = build(pair[0], 1, 0, 1, LastBatchPolicy.PARTIAL);
      List<LoaderState> states = new ArrayList<>();
      first.run(1, batch -> states.add(first.state()));
      LoaderState saved = LoaderStateJson.fromJson(LoaderStateJson.toJson(states.get(2)), "state.json");
      // negative control: the same kind of source resumes
      build(new Sequential(SIZE, pair[0].keepsOrder()), 1, 0, 1, LastBatchPolicy.PARTIAL).run(saved, 1, b -> { });
      Loader other = build(pair[1], 1, 0, 1, LastBatchPolicy.PARTIAL);
      assertThatThrownBy(() -> other.run(saved, 1, batch -> { })).as("keepsOrder %s resumed as %s",
              pair[0].keepsOrder(), pair[1].keepsOrder())
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("sampling=");
    }
  }
}
