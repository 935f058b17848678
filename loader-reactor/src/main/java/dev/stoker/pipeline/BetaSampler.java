package dev.stoker.pipeline;

import java.util.SplittableRandom;

/**
 * Beta and gamma variates drawn from a {@link SplittableRandom} alone, so that a batch's lambda
 * depends only on its generator's key: {@code Beta(a, b) = X / (X + Y)} with {@code X ~ Gamma(a)},
 * {@code Y ~ Gamma(b)}.
 *
 * <p>Gamma variates follow Marsaglia and Tsang ("A simple method for generating gamma variables",
 * 2000): for shape {@code k >= 1}, with {@code d = k - 1/3} and {@code c = 1 / sqrt(9d)}, draw a
 * standard normal {@code x} and a uniform {@code u}, let {@code v = (1 + cx)^3}, and accept
 * {@code d * v} when {@code v > 0} and {@code u < 1 - 0.0331 x^4} or {@code log u < x^2/2 + d(1 - v
 * + log v)}; for {@code k < 1}, {@code Gamma(k) = Gamma(k + 1) * U^(1/k)}. Normals come from
 * Marsaglia's polar method. The draws per variate vary (rejections), but only with the generator's
 * state, so the sequence is reproducible.
 *
 * <pre>{@code
 * double lambda = BetaSampler.beta(new SplittableRandom(key), 1.0, 1.0);   // uniform on [0, 1]
 * }</pre>
 */
final class BetaSampler {
  private BetaSampler() {}

  /**
   * A {@code Beta(a, b)} variate in {@code [0, 1]}. When both gamma variates underflow to 0 (only
   * for shapes far below 1), 0.5.
   */
  static double beta(SplittableRandom random, double a, double b) {
    double x = gamma(random, a);
    double y = gamma(random, b);
    double sum = x + y;
    return sum > 0 ? x / sum : 0.5;
  }

  /** A {@code Gamma(shape, 1)} variate, {@code shape > 0}. */
  static double gamma(SplittableRandom random, double shape) {
    if (shape < 1) {
      double g = gamma(random, shape + 1);
      double u = random.nextDouble();
      return g * Math.pow(u, 1 / shape);
    }
    double d = shape - 1.0 / 3;
    double c = 1 / Math.sqrt(9 * d);
    while (true) {
      double x = normal(random);
      double v = 1 + c * x;
      if (v <= 0) {
        continue;
      }
      v = v * v * v;
      double u = random.nextDouble();
      double x2 = x * x;
      if (u < 1 - 0.0331 * x2 * x2) {
        return d * v;
      }
      if (u > 0 && Math.log(u) < 0.5 * x2 + d * (1 - v + Math.log(v))) {
        return d * v;
      }
    }
  }

  /** A standard normal variate (Marsaglia's polar method; the second value of each pair is dropped). */
  static double normal(SplittableRandom random) {
    while (true) {
      double u = 2 * random.nextDouble() - 1;
      double v = 2 * random.nextDouble() - 1;
      double s = u * u + v * v;
      if (s > 0 && s < 1) {
        return u * Math.sqrt(-2 * Math.log(s) / s);
      }
    }
  }
}
