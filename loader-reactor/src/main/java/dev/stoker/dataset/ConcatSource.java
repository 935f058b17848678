package dev.stoker.dataset;

import dev.stoker.api.CacheStats;
import dev.stoker.api.SampleSource;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Sources laid end to end ({@link Sources#concat}): sample {@code i} of source {@code k} is sample
 * {@code offsets[k] + i}. Class names are unified by name in first-seen order; each source's labels
 * (and box labels) are remapped to the union.
 */
final class ConcatSource implements SampleSource {
  private final SampleSource[] parts;
  /** {@code offsets[k]} is the first index of part {@code k}; {@code offsets[parts.length]} the size. */
  private final int[] offsets;
  /** {@code labelMaps[k][l]} is the union's label of part {@code k}'s label {@code l}. */
  private final int[][] labelMaps;
  private final List<String> classes;
  private final boolean hasBoxes;
  private final int maxBoxCount;
  private final int maxLabelCount;
  private final List<String> warnings;
  private final int warningCount;

  ConcatSource(List<SampleSource> sources) {
    this.parts = sources.toArray(SampleSource[]::new);
    this.offsets = new int[parts.length + 1];
    long total = 0;
    for (int k = 0; k < parts.length; k++) {
      offsets[k] = (int) total;
      total += parts[k].size();
      if (total > Integer.MAX_VALUE) {
        throw new IllegalArgumentException("sources hold more than " + Integer.MAX_VALUE + " samples together");
      }
    }
    offsets[parts.length] = (int) total;
    Map<String, Integer> union = new LinkedHashMap<>();
    this.labelMaps = new int[parts.length][];
    boolean boxes = false;
    int maxBoxes = 0;
    int maxLabels = 1;
    List<String> lines = new ArrayList<>();
    int problems = 0;
    for (int k = 0; k < parts.length; k++) {
      List<String> names = parts[k].classes();
      labelMaps[k] = new int[names.size()];
      for (int l = 0; l < names.size(); l++) {
        labelMaps[k][l] = union.computeIfAbsent(names.get(l), n -> union.size());
      }
      boxes |= parts[k].hasBoxes();
      maxBoxes = Math.max(maxBoxes, parts[k].maxBoxCount());
      maxLabels = Math.max(maxLabels, parts[k].maxLabelCount());
      for (String line : parts[k].warnings()) {
        lines.add(partName(k) + ": " + line);
      }
      problems += parts[k].warningCount();
    }
    this.classes = List.copyOf(union.keySet());
    this.hasBoxes = boxes;
    this.maxBoxCount = maxBoxes;
    this.maxLabelCount = maxLabels;
    this.warnings = List.copyOf(lines);
    this.warningCount = Math.max(problems, lines.size());
  }

  /** The union's index of part {@code part}'s sample 0. */
  int firstIndex(int part) {
    return offsets[part];
  }

  /** How many samples part {@code part} holds. */
  int partSize(int part) {
    return offsets[part + 1] - offsets[part];
  }

  /** "source 1 (image folder /data/b ...)", for errors and warnings. */
  private String partName(int part) {
    return "source " + part + " (" + parts[part].description() + ")";
  }

  /** The part holding {@code index}. */
  private int part(int index) {
    if (index < 0 || index >= size()) {
      throw new IndexOutOfBoundsException("index " + index + " is outside [0, " + size() + ")");
    }
    int k = Arrays.binarySearch(offsets, index);
    if (k >= 0) {
      while (k + 1 < offsets.length && offsets[k + 1] == index) {
        k++;   // skip empty parts that start at the same index
      }
      return k;
    }
    return -k - 2;
  }

  @Override
  public String description() {
    StringBuilder text = new StringBuilder("concat of ").append(parts.length).append(" sources (")
        .append(size()).append(" samples, ").append(classes.size()).append(" classes): ");
    for (int k = 0; k < parts.length; k++) {
      text.append(k == 0 ? "" : " + ").append(parts[k].description());
    }
    return text.toString();
  }

  @Override
  public int size() {
    return offsets[parts.length];
  }

  @Override
  public String sourceName(int index) {
    int k = part(index);
    return parts[k].sourceName(index - offsets[k]);
  }

  @Override
  public String contentKey(int index) {
    int k = part(index);
    return parts[k].contentKey(index - offsets[k]);
  }

  @Override
  public int label(int index) {
    int k = part(index);
    return remap(k, parts[k].label(index - offsets[k]));
  }

  private int remap(int part, int label) {
    return label < 0 ? label : labelMaps[part][label];
  }

  @Override
  public List<String> classes() {
    return classes;
  }

  @Override
  public ByteBuffer read(int index) throws IOException {
    int k = part(index);
    try {
      return parts[k].read(index - offsets[k]);
    } catch (IOException e) {
      throw named(k, e);
    }
  }

  @Override
  public ByteBuffer read(int index, ByteBuffer reuse) throws IOException {
    int k = part(index);
    try {
      return parts[k].read(index - offsets[k], reuse);
    } catch (IOException e) {
      throw named(k, e);
    }
  }

  private IOException named(int part, IOException e) {
    return new IOException(partName(part) + ": " + e.getMessage(), e);
  }

  @Override
  public boolean hasBoxes() {
    return hasBoxes;
  }

  @Override
  public int maxBoxCount() {
    return maxBoxCount;
  }

  @Override
  public int boxCount(int index) {
    int k = part(index);
    return parts[k].boxCount(index - offsets[k]);
  }

  @Override
  public int copyBoxes(int index, float[] boxes, int[] labels) {
    int k = part(index);
    int n = parts[k].copyBoxes(index - offsets[k], boxes, labels);
    for (int b = 0; b < n; b++) {
      labels[b] = remap(k, labels[b]);
    }
    return n;
  }

  @Override
  public int maxLabelCount() {
    return maxLabelCount;
  }

  @Override
  public int labelCount(int index) {
    int k = part(index);
    return parts[k].labelCount(index - offsets[k]);
  }

  /** Copies the part's labels, each remapped to the union's classes. */
  @Override
  public int copyLabels(int index, int[] labels) {
    int k = part(index);
    int n = parts[k].copyLabels(index - offsets[k], labels);
    for (int l = 0; l < n; l++) {
      labels[l] = remap(k, labels[l]);
    }
    return n;
  }

  @Override
  public List<String> warnings() {
    return warnings;
  }

  @Override
  public int warningCount() {
    return warningCount;
  }

  @Override
  public CacheStats cacheStats() {
    long hits = 0;
    long misses = 0;
    long evictions = 0;
    long weight = 0;
    long max = 0;
    for (SampleSource part : parts) {
      CacheStats s = part.cacheStats();
      hits += s.hits();
      misses += s.misses();
      evictions += s.evictions();
      weight += s.weightBytes();
      max += s.maxBytes();
    }
    return new CacheStats(hits, misses, evictions, weight, max);
  }
}
