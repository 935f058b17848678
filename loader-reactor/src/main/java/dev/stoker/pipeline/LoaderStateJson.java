package dev.stoker.pipeline;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stoker.api.LastBatchPolicy;
import dev.stoker.api.LoaderState;
import dev.stoker.api.internal.Checks;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A {@link LoaderState} as a small JSON document, to save beside a checkpoint and resume from in
 * another process (the state itself lives in {@code dev.stoker.api}, which has no JSON library):
 *
 * <pre>{@code
 * {"format":"stoker-loader-state","version":1,"epoch":3,"position":1024,"batch":4,"seed":7,"shuffle":true,
 *  "rank":0,"world_size":2,"last_batch":"PARTIAL","batch_size":256,"dataset_size":50000}
 * }</pre>
 *
 * <p>A state of a source whose epochs are drawn (a weighted mix) has one more field,
 * {@code "sampling"}: the source's {@link dev.stoker.api.EpochSampledSource#samplingFingerprint()}
 * as 16 hexadecimal digits; it is absent, and read as 0, for every other source.
 *
 * <p>Reading trusts nothing: a file over {@value #MAX_BYTES} bytes is refused before it is read,
 * and every field must be present, of its JSON type and in range, with no field unknown or given
 * twice; an error names the file (or {@code origin}) and the field, quoting at most
 * {@value ShardEnvironment#MAX_QUOTED} characters of a value. {@link #write} replaces the file
 * atomically, so that an interrupted write leaves the previous state.
 *
 * <pre>{@code
 * LoaderStateJson.write(Path.of("loader-state.json"), loader.state());
 * LoaderState saved = LoaderStateJson.read(Path.of("loader-state.json"));
 * loader.run(saved, epochsLeft, batch -> train(batch));
 * }</pre>
 */
public final class LoaderStateJson {
  /** The value of the {@code format} field. */
  public static final String FORMAT = "stoker-loader-state";
  /** The version this class writes and the only one it reads. */
  public static final int VERSION = 1;
  /** The largest state file read; a real one is about 250 bytes. */
  public static final int MAX_BYTES = 4096;

  private static final List<String> FIELDS = List.of("format", "version", "epoch", "position", "batch", "seed",
      "shuffle", "rank", "world_size", "last_batch", "batch_size", "dataset_size", "sampling");
  private static final ObjectMapper MAPPER = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  private LoaderStateJson() {}

  /**
   * The JSON document of {@code state}, on one line.
   *
   * @param state the state, not null
   * @return the document
   */
  public static String toJson(LoaderState state) {
    Checks.notNull(state, "state");
    ObjectNode o = MAPPER.createObjectNode();
    o.put("format", FORMAT);
    o.put("version", VERSION);
    o.put("epoch", state.epoch());
    o.put("position", state.position());
    o.put("batch", state.batch());
    o.put("seed", state.seed());
    o.put("shuffle", state.shuffle());
    o.put("rank", state.rank());
    o.put("world_size", state.worldSize());
    o.put("last_batch", state.lastBatch().name());
    o.put("batch_size", state.batchSize());
    o.put("dataset_size", state.datasetSize());
    if (state.sampling() != 0) {
      o.put("sampling", String.format("%016x", state.sampling()));
    }
    return o.toString();
  }

  /**
   * Parses a document written by {@link #toJson}, validating every field.
   *
   * @param json the document, not null
   * @param origin what to call the document in an error, e.g. the file's name; not null
   * @return the state
   * @throws IllegalArgumentException naming {@code origin} and the field if the document is not a valid state
   */
  public static LoaderState fromJson(String json, String origin) {
    Checks.notNull(json, "json");
    Checks.notNull(origin, "origin");
    if (json.length() > MAX_BYTES) {
      throw new IllegalArgumentException(origin + ": " + json.length() + " characters, more than a loader state's "
          + MAX_BYTES + "; not a state file");
    }
    JsonNode root;
    try {
      root = MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(origin + ": not JSON (" + e.getOriginalMessage() + " at line "
          + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")", e);
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException(origin + ": not a JSON object; a loader state is one object");
    }
    Set<String> unknown = new LinkedHashSet<>();
    for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!FIELDS.contains(name)) {
        unknown.add(ShardEnvironment.quote(name));
      }
    }
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException(origin + ": unknown field " + unknown.iterator().next()
          + "; a loader state has " + FIELDS);
    }
    JsonNode format = field(root, "format", origin);
    if (!format.isTextual() || !format.textValue().equals(FORMAT)) {
      throw bad(origin, "format", "must be \"" + FORMAT + "\"", format);
    }
    long version = integer(root, "version", 0, Integer.MAX_VALUE, origin);
    if (version != VERSION) {
      throw new IllegalArgumentException(origin + ": field version: " + version + " is not supported; this Stoker "
          + "reads version " + VERSION);
    }
    int epoch = (int) integer(root, "epoch", 0, Integer.MAX_VALUE, origin);
    long position = integer(root, "position", 0, Long.MAX_VALUE, origin);
    long batch = integer(root, "batch", 0, Long.MAX_VALUE, origin);
    long seed = integer(root, "seed", Long.MIN_VALUE, Long.MAX_VALUE, origin);
    JsonNode shuffle = field(root, "shuffle", origin);
    if (!shuffle.isBoolean()) {
      throw bad(origin, "shuffle", "must be true or false", shuffle);
    }
    int worldSize = (int) integer(root, "world_size", 1, Integer.MAX_VALUE, origin);
    int rank = (int) integer(root, "rank", 0, worldSize - 1L, origin);
    JsonNode lastBatch = field(root, "last_batch", origin);
    LastBatchPolicy policy = null;
    for (LastBatchPolicy p : LastBatchPolicy.values()) {
      if (lastBatch.isTextual() && p.name().equals(lastBatch.textValue())) {
        policy = p;
      }
    }
    if (policy == null) {
      throw bad(origin, "last_batch", "must be one of " + List.of(LastBatchPolicy.values()), lastBatch);
    }
    int batchSize = (int) integer(root, "batch_size", 1, Integer.MAX_VALUE, origin);
    int datasetSize = (int) integer(root, "dataset_size", 0, Integer.MAX_VALUE, origin);
    return new LoaderState(epoch, position, batch, seed, shuffle.booleanValue(), rank, worldSize, policy, batchSize,
        datasetSize, sampling(root, origin));
  }

  /**
   * Writes {@code state} to {@code file}, replacing it atomically (through a temporary file beside it).
   *
   * @param file where to write, not null
   * @param state the state, not null
   * @throws IOException if the file cannot be written
   */
  public static void write(Path file, LoaderState state) throws IOException {
    Checks.notNull(file, "file");
    String json = toJson(state) + "\n";
    Path dir = file.toAbsolutePath().getParent();
    Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
    try {
      Files.writeString(tmp, json, StandardCharsets.UTF_8);
      try {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (java.nio.file.AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /**
   * Reads a state {@link #write} wrote, refusing a file over {@value #MAX_BYTES} bytes before reading it.
   *
   * @param file the state file, not null
   * @return the state
   * @throws IOException if the file cannot be read
   * @throws IllegalArgumentException naming the file and the field if it is not a valid state
   */
  public static LoaderState read(Path file) throws IOException {
    Checks.notNull(file, "file");
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException(file + ": not a regular file");
    }
    byte[] bytes;
    try (InputStream in = Files.newInputStream(file)) {
      bytes = in.readNBytes(MAX_BYTES + 1);   // bounded whatever the size says: a FIFO or a growing file
    }
    if (bytes.length > MAX_BYTES) {
      throw new IllegalArgumentException(file + ": more than " + MAX_BYTES + " bytes, larger than any loader state; "
          + "not a state file");
    }
    return fromJson(new String(bytes, StandardCharsets.UTF_8), file.toString());
  }

  /** The optional {@code sampling} field: 16 hexadecimal digits, not 0; 0 when absent. */
  private static long sampling(JsonNode root, String origin) {
    JsonNode node = root.get("sampling");
    if (node == null) {
      return 0;
    }
    if (!node.isTextual() || !node.textValue().matches("[0-9a-f]{16}")) {
      throw bad(origin, "sampling", "must be 16 lower-case hexadecimal digits", node);
    }
    long v = Long.parseUnsignedLong(node.textValue(), 16);
    if (v == 0) {
      throw bad(origin, "sampling", "must not be 0 (leave it out for a source whose epochs are not drawn)", node);
    }
    return v;
  }

  private static JsonNode field(JsonNode root, String name, String origin) {
    JsonNode node = root.get(name);
    if (node == null) {
      throw new IllegalArgumentException(origin + ": field " + name + " is missing");
    }
    return node;
  }

  private static long integer(JsonNode root, String name, long min, long max, String origin) {
    JsonNode node = field(root, name, origin);
    if (!node.isIntegralNumber() || !node.canConvertToLong()) {
      throw bad(origin, name, "must be an integer in [" + min + ", " + max + "]", node);
    }
    long v = node.longValue();
    if (v < min || v > max) {
      throw bad(origin, name, "must be an integer in [" + min + ", " + max + "]", node);
    }
    return v;
  }

  private static IllegalArgumentException bad(String origin, String field, String rule, JsonNode value) {
    return new IllegalArgumentException(origin + ": field " + field + ": " + rule + ", got "
        + ShardEnvironment.quote(value.toString()));
  }
}
