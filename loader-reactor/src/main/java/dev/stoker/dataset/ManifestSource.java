package dev.stoker.dataset;

import dev.stoker.api.internal.Checks;
import dev.stoker.api.LoaderException;
import dev.stoker.api.SampleSource;
import java.nio.file.Path;
import java.util.List;

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
 * {"path": "train/002.jpg", "label": 3}
 * </pre>
 *
 * <ul>
 *   <li>Samples are the rows in file order. A path is relative and resolves against the manifest's
 *       directory, and must stay inside it: an absolute path, one that leaves the directory with
 *       {@code ..} or one with control characters is refused, and a symbolic link that leads
 *       outside fails its sample when read ({@link SourceOptions}). Opening with
 *       {@link SourceOptions#allowPathsOutside()} ({@code stoker --allow-absolute-paths}) lets a
 *       manifest you trust name images anywhere, such as {@code /data/other/002.jpg}.
 *   <li>A row whose image file does not exist (or is not a regular file) or whose path is refused
 *       is skipped and reported in {@link #warnings()}; blank lines are ignored.
 *   <li>A row may list several labels (multi-label): in CSV separated by {@code |}
 *       ({@code images/003.jpg,cat|dog}), in JSON as an array ({@code "label": ["cat", "dog"]}); at
 *       most 256 per row, none empty or repeated.
 *       {@link #label(int)} is the first, {@link #copyLabels} gives them all, and a loader over
 *       such a manifest gives its batches multi-hot soft targets (see {@code Batch}).
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
public final class ManifestSource extends FileSource {

  /** Every label of each sample when a row lists several, else null. */
  private final ManifestRows.MultiLabels multiLabels;

  private ManifestSource(Path manifest, boolean hasBoxes, ManifestRows.Built built, SourceOptions options) {
    super("manifest", manifest, built.images(), built.labels(), built.classes(), hasBoxes ? built.boxes() : null,
        List.of(), built.problems(), options.allowPathsOutside() ? null : ManifestRows.base(manifest),
        ManifestRows.base(manifest), options);
    this.multiLabels = built.multiLabels();
  }

  /**
   * The most labels a row lists: 1 unless some row lists several ({@code cat|dog}).
   *
   * @return the largest label count of any sample, at least 1
   */
  @Override
  public int maxLabelCount() {
    return multiLabels == null ? 1 : multiLabels.max();
  }

  /**
   * The number of labels sample {@code index}'s row lists (0 for an unlabelled row).
   *
   * @param index the sample, {@code 0 <= index < size()}
   * @return the sample's label count
   */
  @Override
  public int labelCount(int index) {
    return multiLabels == null ? super.labelCount(index) : multiLabels.count(index);
  }

  /**
   * Copies the labels sample {@code index}'s row lists, in the order written.
   *
   * @param index the sample, {@code 0 <= index < size()}
   * @param labels receives {@code labelCount(index)} labels
   * @return the number of labels copied
   */
  @Override
  public int copyLabels(int index, int[] labels) {
    return multiLabels == null ? super.copyLabels(index, labels) : multiLabels.copy(index, labels);
  }

  /**
   * Reads {@code manifest} and checks that every image it lists exists, with the default
   * {@link SourceOptions}: paths inside the manifest's directory only.
   *
   * @param manifest a {@code .csv} or {@code .jsonl} file
   * @return the open source
   * @throws LoaderException naming the file if it is missing, unreadable, not named {@code .csv} or
   *     {@code .jsonl}, empty, or lists no existing image that may be read; naming the file, line
   *     and (where known) column of a malformed row, or of a label of the other kind than the first
   */
  public static ManifestSource open(Path manifest) {
    return open(manifest, SourceOptions.DEFAULT);
  }

  /**
   * Like {@link #open(Path)} with {@code options}: whether rows may name absolute paths and paths
   * outside the manifest's directory ({@link SourceOptions#allowPathsOutside()}), and the image
   * size cap.
   *
   * <pre>{@code
   * ManifestSource trusted = ManifestSource.open(Path.of("/data/all.csv"), SourceOptions.DEFAULT.withPathsOutside(true));
   * }</pre>
   *
   * @param manifest a {@code .csv} or {@code .jsonl} file
   * @param options which paths rows may name, and the image size cap; not null
   * @return the open source
   */
  public static ManifestSource open(Path manifest, SourceOptions options) {
    ImageFiles.file(Checks.notNull(manifest, "manifest"));
    Checks.notNull(options, "options");
    if (!isManifest(manifest)) {
      throw new LoaderException(manifest + ": a manifest must be named .csv or .jsonl");
    }
    ManifestRows rows = new ManifestRows(manifest, options.allowPathsOutside());
    boolean hasBoxes = ManifestParser.parse(manifest, rows);
    return new ManifestSource(manifest, hasBoxes, rows.build(hasBoxes), options);
  }

  /**
   * Whether {@code path} is named like a manifest: {@code .csv} or {@code .jsonl}, in any case.
   *
   * @param path any path; only its file name is looked at
   * @return {@code true} for a {@code .csv} or {@code .jsonl} name
   */
  public static boolean isManifest(Path path) {
    return ManifestParser.isManifestName(Checks.notNull(path, "path"));
  }

  /**
   * The manifest file this source was opened from.
   *
   * @return the path given to {@link #open(Path)}
   */
  public Path manifest() {
    return origin();
  }
}
