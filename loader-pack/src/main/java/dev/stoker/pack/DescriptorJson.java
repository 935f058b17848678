package dev.stoker.pack;

import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/** Reads and writes a {@link PackDescriptor} as {@code stoker-pack.json}, checking every field. */
final class DescriptorJson {
  /** The largest descriptor read: 64 MiB (a million shards at about 60 bytes each). */
  static final int MAX_BYTES = 64 << 20;

  private static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(16).maxStringLength(1 << 20).build())
      .build())
      .enable(SerializationFeature.INDENT_OUTPUT)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private DescriptorJson() {}

  static byte[] write(PackDescriptor d) {
    ObjectNode root = MAPPER.createObjectNode();
    root.put("format", "stoker-pack");
    root.put("version", d.version());
    root.put("image_format", d.imageFormat());
    root.put("max_side", d.maxSide());
    root.put("quality", d.quality());
    ArrayNode classes = root.putArray("classes");
    d.classes().forEach(classes::add);
    root.put("has_boxes", d.hasBoxes());
    root.put("max_boxes", d.maxBoxes());
    root.put("max_labels", d.maxLabels());
    root.put("samples", d.samples());
    ArrayNode shards = root.putArray("shards");
    for (PackDescriptor.Shard s : d.shards()) {
      shards.addObject().put("name", s.name()).put("samples", s.samples()).put("bytes", s.bytes())
          .put("sha256", s.sha256());
    }
    root.put("failed", d.failed());
    ArrayNode failures = root.putArray("failures");
    for (PackDescriptor.Failure f : d.failures()) {
      failures.addObject().put("name", f.name()).put("reason", f.reason());
    }
    root.put("source", d.source());
    root.put("created", d.created());
    root.put("stoker_version", d.stokerVersion());
    try {
      return MAPPER.writeValueAsBytes(root);
    } catch (IOException e) {
      throw new IllegalStateException("cannot write a pack descriptor", e);
    }
  }

  /**
   * Parses and checks a descriptor.
   *
   * @param bytes the file's bytes, at most {@link #MAX_BYTES}
   * @param name the file's name for errors
   * @throws PackFormatException naming {@code name} if it is not a valid descriptor
   */
  static PackDescriptor read(ByteBuffer bytes, String name) {
    if (bytes.remaining() > MAX_BYTES) {
      throw new PackFormatException(name, "is " + bytes.remaining() + " bytes, more than a descriptor's " + MAX_BYTES);
    }
    byte[] data = new byte[bytes.remaining()];
    bytes.duplicate().get(data);
    JsonNode root;
    try {
      root = MAPPER.readTree(data);
    } catch (IOException e) {
      throw new PackFormatException(name, "is not valid JSON (" + e.getClass().getSimpleName() + ")");
    }
    if (root == null || !root.isObject() || !root.path("format").isTextual()
        || !"stoker-pack".equals(root.path("format").asText())) {
      throw new PackFormatException(name, "is not a Stoker pack descriptor (no \"format\": \"stoker-pack\")");
    }
    try {
      List<String> classes = new ArrayList<>();
      for (JsonNode c : array(root, "classes", name)) {
        if (!c.isTextual()) {
          throw new PackFormatException(name, "\"classes\" must hold strings");
        }
        classes.add(c.asText());
      }
      List<PackDescriptor.Shard> shards = new ArrayList<>();
      for (JsonNode s : array(root, "shards", name)) {
        shards.add(new PackDescriptor.Shard(text(s, "name", name), integer(s, "samples", name),
            longValue(s, "bytes", name), text(s, "sha256", name)));
      }
      List<PackDescriptor.Failure> failures = new ArrayList<>();
      for (JsonNode f : array(root, "failures", name)) {
        failures.add(new PackDescriptor.Failure(text(f, "name", name), text(f, "reason", name)));
      }
      return new PackDescriptor(integer(root, "version", name), text(root, "image_format", name),
          integer(root, "max_side", name), integer(root, "quality", name), classes,
          bool(root, "has_boxes", name), integer(root, "max_boxes", name), integer(root, "max_labels", name),
          integer(root, "samples", name), shards, integer(root, "failed", name), failures,
          text(root, "source", name), text(root, "created", name), text(root, "stoker_version", name));
    } catch (IllegalArgumentException e) {
      throw new PackFormatException(name, e.getMessage());
    }
  }

  private static JsonNode field(JsonNode node, String field, String name) {
    JsonNode value = node == null ? null : node.get(field);
    if (value == null || value.isNull()) {
      throw new PackFormatException(name, "lacks \"" + field + "\"");
    }
    return value;
  }

  private static String text(JsonNode node, String field, String name) {
    JsonNode v = field(node, field, name);
    if (!v.isTextual()) {
      throw new PackFormatException(name, "\"" + field + "\" must be a string");
    }
    return v.asText();
  }

  private static int integer(JsonNode node, String field, String name) {
    JsonNode v = field(node, field, name);
    if (!v.isInt()) {
      throw new PackFormatException(name, "\"" + field + "\" must be a 32-bit integer");
    }
    return v.intValue();
  }

  private static long longValue(JsonNode node, String field, String name) {
    JsonNode v = field(node, field, name);
    if (!v.isIntegralNumber() || !v.canConvertToLong()) {
      throw new PackFormatException(name, "\"" + field + "\" must be an integer");
    }
    return v.longValue();
  }

  private static boolean bool(JsonNode node, String field, String name) {
    JsonNode v = field(node, field, name);
    if (!v.isBoolean()) {
      throw new PackFormatException(name, "\"" + field + "\" must be true or false");
    }
    return v.booleanValue();
  }

  private static JsonNode array(JsonNode node, String field, String name) {
    JsonNode v = field(node, field, name);
    if (!v.isArray()) {
      throw new PackFormatException(name, "\"" + field + "\" must be an array");
    }
    return v;
  }
}
