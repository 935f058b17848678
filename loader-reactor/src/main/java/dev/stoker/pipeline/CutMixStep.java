package dev.stoker.pipeline;

import dev.stoker.api.BatchStep;
import dev.stoker.api.BatchTransformSpec;
import dev.stoker.api.MixableBatch;
import java.util.SplittableRandom;

/**
 * {@link BatchTransformSpec.CutMix}, after torchvision's {@code v2.CutMix}: draws {@code u =
 * nextDouble()}; if {@code u < p}, draws {@code lambda ~ Beta(alpha, alpha)}, the centre {@code rx =
 * nextInt(W)}, {@code ry = nextInt(H)}, and with {@code r = sqrt(1 - lambda) / 2} the half sides
 * {@code (int) (r * W)} and {@code (int) (r * H)}; the rectangle is clipped to the image, the
 * partner's rectangle is pasted over each sample ({@link RolledBatch}), and the soft targets are
 * mixed with the lambda of the exact area kept, {@code 1 - w * h / (W * H)}.
 */
final class CutMixStep implements BatchStep {
  private final BatchTransformSpec.CutMix spec;

  CutMixStep(BatchTransformSpec.CutMix spec) {
    this.spec = spec;
  }

  @Override
  public String name() {
    return "CutMix";
  }

  @Override
  public void apply(MixableBatch batch, SplittableRandom random) {
    if (random.nextDouble() >= spec.p()) {
      return;
    }
    double lambda = BetaSampler.beta(random, spec.alpha(), spec.alpha());
    int width = batch.layout().width();
    int height = batch.layout().height();
    int[] box = box(random, lambda, width, height);
    RolledBatch.pasteRectangle(batch, box[0], box[1], box[2], box[3]);
    double kept = 1 - (double) (box[2] - box[0]) * (box[3] - box[1]) / ((double) width * height);
    RolledBatch.mixSoftTargets(batch, kept);
  }

  /** The rectangle {@code {x0, y0, x1, y1}} (exclusive ends) for {@code lambda}; draws the centre. */
  static int[] box(SplittableRandom random, double lambda, int width, int height) {
    int rx = random.nextInt(width);
    int ry = random.nextInt(height);
    double r = 0.5 * Math.sqrt(1 - lambda);
    int halfW = (int) (r * width);
    int halfH = (int) (r * height);
    return new int[] {Math.max(rx - halfW, 0), Math.max(ry - halfH, 0), Math.min(rx + halfW, width),
        Math.min(ry + halfH, height)};
  }
}
