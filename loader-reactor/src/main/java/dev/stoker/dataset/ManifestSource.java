package dev.stoker.dataset;

import dev.stoker.api.internal.Checks;
import dev.stoker.api.LoaderException;
import dev.stoker.api.SampleSource;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * A dataset listed in a manifest file: one row per image with its path, its label and, optionally,
 * its boxes. Two formats, told apart by the file's extension:
 *
 * <p><b>CSV</b> ({@code .csv}): a header line naming the columns {@code path}, {@code label} and
 * optionally {@code boxes}, in any order (other columns are ignored), then one line per image.
 * Fields are separated by commas and may be quoted with {@code "} ({@code ""} inside quotes is one
 * quote); a record must fit on one line. A {@code boxes} field is {@code x0 y0 x1 y1 label} groups
 * separated by {@code ;}; the label of a box may be left out, the box then takes its row's label.
 *
 * <pre>
 * path,label,boxes
 * images/001.jpg,cat,10 20 110 90 cat;50 50 60 70 dog
 * "images/with, comma.jpg",dog,
 * </pre>
 *
 * <p><b>JSON Lines</b> ({@code .jsonl}): one JSON object per line, other fields ignored:
 *
 * <pre>
 * {"path": "images/001.jpg", "label": "cat", "boxes": [[10, 20, 110, 90, "cat"], [50, 50, 60, 70]]}
 * {"path": "/data/other/002.jpg", "label": 3}
 * </pre>
 *
 * <ul>
 *   <li>Samples are the rows in file order. A relative path resolves against the manifest's
 *       directory. A row whose image file does not exist is skipped and reported in
 *       {@link #warnings()}; blank lines are ignored.
 *   <li>Labels are class names or non-negative integers, not both. With names, {@link #classes()}
 *       are the distinct names (of rows and boxes) sorted and a label is its name's position; with
 *       integers, the classes are {@code "0"} to the largest and a label is the integer. In CSV a
 *       label made of digits is an integer; in JSON a number is an integer and a string a name.
 *   <li>Boxes are {@code x0 y0 x1 y1} in source pixels, continuous coordinates (see
 *       {@link SampleSource}); a box that is empty ({@code x0 >= x1} or {@code y0 >= y1}) or not
 *       finite is dropped and reported. The manifest has boxes ({@link #hasBoxes()}) if the CSV
 *       header names a {@code boxes} column or any JSON line has a {@code boxes} field; then a row
 *       may leave its label out (empty, or {@code null}), and its label is its first box's label,
 *       or {@code -1} without boxes, as for {@link DetectionSource}.
 * </ul>
 *
 * <pre>{@code
 * SampleSource train = ManifestSource.open(Path.of("/data/train.csv"));
 * }</pre>
 */
public final class ManifestSource implements SampleSource {
  private final Path manifest;
  private final Path[] images;
  private final int[] labels;
  private final List<String> classes;
  private final boolean hasBoxes;
  private final BoxTable boxes;
  private final int problemCount;
  private final List<String> warnings;

  private ManifestSource(Path manifest, boolean hasBoxes, ManifestRows.Built built) {
    this.manifest = manifest;
    this.images = built.images();
    this.labels = built.labels();
    this.classes = built.classes();
    this.hasBoxes = hasBoxes;
    this.boxes = built.boxes();
    this.problemCount = built.problems().count();
    this.warnings = built.problems().lines();
  }

  /**
   * Reads {@code manifest} and checks that every image it lists exists.
   *
   * @throws LoaderException naming the file if it is missing, unreadable, not named {@code .csv} or
   *     {@code .jsonl}, empty, or lists no existing image; naming the file, line and (where known)
   *     column of a malformed row, or of a label of the other kind than the first
   */
  public static ManifestSource open(Path manifest) {
    ImageFiles.file(Checks.notNull(manifest, "manifest"));
    if (!isManifest(manifest)) {
      throw new LoaderException(manifest + ": a manifest must be named .csv or .jsonl");
    }
    ManifestRows rows = new ManifestRows(manifest);
    boolean hasBoxes = ManifestParser.parse(manifest, rows);
    return new ManifestSource(manifest, hasBoxes, rows.build(hasBoxes));
  }

  /** Whether {@code path} is named like a manifest: {@code .csv} or {@code .jsonl}, in any case. */
  public static boolean isManifest(Path path) {
    return ManifestParser.isManifestName(Checks.notNull(path, "path"));
  }

  /** The manifest file this source was opened from. */
  public Path manifest() {
    return manifest;
  }

  /** The image file of sample {@code index}. */
  public Path imagePath(int index) {
    return images[index];
  }

  @Override
  public String description() {
    StringBuilder s = new StringBuilder("manifest ").append(manifest).append(" (").append(images.length)
        .append(" images, ");
    if (hasBoxes) {
      s.append(boxes.total()).append(" boxes, ");
    }
    s.append(classes.size()).append(" classes");
    if (problemCount > 0) {
      s.append("; ").append(problemCount).append(problemCount == 1 ? " problem: " : " problems, the first: ")
          .append(warnings.getFirst());
    }
    return s.append(')').toString();
  }

  @Override
  public int size() {
    return images.length;
  }

  @Override
  public String sourceName(int index) {
    return images[index].toString();
  }

  @Override
  public int label(int index) {
    return labels[index];
  }

  @Override
  public List<String> classes() {
    return classes;
  }

  @Override
  public ByteBuffer read(int index) throws IOException {
    return ImageFiles.read(images[index]);
  }

  @Override
  public ByteBuffer read(int index, ByteBuffer reuse) throws IOException {
    return ImageFiles.read(images[index], reuse);
  }

  /** Whether the manifest gives boxes (a {@code boxes} column or field), even if no row has one. */
  @Override
  public boolean hasBoxes() {
    return hasBoxes;
  }

  @Override
  public int maxBoxCount() {
    return boxes.max();
  }

  @Override
  public int boxCount(int index) {
    return boxes.count(Objects.checkIndex(index, images.length));
  }

  @Override
  public int copyBoxes(int index, float[] boxesOut, int[] labelsOut) {
    return boxes.copy(Objects.checkIndex(index, images.length), boxesOut, labelsOut);
  }

  @Override
  public List<String> warnings() {
    return warnings;
  }

  @Override
  public String toString() {
    return description();
  }
}
