package dev.stoker.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoker.api.LastBatchPolicy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Sharding and last-batch policies: which samples each rank gets, per epoch. */
class ShardPlanTest {
  private static final long SEED = 7;
  /** Sizes around the edges: empty, smaller than one round, exact rounds, one over, primes. */
  private static final int[] SIZES = {0, 1, 2, 5, 6, 7, 10, 12, 13, 97, 100, 101};
  private static final int[] BATCHES = {1, 2, 4, 32};

  private static List<int[]> ranks(int size, int batch, int worldSize, LastBatchPolicy policy, int epoch) {
    List<int[]> all = new ArrayList<>();
    for (int rank = 0; rank < worldSize; rank++) {
      all.add(new ShardPlan(size, batch, rank, worldSize, policy).epochIndices(SEED, epoch, true));
    }
    return all;
  }

  private static int[] counts(List<int[]> ranks, int size) {
    int[] counts = new int[size];
    ranks.forEach(r -> Arrays.stream(r).forEach(i -> counts[i]++));
    return counts;
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3})
  void epochIndices_partial_everyIndexExactlyOnceAcrossRanks(int worldSize) {
    for (int size : SIZES) {
      for (int batch : BATCHES) {
        for (int epoch = 0; epoch < 3; epoch++) {
          List<int[]> ranks = ranks(size, batch, worldSize, LastBatchPolicy.PARTIAL, epoch);
          assertThat(IntStream.of(counts(ranks, size)).allMatch(c -> c == 1))
              .as("size %d batch %d epoch %d: every index once", size, batch, epoch).isTrue();
          int[] lengths = ranks.stream().mapToInt(r -> r.length).toArray();
          assertThat(IntStream.of(lengths).max().orElse(0) - IntStream.of(lengths).min().orElse(0)).isLessThanOrEqualTo(1);
        }
      }
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3})
  void epochIndices_drop_atMostOnceAndEqualFullBatchesOnEveryRank(int worldSize) {
    for (int size : SIZES) {
      for (int batch : BATCHES) {
        List<int[]> ranks = ranks(size, batch, worldSize, LastBatchPolicy.DROP, 1);
        int expected = size / (worldSize * batch) * batch;
        assertThat(ranks).allSatisfy(r -> assertThat(r).hasSize(expected));
        int[] counts = counts(ranks, size);
        assertThat(IntStream.of(counts).allMatch(c -> c <= 1)).as("size %d batch %d: at most once", size, batch).isTrue();
        assertThat(IntStream.of(counts).sum()).isEqualTo(worldSize * expected);
      }
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3})
  void epochIndices_fill_everyIndexAtLeastOnceAndEqualFullBatchesOnEveryRank(int worldSize) {
    for (int size : SIZES) {
      if (size == 0) {
        continue;
      }
      for (int batch : BATCHES) {
        List<int[]> ranks = ranks(size, batch, worldSize, LastBatchPolicy.FILL, 2);
        int round = worldSize * batch;
        int expected = (size + round - 1) / round * batch;
        assertThat(ranks).allSatisfy(r -> assertThat(r).hasSize(expected));
        int[] counts = counts(ranks, size);
        assertThat(IntStream.of(counts).min().orElseThrow()).as("size %d batch %d", size, batch).isGreaterThanOrEqualTo(1);
        assertThat(IntStream.of(counts).sum() - size).as("repeats").isEqualTo(worldSize * expected - size);
      }
    }
  }

  @Test
  void epochIndices_tenSamplesThreeRanksBatchTwo_matchesTheWorkedExampleOfTheJavadoc() {
    int[] p = EpochOrder.permutation(SEED, 0, 10, true);
    assertThat(ranks(10, 2, 3, LastBatchPolicy.DROP, 0))
        .containsExactly(new int[] {p[0], p[3]}, new int[] {p[1], p[4]}, new int[] {p[2], p[5]});
    assertThat(ranks(10, 2, 3, LastBatchPolicy.FILL, 0)).containsExactly(
        new int[] {p[0], p[3], p[6], p[9]}, new int[] {p[1], p[4], p[7], p[0]}, new int[] {p[2], p[5], p[8], p[1]});
    assertThat(ranks(10, 2, 3, LastBatchPolicy.PARTIAL, 0)).containsExactly(
        new int[] {p[0], p[3], p[6], p[9]}, new int[] {p[1], p[4], p[7]}, new int[] {p[2], p[5], p[8]});
  }

  @Test
  void epochIndices_shuffleOff_dealsTheIdentityInTurn() {
    assertThat(new ShardPlan(7, 2, 1, 2, LastBatchPolicy.PARTIAL).epochIndices(SEED, 5, false))
        .containsExactly(1, 3, 5);
  }

  @Test
  void epochIndices_differentEpochs_differentOrders() {
    ShardPlan plan = new ShardPlan(100, 4, 0, 1, LastBatchPolicy.PARTIAL);
    assertThat(plan.epochIndices(SEED, 0, true)).isNotEqualTo(plan.epochIndices(SEED, 1, true));
    assertThat(plan.epochIndices(SEED, 1, true)).isEqualTo(plan.epochIndices(SEED, 1, true));
  }

  @Test
  void constructor_rankOutsideTheWorld_namesRank() {
    assertThatThrownBy(() -> new ShardPlan(10, 2, 3, 3, LastBatchPolicy.PARTIAL))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("rank");
    assertThatThrownBy(() -> new ShardPlan(10, 2, 0, 0, LastBatchPolicy.PARTIAL))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("worldSize");
  }

  @Test
  void accessors_givenSettings_reportThemAndTheLength() {
    ShardPlan plan = new ShardPlan(10, 4, 2, 3, LastBatchPolicy.PARTIAL);
    assertThat(plan.rank()).isEqualTo(2);
    assertThat(plan.worldSize()).isEqualTo(3);
    assertThat(plan.policy()).isEqualTo(LastBatchPolicy.PARTIAL);
    assertThat(plan.length()).isEqualTo(3); // indices 2, 5, 8 of the permutation
    assertThat(plan).hasToString("rank 2 of 3, PARTIAL, 3 samples per epoch");
    assertThat(new ShardPlan(10, 4, 2, 3, LastBatchPolicy.PARTIAL).requireWork()).isNotNull();
  }

  @Test
  void requireWork_exactlyAsManySamplesAsRanksOrOneFullBatchPerRank_accepted() {
    // the boundaries of the two refusals: one sample per rank (PARTIAL), one full batch per rank (DROP)
    ShardPlan partial = new ShardPlan(3, 4, 2, 3, LastBatchPolicy.PARTIAL);
    assertThat(partial.requireWork()).isSameAs(partial);
    assertThat(partial.length()).isEqualTo(1);
    ShardPlan drop = new ShardPlan(12, 4, 2, 3, LastBatchPolicy.DROP);
    assertThat(drop.requireWork()).isSameAs(drop);
    assertThat(drop.length()).isEqualTo(4);
  }

  @Test
  void requireWork_oneSampleShort_refusedNamingTheParameterAndTheNumbers() {
    assertThatThrownBy(() -> new ShardPlan(2, 4, 0, 3, LastBatchPolicy.PARTIAL).requireWork())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("worldSize: 3 ranks share 2 samples, so ranks 2 to 2 would get no sample in any epoch; "
            + "use at most 2 ranks");
    assertThatThrownBy(() -> new ShardPlan(11, 4, 0, 3, LastBatchPolicy.DROP).requireWork())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("batchSize: 4 with lastBatch DROP on worldSize 3 ranks leaves every epoch empty: the 11 samples "
            + "do not make one full batch per rank (12 samples); use a batchSize of at most 3, or lastBatch PARTIAL "
            + "or FILL");
    assertThatThrownBy(() -> new ShardPlan(3, 4, 0, 1, LastBatchPolicy.DROP).requireWork())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("batchSize: 4 with lastBatch DROP leaves every epoch empty: the 3 samples do not make one full "
            + "batch; use a batchSize of at most 3, or lastBatch PARTIAL or FILL");
    assertThatThrownBy(() -> new ShardPlan(0, 4, 0, 1, LastBatchPolicy.FILL).requireWork())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("source: the dataset has no samples");
  }

  // ---- contiguous runs (a source that keeps its order)

  private static String contiguous(int size, int batch, int worldSize, LastBatchPolicy policy, boolean contiguous) {
    int[] identity = IntStream.range(0, size).toArray();
    StringBuilder all = new StringBuilder();
    for (int rank = 0; rank < worldSize; rank++) {
      all.append(Arrays.toString(new ShardPlan(size, batch, rank, worldSize, policy, contiguous).epochIndices(identity)));
    }
    return all.toString();
  }

  @Test
  void epochIndices_contiguousWorkedExample_eachRankOneRunOfTheOrder() {
    // N = 10, W = 3, B = 2, as in ShardPlan's Javadoc
    assertThat(contiguous(10, 2, 3, LastBatchPolicy.DROP, true)).isEqualTo("[0, 1][2, 3][4, 5]");
    assertThat(contiguous(10, 2, 3, LastBatchPolicy.FILL, true)).isEqualTo("[0, 1, 2, 3][4, 5, 6, 7][8, 9, 0, 1]");
    assertThat(contiguous(10, 2, 3, LastBatchPolicy.PARTIAL, true)).isEqualTo("[0, 1, 2, 3][4, 5, 6][7, 8, 9]");
    // negative control: the interleaved deal of the same order
    assertThat(contiguous(10, 2, 3, LastBatchPolicy.PARTIAL, false)).isEqualTo("[0, 3, 6, 9][1, 4, 7][2, 5, 8]");
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3})
  void epochIndices_contiguous_sameLengthsAsInterleavedAndRunsInOrder(int worldSize) {
    for (int size : SIZES) {
      if (size == 0) {
        continue;
      }
      for (int batch : BATCHES) {
        for (LastBatchPolicy policy : LastBatchPolicy.values()) {
          int[] identity = IntStream.range(0, size).toArray();
          int next = 0;
          for (int rank = 0; rank < worldSize; rank++) {
            ShardPlan interleaved = new ShardPlan(size, batch, rank, worldSize, policy);
            int[] mine = new ShardPlan(size, batch, rank, worldSize, policy, true).epochIndices(identity);
            assertThat(mine).hasSize(interleaved.length());
            for (int k = 0; k < mine.length; k++) {
              assertThat(mine[k]).as("size %d batch %d %s rank %d position %d", size, batch, policy, rank, k)
                  .isEqualTo(next++ % size);
            }
          }
          if (policy == LastBatchPolicy.PARTIAL) {
            assertThat(next).isEqualTo(size);
          }
        }
      }
    }
  }
}
