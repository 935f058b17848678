package dev.stoker.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The Marsaglia-Tsang gamma and the Beta built on it: moments, range and reproducibility. */
class BetaSamplerTest {
  private static final int N = 40_000;

  private static double[] moments(double alpha, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    double sum = 0;
    double squares = 0;
    for (int i = 0; i < N; i++) {
      double x = BetaSampler.beta(random, alpha, alpha);
      assertThat(x).isBetween(0.0, 1.0);
      sum += x;
      squares += x * x;
    }
    double mean = sum / N;
    return new double[] {mean, squares / N - mean * mean};
  }

  @Test
  void beta_symmetricAlphas_meanHalfAndVarianceOneOverFourTimesTwoAlphaPlusOne() {
    for (double alpha : new double[] {0.2, 1.0, 4.0}) {
      double[] m = moments(alpha, 11);
      assertThat(m[0]).as("mean, alpha %s", alpha).isCloseTo(0.5, within(0.01));
      assertThat(m[1]).as("variance, alpha %s", alpha).isCloseTo(1 / (4 * (2 * alpha + 1)), within(0.006));
    }
  }

  @Test
  void gamma_shapeBelowAndAboveOne_meanAndVarianceAreTheShape() {
    for (double shape : new double[] {0.5, 2.5}) {
      SplittableRandom random = new SplittableRandom(5);
      double sum = 0;
      double squares = 0;
      for (int i = 0; i < N; i++) {
        double g = BetaSampler.gamma(random, shape);
        sum += g;
        squares += g * g;
      }
      double mean = sum / N;
      assertThat(mean).as("mean, shape %s", shape).isCloseTo(shape, within(0.05 * shape));
      assertThat(squares / N - mean * mean).as("variance, shape %s", shape).isCloseTo(shape, within(0.1 * shape));
    }
  }

  @Test
  void beta_sameGeneratorKey_sameSequence_otherKeyDiffers() {
    SplittableRandom a = new SplittableRandom(99);
    SplittableRandom b = new SplittableRandom(99);
    SplittableRandom c = new SplittableRandom(100);
    double[] x = new double[8];
    boolean differs = false;
    for (int i = 0; i < x.length; i++) {
      x[i] = BetaSampler.beta(a, 0.4, 0.4);
      assertThat(BetaSampler.beta(b, 0.4, 0.4)).isEqualTo(x[i]);
      differs |= BetaSampler.beta(c, 0.4, 0.4) != x[i];
    }
    assertThat(differs).isTrue();
  }
}
