package dev.stoker.remote.protocol;

import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.jsontype.NamedType;
import dev.stoker.api.TransformSpec;
import dev.stoker.pipeline.SupplyPlan;
import java.util.List;

/**
 * A {@link SupplyPlan} as the JSON a client sends in {@code OPEN}: the seed and the transforms, each
 * an object whose {@code "type"} is the transform's record name and whose other fields are the
 * record's components.
 *
 * <pre>{@code {"seed":42,"transforms":[{"type":"RandomResizedCrop","width":224,...},{"type":"HorizontalFlip","p":0.5}]}}</pre>
 *
 * <pre>{@code
 * String json = PlanJson.write(plan);          // the client, into OPEN
 * SupplyPlan same = PlanJson.read(json);       // the node; equal to plan
 * }</pre>
 */
public final class PlanJson {
  private static final ObjectMapper MAPPER = mapper();

  private PlanJson() {}

  @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
  private interface TypedTransform {}

  /** The wire form of a plan. */
  record Wire(long seed, List<TransformSpec> transforms) {}

  private static ObjectMapper mapper() {
    ObjectMapper mapper = new ObjectMapper().addMixIn(TransformSpec.class, TypedTransform.class)
        .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true)
        .configure(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES, true);
    for (Class<?> type : TransformSpec.class.getPermittedSubclasses()) {
      mapper.registerSubtypes(new NamedType(type, type.getSimpleName()));
    }
    return mapper;
  }

  /** The plan as JSON. */
  public static String write(SupplyPlan plan) {
    try {
      return MAPPER.writerFor(Wire.class).writeValueAsString(new Wire(plan.seed(), plan.transforms()));
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("cannot write the plan " + plan + ": " + e.getOriginalMessage(), e);
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
