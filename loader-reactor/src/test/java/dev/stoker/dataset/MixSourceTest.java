package dev.stoker.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoker.api.EpochSampledSource;
import dev.stoker.api.SampleSource;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class MixSourceTest {
  private record Plain(String tag, int size, List<String> classes) implements SampleSource {
    @Override
    public String description() {
      return "plain " + tag;
    }

    @Override
    public String sourceName(int index) {
      return tag + "/" + index;
    }

    @Override
    public int label(int index) {
      return index % classes.size();
    }

    @Override
    public ByteBuffer read(int index) {
      return ByteBuffer.allocate(1);
    }
  }

  private static final SampleSource A = new Plain("a", 50, List.of("cat", "dog"));
  private static final SampleSource B = new Plain("b", 80, List.of("dog", "bird"));

  private static int[] counts(int[] order, int size) {
    int[] counts = new int[size];
    for (int index : order) {
      counts[index]++;
    }
    return counts;
  }

  @Test
  void mix_seventyThirty_exactShareOfEachSourceEveryEpoch() {
    EpochSampledSource mixed = Sources.mix(new double[] {0.7, 0.3}, 1000, true, A, B);
    assertThat(mixed.size()).isEqualTo(130);
    assertThat(mixed.samplesPerEpoch()).isEqualTo(1000);
    for (int epoch = 0; epoch < 3; epoch++) {
      int[] order = mixed.epochOrder(42, epoch);
      assertThat(order).hasSize(1000);
      assertThat(Arrays.stream(order).filter(i -> i < 50).count()).isEqualTo(700);
      assertThat(Arrays.stream(order).filter(i -> i >= 50 && i < 130).count()).isEqualTo(300);
    }
  }

  @Test
  void mix_classesAndNames_thoseOfTheConcatenation() {
    EpochSampledSource mixed = Sources.mix(new double[] {1, 1}, 10, true, A, B);
    assertThat(mixed.classes()).containsExactly("cat", "dog", "bird");
    assertThat(mixed.sourceName(50)).isEqualTo("b/0");
    assertThat(mixed.label(50)).isEqualTo(1);   // b's "dog"
    assertThat(mixed.description()).contains("5:5", "10 samples per epoch", "with replacement", "plain a");
  }

  @Test
  void mix_withoutReplacement_noRepeatUntilTheSourceIsUsedUp() {
    EpochSampledSource half = Sources.mix(new double[] {1, 1}, 100, false, A, B);
    int[] counts = counts(half.epochOrder(7, 0), 130);
    assertThat(Arrays.stream(counts, 0, 50).allMatch(n -> n == 1)).as("all of A once").isTrue();
    assertThat(Arrays.stream(counts, 50, 130).max().orElseThrow()).isEqualTo(1);
    assertThat(Arrays.stream(counts, 50, 130).sum()).isEqualTo(50);

    EpochSampledSource cycling = Sources.mix(new double[] {1}, 125, false, A);
    int[] cycled = counts(cycling.epochOrder(7, 0), 50);
    assertThat(Arrays.stream(cycled).min().orElseThrow()).isEqualTo(2);
    assertThat(Arrays.stream(cycled).max().orElseThrow()).isEqualTo(3);
  }

  @Test
  void mix_withReplacement_drawsIndependently() {
    // negative control for the test above: with replacement, 50 draws from 50 samples repeat some
    EpochSampledSource mixed = Sources.mix(new double[] {1}, 50, true, A);
    assertThat(Arrays.stream(counts(mixed.epochOrder(7, 0), 50)).max().orElseThrow()).isGreaterThan(1);
  }

  @Test
  void epochOrder_sameSeedAndEpoch_same_anotherEpochOrSeed_other() {
    EpochSampledSource mixed = Sources.mix(new double[] {0.7, 0.3}, 200, false, A, B);
    assertThat(mixed.epochOrder(42, 1)).isEqualTo(mixed.epochOrder(42, 1))
        .isEqualTo(Sources.mix(new double[] {0.7, 0.3}, 200, false, A, B).epochOrder(42, 1));
    assertThat(mixed.epochOrder(42, 2)).isNotEqualTo(mixed.epochOrder(42, 1));
    assertThat(mixed.epochOrder(43, 1)).isNotEqualTo(mixed.epochOrder(42, 1));
  }

  @Test
  void apportion_sharesThatDoNotDivide_addUpExactly() {
    assertThat(MixSource.apportion(new double[] {1, 1, 1}, 10)).containsExactly(4, 3, 3);
    assertThat(MixSource.apportion(new double[] {0.7, 0.3}, 10_000)).containsExactly(7000, 3000);
  }

  @Test
  void mix_badArguments_refusedNamingTheParameter() {
    assertThatThrownBy(() -> Sources.mix(new double[] {1}, 10, true, A, B))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("weights");
    assertThatThrownBy(() -> Sources.mix(new double[] {1, 0}, 10, true, A, B))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("weights[1]");
    assertThatThrownBy(() -> Sources.mix(new double[] {1}, 0, true, A))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("samplesPerEpoch");
    assertThatThrownBy(() -> Sources.mix(new double[] {1}, 5, true, new Plain("e", 0, List.of("x"))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sources[0]");
  }
}
