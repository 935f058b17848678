package dev.stoker.cuda.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The CPU twins of the trainer kernels, against hand-computed values and a finite-difference gradient. */
class TrainerMathTest {
  private static MemorySegment tensor(Arena arena, float[] values) {
    MemorySegment segment = arena.allocate((long) values.length * Float.BYTES);
    MemorySegment.copy(values, 0, segment, ValueLayout.JAVA_FLOAT_UNALIGNED, 0, values.length);
    return segment;
  }

  @Test
  void pool_unevenCells_averagesEachCellInFeatureOrder() {
    // n=2, c=2, 5x6 pixels, grid 2: rows [0,2) and [2,5), columns [0,3) and [3,6).
    int n = 2;
    int c = 2;
    int h = 5;
    int w = 6;
    float[] values = new float[n * c * h * w];
    for (int b = 0; b < n; b++) {
      for (int ch = 0; ch < c; ch++) {
        for (int y = 0; y < h; y++) {
          for (int x = 0; x < w; x++) {
            values[((b * c + ch) * h + y) * w + x] = 1000 * b + 100 * ch + 10 * y + x;
          }
        }
      }
    }
    float[] feat = new float[n * c * 4];
    try (Arena arena = Arena.ofConfined()) {
      TrainerMath.pool(tensor(arena, values), feat, n, c, h, w, 2);
    }
    // mean y: 0.5 (top), 3 (bottom); mean x: 1 (left), 4 (right)
    float[] cells = {10 * 0.5f + 1, 10 * 0.5f + 4, 10 * 3 + 1, 10 * 3 + 4};
    float[] expected = new float[feat.length];
    for (int b = 0; b < n; b++) {
      for (int ch = 0; ch < c; ch++) {
        for (int cell = 0; cell < 4; cell++) {
          expected[b * 8 + ch * 4 + cell] = 1000 * b + 100 * ch + cells[cell];
        }
      }
    }
    assertThat(feat).containsExactly(expected);
  }

  @Test
  void pool_randomValuesOnUnevenCells_matchesAPlainDoubleSumWithinOneUlp() {
    SplittableRandom random = new SplittableRandom(3);
    int n = 2;
    int c = 3;
    int h = 61;
    int w = 83;
    int grid = 5;
    float[] values = randoms(random, n * c * h * w, 3);
    float[] feat = new float[n * c * grid * grid];
    try (Arena arena = Arena.ofConfined()) {
      TrainerMath.pool(tensor(arena, values), feat, n, c, h, w, grid);
    }
    for (int b = 0; b < n; b++) {
      for (int ch = 0; ch < c; ch++) {
        for (int gy = 0; gy < grid; gy++) {
          for (int gx = 0; gx < grid; gx++) {
            double sum = 0;
            int count = 0;
            for (int y = gy * h / grid; y < (gy + 1) * h / grid; y++) {
              for (int x = gx * w / grid; x < (gx + 1) * w / grid; x++) {
                sum += values[((b * c + ch) * h + y) * w + x];
                count++;
              }
            }
            float expected = (float) (sum / count);
            assertThat(feat[b * c * grid * grid + ch * grid * grid + gy * grid + gx])
                .as("sample %d channel %d cell %d,%d", b, ch, gy, gx).isCloseTo(expected, within(Math.ulp(expected)));
          }
        }
      }
    }
  }

  @Test
  void pool_scratchGrownByAWiderFinerCall_givesTheSameFeaturesAsAFreshOne() {
    SplittableRandom random = new SplittableRandom(4);
    float[] wide = randoms(random, 2 * 40 * 97, 3);
    float[] narrow = randoms(random, 3 * 2 * 9 * 10, 3);
    float[] reused = new float[3 * 2 * 9];
    float[] fresh = new float[reused.length];
    TrainerMath.PoolScratch scratch = new TrainerMath.PoolScratch();
    try (Arena arena = Arena.ofConfined()) {
      TrainerMath.pool(tensor(arena, wide), new float[2 * 36], 1, 2, 40, 97, 6, scratch);

      TrainerMath.pool(tensor(arena, narrow), reused, 3, 2, 9, 10, 3, scratch);
      TrainerMath.pool(tensor(arena, narrow), fresh, 3, 2, 9, 10, 3);
    }

    assertThat(reused).containsExactly(fresh);
  }

  @Test
  void pool_imageSmallerThanGrid_throwsNamingHeight() {
    float[] feat = new float[16];
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment in = tensor(arena, new float[3 * 8]);
      assertThatThrownBy(() -> TrainerMath.pool(in, feat, 1, 1, 3, 8, 4))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("h");
    }
  }

  @Test
  void pool_segmentTooSmall_throwsNamingInput() {
    float[] feat = new float[4];
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment in = tensor(arena, new float[15]);
      assertThatThrownBy(() -> TrainerMath.pool(in, feat, 1, 1, 4, 4, 2))
          .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("in:");
    }
  }

  @Test
  void softmaxGrad_randomModel_matchesFiniteDifferenceOfLoss() {
    int n = 4;
    int f = 5;
    int k = 3;
    SplittableRandom random = new SplittableRandom(11);
    float[] feat = randoms(random, n * f, 1.5);
    float[] weights = randoms(random, k * (f + 1), 0.8);
    int[] labels = {2, 0, 1, 2};
    float[] grad = new float[weights.length];
    float[] stats = new float[2];

    TrainerMath.softmaxGrad(feat, weights, labels, n, f, k, grad, stats);

    assertThat((double) stats[0]).isCloseTo(loss(feat, weights, labels, n, f, k, -1, 0), within(1e-4));
    double eps = 1e-4;
    for (int i = 0; i < weights.length; i++) {
      double numeric = (loss(feat, weights, labels, n, f, k, i, eps) - loss(feat, weights, labels, n, f, k, i, -eps))
          / (2 * eps);
      assertThat((double) grad[i]).as("d loss / d w[%d]", i).isCloseTo(numeric, within(1e-4));
    }
  }

  @Test
  void softmaxGrad_zeroWeights_lossIsLogKAndTiesGoToClassZero() {
    int n = 3;
    int f = 2;
    int k = 4;
    float[] feat = {1, 2, -1, 0.5f, 3, -2};
    float[] grad = new float[k * (f + 1)];
    float[] stats = new float[2];

    TrainerMath.softmaxGrad(feat, new float[grad.length], new int[] {0, 3, 0}, n, f, k, grad, stats);

    assertThat(stats[0]).isCloseTo((float) (n * Math.log(k)), within(1e-5f));
    assertThat(stats[1]).isEqualTo(2f);
    // bias column: sum over samples of p - onehot = 3 * 0.25 - (number of samples with that label)
    assertThat(grad[f]).isCloseTo(0.75f - 2, within(1e-6f));
    assertThat(grad[3 * (f + 1) + f]).isCloseTo(0.75f - 1, within(1e-6f));
  }

  @Test
  void softmaxGrad_calledTwice_addsToGradientAndStats() {
    float[] feat = {0.3f, -0.7f};
    float[] weights = {0.1f, 0.2f, 0.3f, -0.4f, 0.5f, -0.6f};
    float[] once = new float[6];
    float[] twice = new float[6];
    float[] stats = new float[2];
    TrainerMath.softmaxGrad(feat, weights, new int[] {0}, 1, 2, 2, once, new float[2]);
    TrainerMath.softmaxGrad(feat, weights, new int[] {0}, 1, 2, 2, twice, stats);
    TrainerMath.softmaxGrad(feat, weights, new int[] {0}, 1, 2, 2, twice, stats);
    for (int i = 0; i < once.length; i++) {
      assertThat(twice[i]).isEqualTo(2 * once[i]);
    }
    assertThat(stats[1]).isEqualTo(2f);
  }

  @Test
  void softmaxGrad_labelOutOfRange_throwsNamingSampleAndLeavesGradientAlone() {
    float[] grad = new float[2 * 2];
    float[] stats = new float[2];
    assertThatThrownBy(() -> TrainerMath.softmaxGrad(new float[] {1, 2}, new float[4], new int[] {0, 2}, 2, 1, 2,
        grad, stats)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sample 1 has label 2");
    assertThat(grad).containsOnly(0f);
    assertThat(stats).containsOnly(0f);
  }

  @Test
  void sgd_step_movesAgainstGradientAndClearsIt() {
    float[] weights = {1f, 2f, -3f};
    float[] grad = {0.5f, -1f, 0f};

    TrainerMath.sgd(weights, grad, 0.1f);

    assertThat(weights[0]).isCloseTo(0.95f, within(1e-7f));
    assertThat(weights[1]).isCloseTo(2.1f, within(1e-7f));
    assertThat(weights[2]).isEqualTo(-3f);
    assertThat(grad).containsOnly(0f);
  }

  @Test
  void sgd_lengthMismatch_throwsNamingGradient() {
    assertThatThrownBy(() -> TrainerMath.sgd(new float[2], new float[3], 1f))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("grad:");
  }

  private static float[] randoms(SplittableRandom random, int count, double scale) {
    float[] values = new float[count];
    for (int i = 0; i < count; i++) {
      values[i] = (float) (random.nextDouble(-1, 1) * scale);
    }
    return values;
  }

  /** The batch's summed cross-entropy in double, independently of TrainerMath, with w[perturbed] += delta. */
  private static double loss(float[] feat, float[] weights, int[] labels, int n, int f, int k, int perturbed,
      double delta) {
    double total = 0;
    for (int b = 0; b < n; b++) {
      double[] logits = new double[k];
      for (int j = 0; j < k; j++) {
        for (int i = 0; i <= f; i++) {
          int index = j * (f + 1) + i;
          double weight = weights[index] + (index == perturbed ? delta : 0);
          logits[j] += weight * (i == f ? 1 : feat[b * f + i]);
        }
      }
      double sum = 0;
      for (double logit : logits) {
        sum += Math.exp(logit);
      }
      total += Math.log(sum) - logits[labels[b]];
    }
    return total;
  }
}
