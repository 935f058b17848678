package dev.stoker.dataset;

import dev.stoker.api.LoaderException;
import dev.stoker.dataset.ManifestParser.Label;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Collects a manifest's rows as {@link ManifestParser} reads them: resolves paths, gives labels
 * provisional ids until the classes are known, and keeps the boxes; then {@link #build} checks
 * which images exist (in parallel: a {@code stat} per row is most of the time a large manifest
 * takes to open, more so on a network file system), skips the rows whose image is missing or whose
 * path is refused ({@link SourceOptions}) and turns the rest into a {@link ManifestSource}'s arrays.
 */
final class ManifestRows implements ManifestParser.Rows {
  /** What a manifest opens to; {@code labels[i]} is {@code -1} for an unlabelled image without boxes. */
  record Built(Path[] images, int[] labels, List<String> classes, BoxTable boxes, SourceProblems problems,
      MultiLabels multiLabels) { }

  /**
   * Every label of each sample when some row lists several: sample {@code i}'s labels are
   * {@code all[starts[i]..starts[i + 1])}, the first being its label; null when no row has more
   * than one.
   */
  record MultiLabels(int[] starts, int[] all, int max) {
    int count(int index) {
      return starts[index + 1] - starts[index];
    }

    int copy(int index, int[] labels) {
      int n = count(index);
      System.arraycopy(all, starts[index], labels, 0, n);
      return n;
    }
  }

  private final Path manifest;
  private final Path base;
  private final boolean outsideAllowed;
  /** Why a row's path is refused, by row; such a row is skipped like one whose image is missing. */
  private final Map<Integer, String> refused = new HashMap<>();
  private final SourceProblems problems = new SourceProblems();
  private final List<Path> images = new ArrayList<>();
  private int[] labels = new int[1024];
  private int[] lines = new int[1024];
  // Labels after a row's first, with provisional ids: row r's are extras[extraStarts[r]..extraStarts[r + 1]).
  private int[] extraStarts = new int[1025];
  private int[] extras = new int[64];
  private int extraCount;
  // Boxes of all rows, with provisional label ids: the final ids need every class name first.
  private int boxCount;
  private int[] boxSamples = new int[64];
  private int[] boxLabels = new int[64];
  private int[] boxLines = new int[64];
  private double[] boxCoords = new double[64 * 4];
  // Class names get ids in the order they are first seen; integer labels are their own ids.
  private final Map<String, Integer> nameIds = new HashMap<>();
  private final List<String> names = new ArrayList<>();
  private Label firstLabel;
  private int firstLabelLine;
  private int maxInteger = -1;
  private int firstUnlabelledLine;

  /**
   * @param manifest the manifest file; relative paths resolve against its directory
   * @param outsideAllowed whether rows may name absolute paths and paths outside that directory
   */
  ManifestRows(Path manifest, boolean outsideAllowed) {
    this.manifest = manifest;
    this.base = base(manifest);
    this.outsideAllowed = outsideAllowed;
  }

  /** The directory relative paths resolve against: the manifest's. */
  static Path base(Path manifest) {
    Path parent = manifest.getParent();
    return parent == null ? Path.of("") : parent;
  }

  @Override
  public void row(int line, String path, Label[] rowLabels, double[] coords, Label[] labelsOfBoxes) {
    Label label = rowLabels.length == 0 ? null : rowLabels[0];
    String refusal = ImagePaths.refusal(path, outsideAllowed);
    Path image;
    try {
      image = refusal == null ? base.resolve(path) : base;
    } catch (InvalidPathException e) {
      throw new LoaderException(manifest + ":" + line + ": " + ImagePaths.quote(path) + " is not a valid path: "
          + e.getReason(), e);
    }
    if (refusal != null) {
      refused.put(images.size(), ImagePaths.quote(path) + " " + refusal
          + (outsideAllowed ? "" : " (stoker --allow-absolute-paths, SourceOptions.allowPathsOutside, allows it)"));
    }
    int rowId = label == null ? -1 : id(label, line);
    int[] ids = new int[labelsOfBoxes.length];
    for (int b = 0; b < ids.length; b++) {
      if (labelsOfBoxes[b] != null) {
        ids[b] = id(labelsOfBoxes[b], line);
      } else if (rowId >= 0) {
        ids[b] = rowId;
      } else {
        throw new LoaderException(manifest + ":" + line + ": box " + (b + 1) + " has no label, nor has its row");
      }
    }
    if (label == null && firstUnlabelledLine == 0) {
      firstUnlabelledLine = line;
    }
    int sample = images.size();
    images.add(image);
    if (sample == labels.length) {
      labels = Arrays.copyOf(labels, sample * 2);
      lines = Arrays.copyOf(lines, sample * 2);
    }
    labels[sample] = rowId;
    lines[sample] = line;
    if (sample + 2 > extraStarts.length) {
      extraStarts = Arrays.copyOf(extraStarts, extraStarts.length * 2);
    }
    for (int k = 1; k < rowLabels.length; k++) {
      if (extraCount == extras.length) {
        extras = Arrays.copyOf(extras, extraCount * 2);
      }
      extras[extraCount++] = id(rowLabels[k], line);
    }
    extraStarts[sample + 1] = extraCount;
    for (int b = 0; b < ids.length; b++) {
      addBox(sample, ids[b], line, coords, b);
    }
  }

  private void addBox(int sample, int id, int line, double[] coords, int box) {
    if (boxCount == boxSamples.length) {
      int n = boxCount * 2;
      boxSamples = Arrays.copyOf(boxSamples, n);
      boxLabels = Arrays.copyOf(boxLabels, n);
      boxLines = Arrays.copyOf(boxLines, n);
      boxCoords = Arrays.copyOf(boxCoords, n * 4);
    }
    boxSamples[boxCount] = sample;
    boxLabels[boxCount] = id;
    boxLines[boxCount] = line;
    System.arraycopy(coords, 4 * box, boxCoords, 4 * boxCount, 4);
    boxCount++;
  }

  /** The provisional id of {@code label}; the first label decides whether labels are names or integers. */
  private int id(Label label, int line) {
    if (firstLabel == null) {
      firstLabel = label;
      firstLabelLine = line;
    } else if (label.isName() != firstLabel.isName()) {
      throw new LoaderException(manifest + ":" + line + ": label " + label + " is " + kind(label)
          + ", but the first label (" + firstLabel + ", line " + firstLabelLine + ") is " + kind(firstLabel)
          + "; a manifest uses one kind");
    }
    if (!label.isName()) {
      maxInteger = Math.max(maxInteger, label.number());
      return label.number();
    }
    Integer id = nameIds.get(label.name());
    if (id == null) {
      id = names.size();
      nameIds.put(label.name(), id);
      names.add(label.name());
    }
    return id;
  }

  private static String kind(Label label) {
    return label.isName() ? "a class name" : "an integer";
  }

  /**
   * The source's arrays.
   *
   * @param hasBoxes whether the manifest gives boxes (rows without a label are allowed only then)
   * @throws LoaderException naming the manifest if it has no rows, none of its images exists, or a
   *     row has no label in a manifest without boxes
   */
  Built build(boolean hasBoxes) {
    if (images.isEmpty()) {
      throw new LoaderException(manifest + ": empty manifest: no rows (a CSV manifest is a header line "
          + "'path,label[,boxes]' then one line per image; a JSON Lines manifest is one object per line)");
    }
    if (firstUnlabelledLine > 0 && !hasBoxes) {
      throw new LoaderException(manifest + ":" + firstUnlabelledLine + ": no label (only a manifest with boxes "
          + "may leave labels out)");
    }
    int[] index = keptIndex();
    int kept = (int) Arrays.stream(index).filter(i -> i >= 0).count();
    if (kept == 0) {
      throw new LoaderException(manifest + ": none of the " + images.size() + " images it lists exists or may be "
          + "read; the first: " + problems.lines().getFirst());
    }
    boolean named = firstLabel != null && firstLabel.isName();
    List<String> classes = new ArrayList<>();
    int[] finalIds = new int[named ? names.size() : maxInteger + 1];
    if (named) {
      classes.addAll(names);
      classes.sort(null);
      for (int rank = 0; rank < classes.size(); rank++) {
        finalIds[nameIds.get(classes.get(rank))] = rank;
      }
    } else {
      for (int c = 0; c <= maxInteger; c++) {
        classes.add(Integer.toString(c));
        finalIds[c] = c;
      }
    }
    BoxTable.Builder list = new BoxTable.Builder();
    for (int b = 0; b < boxCount; b++) {
      if (index[boxSamples[b]] < 0) {
        continue;
      }
      double[] c = Arrays.copyOfRange(boxCoords, 4 * b, 4 * b + 4);
      if (!list.add(index[boxSamples[b]], finalIds[boxLabels[b]], c[0], c[1], c[2], c[3], 0, 0)) {
        problems.add(manifest + ":" + boxLines[b] + ": box [" + c[0] + " " + c[1] + " " + c[2] + " " + c[3]
            + "] is empty (needs x0 < x1 and y0 < y1); dropped");
      }
    }
    BoxTable boxes = BoxTable.group(kept, list);
    Path[] keptImages = new Path[kept];
    int[] out = new int[kept];
    for (int row = 0; row < images.size(); row++) {
      int i = index[row];
      if (i >= 0) {
        keptImages[i] = images.get(row);
        out[i] = labels[row] < 0 ? boxes.firstLabel(i) : finalIds[labels[row]];
      }
    }
    return new Built(keptImages, out, List.copyOf(classes), boxes, problems, multiLabels(index, kept, out, finalIds));
  }

  /** The kept samples' labels when some row lists several, else null. */
  private MultiLabels multiLabels(int[] index, int kept, int[] first, int[] finalIds) {
    if (extraCount == 0) {
      return null;
    }
    int[] starts = new int[kept + 1];
    int[] all = new int[kept + extraCount];
    int n = 0;
    int max = 1;
    for (int row = 0; row < images.size(); row++) {
      int i = index[row];
      if (i < 0) {
        continue;
      }
      starts[i] = n;
      if (labels[row] >= 0) {
        all[n++] = first[i];
      }
      for (int e = extraStarts[row]; e < extraStarts[row + 1]; e++) {
        all[n++] = finalIds[extras[e]];
      }
      max = Math.max(max, n - starts[i]);
      starts[i + 1] = n;
    }
    return new MultiLabels(starts, Arrays.copyOf(all, n), max);
  }

  /**
   * Each row's sample index, or -1 if its image is not a file (reported); rows are checked in
   * parallel, reported in file order.
   */
  private int[] keptIndex() {
    Path[] all = images.toArray(Path[]::new);
    boolean[] present = new boolean[all.length];
    IntStream.range(0, all.length).parallel()
        .forEach(i -> present[i] = !refused.containsKey(i) && Files.isRegularFile(all[i]));
    int[] index = new int[all.length];
    int kept = 0;
    for (int row = 0; row < all.length; row++) {
      if (present[row]) {
        index[row] = kept++;
      } else {
        index[row] = -1;
        String why = refused.get(row);
        problems.add(manifest + ":" + lines[row] + ": " + (why != null ? why
            : all[row] + ": " + (Files.exists(all[row]) ? "not a regular file" : "no such file")) + "; row skipped");
      }
    }
    return index;
  }
}
