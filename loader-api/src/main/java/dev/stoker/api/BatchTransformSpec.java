package dev.stoker.api;

import dev.stoker.api.internal.Checks;

/**
 * A transform of whole batches, as data: run in order after a batch's samples are in the slot and
 * before it is published (see {@link BatchStep}). Using any of them gives the batches soft targets
 * over the source's classes (see {@link Batch}); they need a classification source (no boxes).
 *
 * <p>{@link MixUp} and {@link CutMix} follow torchvision's {@code transforms.v2.MixUp} and
 * {@code CutMix}: with probability {@code p} a batch is mixed, with one {@code lambda ~ Beta(alpha,
 * alpha)} for the whole batch, and each sample {@code i} is paired with the batch rolled by one, that
 * is with sample {@code i - 1} (sample 0 with the last). The soft targets become {@code lambda *
 * target(i) + (1 - lambda) * target(i - 1)}: one-hot rows give rows that sum to 1, multi-hot rows
 * a mixed multi-hot. Draws, in order: one {@code nextDouble()} against {@code p}, then lambda
 * (Marsaglia-Tsang gamma variates), then for CutMix the box centre.
 *
 * <pre>{@code
 * Loader loader = Loader.builder().source(source).ring(BatchRings.direct(), 4)
 *     .batchTransforms(List.of(new BatchTransformSpec.CutMix(1.0, 0.5), new BatchTransformSpec.MixUp(0.2, 0.5)))
 *     .build();
 * }</pre>
 */
public sealed interface BatchTransformSpec {
  /**
   * MixUp: every sample becomes {@code lambda * itself + (1 - lambda) * its partner}, pixel by pixel.
   * uint8 pixels are rounded to the nearest integer (halves up); float32 pixels (after
   * {@code Normalize}) are mixed as floats.
   *
   * @param alpha the Beta distribution's parameter, positive (torchvision's default is 1.0)
   * @param p the probability that a batch is mixed, in {@code [0, 1]}
   */
  record MixUp(double alpha, double p) implements BatchTransformSpec {
    /** Validates the parameters, naming the one that is wrong. */
    public MixUp {
      checkAlpha(alpha);
      checkP(p);
    }

    /**
     * MixUp applied to every batch.
     *
     * @param alpha the Beta distribution's parameter, positive
     */
    public MixUp(double alpha) {
      this(alpha, 1.0);
    }
  }

  /**
   * CutMix: a rectangle of every sample is replaced by the same rectangle of its partner. The
   * rectangle's centre is uniform over the image and its sides are {@code sqrt(1 - lambda)} of the
   * image's, clipped at the border (torchvision's rule); lambda is then adjusted to the exact pixel
   * area kept, {@code 1 - w * h / (W * H)}, and the soft targets are mixed with that value.
   *
   * @param alpha the Beta distribution's parameter, positive (torchvision's default is 1.0)
   * @param p the probability that a batch is mixed, in {@code [0, 1]}
   */
  record CutMix(double alpha, double p) implements BatchTransformSpec {
    /** Validates the parameters, naming the one that is wrong. */
    public CutMix {
      checkAlpha(alpha);
      checkP(p);
    }

    /**
     * CutMix applied to every batch.
     *
     * @param alpha the Beta distribution's parameter, positive
     */
    public CutMix(double alpha) {
      this(alpha, 1.0);
    }
  }

  /**
   * A step written by the user; see {@link BatchStep}.
   *
   * @param step the step, not null
   */
  record Custom(BatchStep step) implements BatchTransformSpec {
    /** Checks the step is given. */
    public Custom {
      Checks.notNull(step, "step");
    }
  }

  private static void checkAlpha(double alpha) {
    Checks.argument(alpha > 0 && Double.isFinite(alpha), "alpha", "must be positive and finite, got " + alpha);
  }

  private static void checkP(double p) {
    Checks.argument(p >= 0 && p <= 1, "p", "must be in [0, 1], got " + p);
  }
}
