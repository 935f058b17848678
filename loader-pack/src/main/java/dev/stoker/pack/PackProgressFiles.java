package dev.stoker.pack;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The files that make a pack resumable while it is being written, removed once it is finished:
 *
 * <ul>
 *   <li>{@value #STATE_NAME}: what is being packed and how (the source's description, size and a
 *       digest of its names and labels, the options that change the bytes, the encoder and
 *       decoder); a rerun into the same directory must match it field for field;
 *   <li>{@code shard-NNNNNN.done.json}, beside each finished shard: its source range, size,
 *       SHA-256, failures and index entries, so that a rerun keeps the shard (after checking its
 *       SHA-256) without reading it.
 * </ul>
 *
 * Both are read as hostile: bounded in size, every field checked; a sidecar that does not parse or
 * agree is treated like a missing one (its shard is written again).
 */
final class PackProgressFiles {
  static final String STATE_NAME = "stoker-pack.state.json";
  static final String SIDECAR_SUFFIX = ".done.json";
  static final String PARTIAL_SUFFIX = ".partial";
  /** The largest sidecar read: far above what a shard's entries take. */
  static final long MAX_SIDECAR_BYTES = 256L << 20;
  private static final long MAX_STATE_BYTES = 1L << 20;

  private static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(8).maxStringLength(1 << 20).build())
      .build());

  private PackProgressFiles() {}

  /** One sample's index entry. */
  record Entry(long offset, int length, int[] labels, float[] boxes, int[] boxLabels) {}

  /** A finished shard, as its sidecar records it. */
  record ShardRecord(int shard, int sourceStart, int sourceEnd, int firstKey, long bytes, String sha256,
      long bytesIn, int failed, List<PackDescriptor.Failure> failures, List<Entry> entries) {
    int samples() {
      return entries.size();
    }
  }

  static Path sidecar(Path dir, int shard) {
    return dir.resolve(PackDescriptor.shardName(shard).replace(".tar", SIDECAR_SUFFIX));
  }

  /** The identity of a pack in progress: field name to value, in a fixed order. */
  static Map<String, String> identity(String source, int samples, String sourceDigest, PackOptions options,
      String encoder, String decoder) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("source", source);
    m.put("source_samples", Integer.toString(samples));
    m.put("source_digest", sourceDigest);
    m.put("image_format", options.format());
    m.put("max_side", Integer.toString(options.maxSide()));
    m.put("quality", Integer.toString(options.descriptorQuality()));
    m.put("shard_size", Long.toString(options.shardSize()));
    m.put("encoder", encoder);
    m.put("decoder", decoder);
    return m;
  }

  static void writeState(Path dir, Map<String, String> identity) throws IOException {
    ObjectNode o = MAPPER.createObjectNode();
    o.put("format", "stoker-pack-in-progress");
    identity.forEach(o::put);
    atomicWrite(dir.resolve(STATE_NAME), MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(o));
  }

  /**
   * The first field of {@code identity} that the state file in {@code dir} records differently,
   * as a sentence, or null when all agree.
   */
  static String stateDiffers(Path dir, Map<String, String> identity) throws IOException {
    Path file = dir.resolve(STATE_NAME);
    if (Files.size(file) > MAX_STATE_BYTES) {
      return file + " is larger than a state file can be";
    }
    JsonNode root;
    try {
      root = MAPPER.readTree(Files.readAllBytes(file));
    } catch (IOException e) {
      return file + " is not valid JSON";
    }
    if (root == null || !root.isObject() || !"stoker-pack-in-progress".equals(root.path("format").asText())) {
      return file + " is not a Stoker pack state file";
    }
    for (Map.Entry<String, String> e : identity.entrySet()) {
      JsonNode v = root.get(e.getKey());
      String recorded = v == null || !v.isTextual() ? "(missing)" : clip(v.asText());
      if (!recorded.equals(e.getValue())) {
        return "'" + e.getKey() + "' differs: the pack in progress was made with " + recorded + ", this run has "
            + clip(e.getValue());
      }
    }
    return null;
  }

  private static String clip(String s) {
    return s.length() > 200 ? s.substring(0, 200) + "..." : s;
  }

  static void writeSidecar(Path dir, ShardRecord r) throws IOException {
    ObjectNode o = MAPPER.createObjectNode();
    o.put("shard", r.shard());
    o.put("source_start", r.sourceStart());
    o.put("source_end", r.sourceEnd());
    o.put("first_key", r.firstKey());
    o.put("bytes", r.bytes());
    o.put("sha256", r.sha256());
    o.put("bytes_in", r.bytesIn());
    o.put("failed", r.failed());
    ArrayNode failures = o.putArray("failures");
    for (PackDescriptor.Failure f : r.failures()) {
      failures.addObject().put("name", f.name()).put("reason", f.reason());
    }
    ArrayNode entries = o.putArray("entries");
    for (Entry e : r.entries()) {
      ArrayNode a = entries.addArray().add(e.offset()).add(e.length());
      ArrayNode labels = a.addArray();
      for (int l : e.labels()) {
        labels.add(l);
      }
      ArrayNode boxes = a.addArray();
      for (float f : e.boxes()) {
        boxes.add(f);
      }
      ArrayNode boxLabels = a.addArray();
      for (int l : e.boxLabels()) {
        boxLabels.add(l);
      }
    }
    atomicWrite(sidecar(dir, r.shard()), MAPPER.writeValueAsBytes(o));
  }

  /**
   * Reads shard {@code shard}'s sidecar, checked against what must precede it; null when it is
   * missing, too large, malformed or disagrees (the shard is then written again).
   */
  static ShardRecord readSidecar(Path dir, int shard, int sourceStart, int firstKey, int sourceSize) {
    Path file = sidecar(dir, shard);
    try {
      if (!Files.isRegularFile(file) || Files.size(file) > MAX_SIDECAR_BYTES) {
        return null;
      }
      JsonNode o = MAPPER.readTree(Files.readAllBytes(file));
      if (o == null || !o.isObject() || o.path("shard").asInt(-1) != shard
          || o.path("source_start").asInt(-1) != sourceStart || o.path("first_key").asInt(-1) != firstKey) {
        return null;
      }
      int sourceEnd = o.path("source_end").asInt(-1);
      long bytes = o.path("bytes").asLong(-1);
      String sha = o.path("sha256").asText("");
      long bytesIn = o.path("bytes_in").asLong(-1);
      int failed = o.path("failed").asInt(-1);
      if (sourceEnd <= sourceStart || sourceEnd > sourceSize || bytes <= 0 || !sha.matches("[0-9a-f]{64}")
          || bytesIn < 0 || failed < 0 || failed > sourceEnd - sourceStart) {
        return null;
      }
      List<PackDescriptor.Failure> failures = new ArrayList<>();
      for (JsonNode f : o.path("failures")) {
        if (!f.path("name").isTextual() || !f.path("reason").isTextual() || failures.size() >= failed) {
          return null;
        }
        failures.add(new PackDescriptor.Failure(f.get("name").asText(), f.get("reason").asText()));
      }
      JsonNode list = o.path("entries");
      if (!list.isArray() || list.size() + failed != sourceEnd - sourceStart || list.isEmpty()) {
        return null;
      }
      List<Entry> entries = new ArrayList<>(list.size());
      for (JsonNode e : list) {
        if (!e.isArray() || e.size() != 5 || !e.get(0).canConvertToLong() || !e.get(1).canConvertToInt()) {
          return null;
        }
        long offset = e.get(0).asLong();
        int length = e.get(1).asInt();
        if (offset < 0 || length < 0 || offset + length > bytes) {
          return null;
        }
        int[] labels = ints(e.get(2));
        float[] boxes = floats(e.get(3));
        int[] boxLabels = ints(e.get(4));
        if (labels == null || boxes == null || boxLabels == null || boxes.length != 4 * boxLabels.length) {
          return null;
        }
        entries.add(new Entry(offset, length, labels, boxes, boxLabels));
      }
      return new ShardRecord(shard, sourceStart, sourceEnd, firstKey, bytes, sha, bytesIn, failed, failures, entries);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private static int[] ints(JsonNode a) {
    if (a == null || !a.isArray() || a.size() > PackDescriptor.MAX_PER_SAMPLE) {
      return null;
    }
    int[] out = new int[a.size()];
    Iterator<JsonNode> it = a.elements();
    for (int i = 0; i < out.length; i++) {
      JsonNode v = it.next();
      if (!v.isInt()) {
        return null;
      }
      out[i] = v.intValue();
    }
    return out;
  }

  private static float[] floats(JsonNode a) {
    if (a == null || !a.isArray() || a.size() > 4 * PackDescriptor.MAX_PER_SAMPLE) {
      return null;
    }
    float[] out = new float[a.size()];
    Iterator<JsonNode> it = a.elements();
    for (int i = 0; i < out.length; i++) {
      JsonNode v = it.next();
      if (!v.isNumber()) {
        return null;
      }
      out[i] = v.floatValue();
    }
    return out;
  }

  /** Writes {@code bytes} to a temporary file beside {@code file}, forces it, and renames it over {@code file}. */
  static void atomicWrite(Path file, byte[] bytes) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try (var channel = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.CREATE,
        java.nio.file.StandardOpenOption.TRUNCATE_EXISTING, java.nio.file.StandardOpenOption.WRITE)) {
      java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(bytes);
      while (b.hasRemaining()) {
        channel.write(b);
      }
      channel.force(true);
    }
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
