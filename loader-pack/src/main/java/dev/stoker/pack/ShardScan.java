package dev.stoker.pack;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stoker.dataset.SourceProblems;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The samples of one foreign WebDataset shard, found by scanning its tar headers: members grouped
 * by key the WebDataset way (consecutive members whose names agree up to the first dot of the
 * base name; the extension is the rest, lower-cased), each sample kept if it has an image
 * ({@code jpg}, {@code jpeg}, {@code png}, or Stoker's {@code rgb8}) and a label ({@code cls}:
 * decimal text; or {@code json}: {@code "label"} an integer or {@code "labels"} an array of
 * integers). Samples without either are counted in {@link #problems}.
 */
final class ShardScan implements TarScanner.Sink {
  /** Image extensions, in order of preference when a sample has several. */
  static final String[] IMAGE_EXTENSIONS = {"jpg", "jpeg", "png", "rgb8"};
  /** The longest {@code .cls} member read. */
  static final int MAX_CLS_BYTES = 64;
  /** The largest {@code .json} member read. */
  static final int MAX_JSON_BYTES = 1 << 20;
  /** The largest label: class names run "0" to this. */
  static final int MAX_LABEL = PackDescriptor.MAX_CLASSES - 1;

  private static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(16).maxStringLength(1 << 20).build())
      .build());

  final String shard;
  final StringBuilder names = new StringBuilder();
  final PackIndex.IntList nameEnds = new PackIndex.IntList();
  final PackIndex.LongList offsets = new PackIndex.LongList();
  final PackIndex.LongList lengths = new PackIndex.LongList();
  final PackIndex.IntList labelStart = new PackIndex.IntList();
  final PackIndex.IntList labels = new PackIndex.IntList();
  final SourceProblems problems = new SourceProblems();
  int maxLabel = -1;
  int maxLabels = 1;
  int samples;

  // the sample being grouped
  private String key;
  private final Map<String, Member> members = new HashMap<>();

  private record Member(String name, long offset, long size, byte[] data) { }

  ShardScan(String shard) {
    this.shard = shard;
    labelStart.add(0);
  }

  @Override
  public void member(String name, long offset, long size, ShardReader in) throws IOException {
    int slash = name.lastIndexOf('/');
    int dot = name.indexOf('.', slash + 1);
    if (dot <= slash + 1 || dot == name.length() - 1) {
      return; // no key or no extension: not part of a WebDataset sample (WebDataset skips it too)
    }
    String memberKey = name.substring(0, dot);
    String extension = name.substring(dot + 1).toLowerCase(Locale.ROOT);
    if (!memberKey.equals(key)) {
      flush();
      key = memberKey;
    }
    if (members.containsKey(extension)) {
      problems.add(shard + ": sample " + TarScanner.printable(key) + " has two ." + TarScanner.printable(extension)
          + " members; the second is ignored");
      return;
    }
    byte[] data = null;
    int cap = extension.equals("cls") ? MAX_CLS_BYTES : extension.equals("json") ? MAX_JSON_BYTES : -1;
    if (cap >= 0 && size <= cap) {
      data = new byte[(int) size];
      in.readFully(data, 0, data.length);
    }
    members.put(extension, new Member(name, offset, size, data));
  }

  /** Ends the last sample; call once the shard is scanned. */
  void finish() {
    flush();
  }

  private void flush() {
    if (key == null) {
      return;
    }
    Member image = null;
    for (String extension : IMAGE_EXTENSIONS) {
      image = image != null ? image : members.get(extension);
    }
    String where = shard + ": sample " + TarScanner.printable(key);
    int[] found = null;
    try {
      found = labelsOf(members.get("cls"), members.get("json"));
    } catch (IllegalArgumentException e) {
      problems.add(where + ": " + e.getMessage() + "; skipped");
      members.clear();
      key = null;
      return;
    }
    if (image == null) {
      problems.add(where + " has no image (.jpg, .jpeg, .png); skipped");
    } else if (found == null) {
      problems.add(where + " has no label (.cls, or .json with \"label\" or \"labels\"); skipped");
    } else {
      names.append(image.name());
      nameEnds.add(names.length());
      offsets.add(image.offset());
      lengths.add(image.size());
      for (int label : found) {
        labels.add(label);
        maxLabel = Math.max(maxLabel, label);
      }
      labelStart.add(labels.size());
      maxLabels = Math.max(maxLabels, found.length);
      samples++;
    }
    members.clear();
    key = null;
  }

  /**
   * The labels of a sample from its {@code .cls} (preferred) or {@code .json} member; null when
   * it has neither.
   *
   * @throws IllegalArgumentException saying what is wrong with a label member that is present
   */
  static int[] labelsOf(Member cls, Member json) {
    if (cls != null) {
      if (cls.data() == null) {
        throw new IllegalArgumentException(".cls of " + cls.size() + " bytes, over " + MAX_CLS_BYTES);
      }
      String text = new String(cls.data(), StandardCharsets.US_ASCII).strip();
      if (!text.matches("[0-9]{1,7}") || Integer.parseInt(text) > MAX_LABEL) {
        throw new IllegalArgumentException(".cls is not a decimal label in [0, " + MAX_LABEL + "]");
      }
      return new int[] {Integer.parseInt(text)};
    }
    if (json == null) {
      return null;
    }
    if (json.data() == null) {
      throw new IllegalArgumentException(".json of " + json.size() + " bytes, over " + MAX_JSON_BYTES);
    }
    JsonNode root;
    try {
      root = JSON.readTree(json.data());
    } catch (IOException e) {
      throw new IllegalArgumentException(".json is not valid JSON");
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException(".json is not an object");
    }
    JsonNode label = root.get("label");
    if (label != null && !label.isNull()) {
      return new int[] {checkLabel(label)};
    }
    JsonNode list = root.get("labels");
    if (list == null || list.isNull()) {
      return null;
    }
    if (!list.isArray() || list.isEmpty() || list.size() > PackDescriptor.MAX_PER_SAMPLE) {
      throw new IllegalArgumentException(".json \"labels\" is not an array of 1 to "
          + PackDescriptor.MAX_PER_SAMPLE + " labels");
    }
    int[] out = new int[list.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = checkLabel(list.get(i));
    }
    return out;
  }

  private static int checkLabel(JsonNode label) {
    if (!label.isInt() || label.intValue() < 0 || label.intValue() > MAX_LABEL) {
      throw new IllegalArgumentException(".json label is not an integer in [0, " + MAX_LABEL + "]");
    }
    return label.intValue();
  }
}
