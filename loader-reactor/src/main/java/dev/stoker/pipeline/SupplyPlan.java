package dev.stoker.pipeline;

import dev.stoker.api.internal.Checks;
import dev.stoker.api.TransformSpec;
import java.util.List;

/**
 * What a {@link SampleSupplier} needs to process samples as the loader would: its transforms (as
 * given, before the loader's planning) and its seed.
 *
 * <pre>{@code
 * SampleMaker maker = Loader.builder().source(local).transforms(plan.transforms()).seed(plan.seed()).buildMaker();
 * }</pre>
 *
 * @param transforms the transforms in the order the user gave them
 * @param seed the seed that keys every random choice
 */
public record SupplyPlan(List<TransformSpec> transforms, long seed) {
  /** Validates and copies. */
  public SupplyPlan {
    transforms = List.copyOf(Checks.notNull(transforms, "transforms"));
  }
}
