package dev.stoker.remote.protocol;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stoker.api.TransformSpec;
import dev.stoker.image.TransformSpecJson;
import dev.stoker.pipeline.SupplyPlan;
import java.util.List;

/**
 * A {@link SupplyPlan} as the JSON a client sends in {@code OPEN}: the seed and the transforms, each
 * an object whose {@code "type"} is the transform's record name and whose other fields are the
 * record's components ({@link TransformSpecJson}, the mapping transform files use too). A
 * {@link TransformSpec.Custom} step is Java code in the client's JVM: it has no JSON form, and a
 * plan holding one is refused here, before anything is sent.
 *
 * <pre>{@code {"seed":42,"transforms":[{"type":"RandomResizedCrop","width":224,...},{"type":"HorizontalFlip","p":0.5}]}}</pre>
 *
 * <pre>{@code
 * String json = PlanJson.write(plan);          // the client, into OPEN
 * SupplyPlan same = PlanJson.read(json);       // the node; equal to plan
 * }</pre>
 */
public final class PlanJson {
  private static final ObjectMapper MAPPER = TransformSpecJson.configure(new ObjectMapper());

  private PlanJson() {}

  /** The wire form of a plan. */
  record Wire(long seed, List<TransformSpec> transforms) {}

  /**
   * The plan as JSON.
   *
   * @throws IllegalArgumentException for a plan with a {@link TransformSpec.Custom} step
   */
  public static String write(SupplyPlan plan) {
    checkRemotable(plan);
    try {
      return MAPPER.writerFor(Wire.class).writeValueAsString(new Wire(plan.seed(), plan.transforms()));
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("cannot write the plan " + plan + ": " + e.getOriginalMessage(), e);
    }
  }

  /**
   * Refuses a plan that nodes cannot run: one with a {@link TransformSpec.Custom} step.
   *
   * @throws IllegalArgumentException naming the step
   */
  public static void checkRemotable(SupplyPlan plan) {
    for (int i = 0; i < plan.transforms().size(); i++) {
      if (plan.transforms().get(i) instanceof TransformSpec.Custom) {
        throw new IllegalArgumentException("step " + i + " (Custom): a Custom step runs only in this JVM; nodes "
            + "cannot run it (run it with a local source, or use built-in steps)");
      }
    }
  }

  /**
   * The plan a client sent.
   *
   * @throws IllegalArgumentException naming what is wrong (unknown transform, missing field, bad value)
   */
  public static SupplyPlan read(String json) {
    try {
      Wire wire = MAPPER.readValue(json, Wire.class);
      if (wire.transforms() == null) {
        throw new IllegalArgumentException("the plan has no transforms");
      }
      return new SupplyPlan(wire.transforms(), wire.seed());
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("cannot read the plan: " + e.getOriginalMessage(), e);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("invalid plan: " + e.getMessage(), e);
    }
  }
}
