package dev.stoker.image;

import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.jsontype.NamedType;
import com.fasterxml.jackson.databind.type.LogicalType;
import dev.stoker.api.TransformSpec;
import dev.stoker.api.internal.Checks;

/**
 * The one JSON mapping of {@link TransformSpec}s, shared by the wire plan ({@code PlanJson}) and
 * transform files ({@code TransformSpecs.fromJson}): each spec is an object whose {@code "type"}
 * is the record's name and whose other fields are its components, all of them, e.g.
 * {@code {"type":"HorizontalFlip","p":0.5}}. {@code Custom} has no JSON form (its type name is
 * unknown to a reader). Reading is strict, as for bytes from a peer or a file: an unknown or
 * missing field, a duplicate field, a null, a fraction or a string where a whole number belongs,
 * or trailing content is refused, and the record's own checks apply.
 *
 * <pre>{@code
 * ObjectMapper mapper = TransformSpecJson.configure(new ObjectMapper());
 * String json = mapper.writerFor(new TypeReference<List<TransformSpec>>() {}).writeValueAsString(specs);
 * }</pre>
 */
public final class TransformSpecJson {
  private TransformSpecJson() {}

  @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
  private interface TypedTransform {}

  /**
   * Adds the mapping and the strict reading to {@code mapper}.
   *
   * @param mapper a new mapper, not null
   * @return {@code mapper}
   */
  public static ObjectMapper configure(ObjectMapper mapper) {
    Checks.notNull(mapper, "mapper");
    mapper.addMixIn(TransformSpec.class, TypedTransform.class)
        .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true)
        .configure(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES, true)
        .configure(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES, true)
        .configure(DeserializationFeature.FAIL_ON_NULL_CREATOR_PROPERTIES, true)
        .configure(DeserializationFeature.ACCEPT_FLOAT_AS_INT, false)
        .configure(DeserializationFeature.FAIL_ON_TRAILING_TOKENS, true)
        .configure(JsonParser.Feature.STRICT_DUPLICATE_DETECTION, true);
    mapper.coercionConfigFor(LogicalType.Integer).setCoercion(CoercionInputShape.String, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail);
    mapper.coercionConfigFor(LogicalType.Float).setCoercion(CoercionInputShape.String, CoercionAction.Fail);
    for (Class<?> type : TransformSpec.class.getPermittedSubclasses()) {
      if (type != TransformSpec.Custom.class) {
        mapper.registerSubtypes(new NamedType(type, type.getSimpleName()));
      }
    }
    return mapper;
  }
}
