package dev.stoker.remote.node;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.stoker.api.SampleSource;
import dev.stoker.api.internal.Checks;
import dev.stoker.pipeline.Loader;
import dev.stoker.pipeline.SampleMaker;
import dev.stoker.pipeline.SupplyPlan;
import dev.stoker.remote.protocol.PlanJson;

/**
 * The node's {@link SampleMaker}s, one per distinct plan, kept in a small Caffeine cache so that
 * clients that reconnect (or several clients of one training run) share a maker instead of
 * compiling the plan again. Keyed by the plan in canonical JSON, so formatting does not matter.
 */
final class PlanMakers {
  /** Distinct plans kept; a node rarely serves more than a train and an eval plan at once. */
  static final int MAX_PLANS = 16;

  private final SampleSource source;
  private final DataNodeConfig.Limits limits;
  private final Cache<String, SampleMaker> makers = Caffeine.newBuilder().maximumSize(MAX_PLANS).build();

  PlanMakers(SampleSource source, DataNodeConfig.Limits limits) {
    this.source = Checks.notNull(source, "source");
    this.limits = Checks.notNull(limits, "limits");
  }

  /**
   * The maker for the plan a client sent.
   *
   * @throws IllegalArgumentException naming the problem if the plan cannot be read or applied, or
   *     a value is over the node's {@link PlanLimits}
   */
  SampleMaker maker(String planJson) {
    SupplyPlan plan = PlanJson.read(planJson);
    PlanLimits.check(plan, limits);
    return makers.get(PlanJson.write(plan), key -> build(plan));
  }

  /** How many makers are cached (for tests). */
  long size() {
    makers.cleanUp();
    return makers.estimatedSize();
  }

  private SampleMaker build(SupplyPlan plan) {
    try {
      return Loader.builder().source(source).transforms(plan.transforms()).seed(plan.seed())
          .maxScratchBytes(limits.maxScratchBytes()).buildMaker();
    } catch (IllegalArgumentException | IllegalStateException | ArithmeticException e) {
      throw new IllegalArgumentException("cannot apply the plan: " + e.getMessage(), e);
    }
  }
}
