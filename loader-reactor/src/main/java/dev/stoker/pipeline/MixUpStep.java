package dev.stoker.pipeline;

import dev.stoker.api.BatchStep;
import dev.stoker.api.BatchTransformSpec;
import dev.stoker.api.MixableBatch;
import java.util.SplittableRandom;

/**
 * {@link BatchTransformSpec.MixUp}: draws {@code u = nextDouble()}; if {@code u < p}, draws
 * {@code lambda ~ Beta(alpha, alpha)} ({@link BetaSampler}) and mixes every sample's pixels and soft
 * targets with its partner's in the rolled batch ({@link RolledBatch}).
 */
final class MixUpStep implements BatchStep {
  private final BatchTransformSpec.MixUp spec;

  MixUpStep(BatchTransformSpec.MixUp spec) {
    this.spec = spec;
  }

  @Override
  public String name() {
    return "MixUp";
  }

  @Override
  public void apply(MixableBatch batch, SplittableRandom random) {
    if (random.nextDouble() >= spec.p()) {
      return;
    }
    double lambda = BetaSampler.beta(random, spec.alpha(), spec.alpha());
    RolledBatch.mixPixels(batch, lambda);
    RolledBatch.mixSoftTargets(batch, lambda);
  }
}
