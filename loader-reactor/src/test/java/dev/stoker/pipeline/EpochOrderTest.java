package dev.stoker.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The epoch order and per-sample randomness depend on (seed, epoch, index) and nothing else. */
class EpochOrderTest {

  @Test
  void permutation_shuffled_containsEveryIndexExactlyOnce() {
    for (int size : new int[] {1, 2, 7, 1000, 4099}) {
      int[] order = EpochOrder.permutation(5, 3, size, true);

      assertThat(order).hasSize(size);
      int[] sorted = order.clone();
      Arrays.sort(sorted);
      assertThat(sorted).as("size %d", size).isEqualTo(IntStream.range(0, size).toArray());
    }
  }

  @Test
  void permutation_emptyDataset_isEmpty() {
    assertThat(EpochOrder.permutation(1, 0, 0, true)).isEmpty();
  }

  @Test
  void permutation_sameSeedAndEpoch_isTheSameEveryTime() {
    assertThat(EpochOrder.permutation(123, 4, 500, true)).isEqualTo(EpochOrder.permutation(123, 4, 500, true));
  }

  @Test
  void permutation_differentEpochs_differ() {
    Set<String> orders = new HashSet<>();
    for (int epoch = 0; epoch < 10; epoch++) {
      orders.add(Arrays.toString(EpochOrder.permutation(123, epoch, 100, true)));
    }

    assertThat(orders).hasSize(10);
  }

  @Test
  void permutation_differentSeeds_differ() {
    assertThat(EpochOrder.permutation(1, 0, 100, true)).isNotEqualTo(EpochOrder.permutation(2, 0, 100, true));
  }

  @Test
  void permutation_shuffled_isNotTheIdentity() {
    int[] order = EpochOrder.permutation(0, 0, 100, true);

    long fixedPoints = IntStream.range(0, order.length).filter(i -> order[i] == i).count();
    // a random permutation keeps about one element in place; the identity keeps all 100
    assertThat(fixedPoints).isLessThan(10);
  }

  @Test
  void permutation_withoutShuffle_isTheIdentityWhateverSeedAndEpoch() {
    int[] identity = IntStream.range(0, 50).toArray();

    assertThat(EpochOrder.permutation(99, 7, 50, false)).isEqualTo(identity);
    assertThat(EpochOrder.permutation(0, 0, 50, false)).isEqualTo(identity);
  }

  @Test
  void sampleRandom_sameKeys_drawTheSameSequence() {
    SplittableRandom a = EpochOrder.sampleRandom(42, 3, 17);
    SplittableRandom b = EpochOrder.sampleRandom(42, 3, 17);

    assertThat(a.longs(20).toArray()).isEqualTo(b.longs(20).toArray());
  }

  @Test
  void sampleRandom_anyKeyChanged_drawsADifferentSequence() {
    long base = EpochOrder.sampleRandom(42, 3, 17).nextLong();

    assertThat(EpochOrder.sampleRandom(43, 3, 17).nextLong()).isNotEqualTo(base);
    assertThat(EpochOrder.sampleRandom(42, 4, 17).nextLong()).isNotEqualTo(base);
    assertThat(EpochOrder.sampleRandom(42, 3, 18).nextLong()).isNotEqualTo(base);
  }

  @Test
  void sampleRandom_neighbouringIndices_areNotCorrelated() {
    // the first draws of 10,000 consecutive samples: no two alike, and their mean near one half
    Set<Long> first = new HashSet<>();
    double sum = 0;
    for (int i = 0; i < 10_000; i++) {
      SplittableRandom r = EpochOrder.sampleRandom(0, 0, i);
      first.add(r.nextLong());
      sum += EpochOrder.sampleRandom(0, 0, i).nextDouble();
    }

    assertThat(first).hasSize(10_000);
    assertThat(sum / 10_000).isBetween(0.48, 0.52);
  }

  /**
   * The keyed randomness is part of the contract: a saved state resumed by another build, or a
   * digest compared across versions, needs the same orders and the same per-sample generators. Any
   * change to the mixing (a shift, an XOR, a constant) changes these values.
   */
  @Test
  void mixAndPermutation_fixedKeys_valuesPinnedAcrossVersions() {
    assertThat(EpochOrder.mix(5, 1, 7)).isEqualTo(-7939002279532925277L);
    assertThat(EpochOrder.mix(0, 0, 0)).isEqualTo(3746585686858627171L);
    assertThat(EpochOrder.mix(-1, 3, -1)).isEqualTo(-4671921174405273689L);
    assertThat(EpochOrder.permutation(42, 3, 10, true)).containsExactly(0, 7, 1, 4, 8, 5, 3, 9, 2, 6);
    assertThat(EpochOrder.sampleRandom(42, 2, 9).nextLong()).isEqualTo(7737573052792146402L);
  }
}
