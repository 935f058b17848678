package dev.stoker.dataset;

import dev.stoker.api.LoaderException;
import dev.stoker.api.SampleSource;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * What every source of this package is once it has opened: one image file per sample, a label per
 * sample, the class names, optionally every sample's boxes, and the problems met while opening.
 * A format's source parses its files in a static {@code open} method and hands the result to this
 * constructor; size, names, labels, reads, boxes, warnings and the description are answered here,
 * the same way for every format.
 *
 * <pre>{@code
 * final class ListSource extends FileSource {   // one image per line of a text file, all label 0
 *   static ListSource open(Path list) throws IOException {
 *     Path[] images = Files.readAllLines(list).stream().map(Path::of).toArray(Path[]::new);
 *     return new ListSource(list, images);
 *   }
 *   private ListSource(Path list, Path[] images) {   // images anywhere (no confinement), default cap
 *     super("list", list, images, new int[images.length], List.of("all"), null, List.of(),
 *         new SourceProblems(), null, SourceOptions.DEFAULT);
 *   }
 * }
 * }</pre>
 *
 * <p>Package-private: the formats of this package extend it ({@link ImageFolderSource},
 * {@link ManifestSource}, {@link DetectionSource}); users see only their public types. Immutable
 * once constructed (the arrays are handed over, not copied), so safe to call from any thread.
 *
 * <p>Reads ({@link ImageFiles#open}): only regular files of at most
 * {@link SourceOptions#maxImageBytes()} are opened; a source confined to a directory
 * ({@link Confinement}) also resolves each image's symbolic links when it is read and refuses one
 * that leads outside that directory.
 */
abstract class FileSource implements SampleSource {
  private final String kind;
  private final Path origin;
  private final Path[] images;
  private final int[] labels;
  private final List<String> classes;
  private final BoxTable boxes;
  private final List<String> notes;
  private final int problemCount;
  private final List<String> warnings;
  private final Confinement confinement;
  private final long maxImageBytes;
  /** The root's path and a separator, which {@link #contentKey} strips from the images' paths; "" for none. */
  private final String rootPrefix;

  /**
   * @param kind the format's name for the description, e.g. {@code "COCO"}
   * @param origin the file or directory the source was opened from
   * @param images sample {@code i}'s image file is {@code images[i]}
   * @param labels sample {@code i}'s label, in {@code [0, classes.size())} or {@code -1}
   * @param boxes every sample's boxes, or null if the source gives none ({@link #hasBoxes()})
   * @param notes remarks for the description, e.g. how many crowd annotations were skipped
   * @param problems what the opening met that did not stop it: {@link #warnings()}
   * @param confinedTo the directory every image must really be in, symbolic links resolved, when it
   *     is read; null to follow links anywhere
   * @param root the directory the dataset's names are relative to ({@link #contentKey}): an image
   *     folder's root, a manifest's directory, a detection set's image directory
   * @param options the image size cap ({@link SourceOptions#maxImageBytes()})
   * @throws LoaderException naming {@code confinedTo} if its real path cannot be found
   */
  FileSource(String kind, Path origin, Path[] images, int[] labels, List<String> classes, BoxTable boxes,
      List<String> notes, SourceProblems problems, Path confinedTo, Path root, SourceOptions options) {
    this.kind = kind;
    this.origin = origin;
    this.images = images;
    this.labels = labels;
    this.classes = List.copyOf(classes);
    this.boxes = boxes;
    this.notes = List.copyOf(notes);
    this.problemCount = problems.count();
    this.warnings = problems.lines();
    this.maxImageBytes = options.maxImageBytes();
    String rootName = root.toString();
    this.rootPrefix = rootName.isEmpty() ? "" : rootName.endsWith(root.getFileSystem().getSeparator()) ? rootName
        : rootName + root.getFileSystem().getSeparator();
    try {
      this.confinement = confinedTo == null ? null : new Confinement(confinedTo);
    } catch (IOException e) {
      throw new LoaderException(confinedTo + ": cannot resolve: " + ImageFiles.reason(e), e);
    }
  }

  /** The file or directory this source was opened from. */
  final Path origin() {
    return origin;
  }

  /**
   * The image file of sample {@code index}.
   *
   * @param index the sample, {@code 0 <= index < size()}
   * @return the image file's path
   */
  public final Path imagePath(int index) {
    return images[index];
  }

  /**
   * {@code KIND ORIGIN (N images, [B boxes, ]K classes[; note]...[; P problems, the first: ...])},
   * e.g. {@code COCO ann.json (5000 images, 36781 boxes, 80 classes; 10 crowd annotations skipped)}.
   */
  @Override
  public String description() {
    StringBuilder s = new StringBuilder(kind).append(' ').append(origin).append(" (").append(images.length)
        .append(" images, ");
    if (boxes != null) {
      s.append(boxes.total()).append(" boxes, ");
    }
    s.append(classes.size()).append(" classes");
    for (String note : notes) {
      s.append("; ").append(note);
    }
    if (problemCount > 0) {
      s.append("; ").append(problemCount).append(problemCount == 1 ? " problem: " : " problems, the first: ")
          .append(warnings.getFirst());
    }
    return s.append(')').toString();
  }

  @Override
  public final int size() {
    return images.length;
  }

  @Override
  public final String sourceName(int index) {
    return images[index].toString();
  }

  /**
   * The image's path relative to the dataset's root ({@code cat/001.jpg} for {@code /data/train/cat/001.jpg}
   * in an image folder at {@code /data/train}), with {@code /} between names; the whole path for an
   * image outside the root (a trusted manifest's absolute path). The same for a copy of the dataset
   * anywhere else; no file is read or examined.
   */
  @Override
  public final String contentKey(int index) {
    String name = images[index].toString();
    if (rootPrefix.isEmpty() || !name.startsWith(rootPrefix)) {
      return name;
    }
    String relative = name.substring(rootPrefix.length());
    String separator = images[index].getFileSystem().getSeparator();
    return separator.equals("/") ? relative : relative.replace(separator, "/");
  }

  @Override
  public final int label(int index) {
    return labels[index];
  }

  @Override
  public final List<String> classes() {
    return classes;
  }

  @Override
  public final ByteBuffer read(int index) throws IOException {
    return ImageFiles.read(images[index], confinement, maxImageBytes);
  }

  @Override
  public final ByteBuffer read(int index, ByteBuffer reuse) throws IOException {
    return ImageFiles.read(images[index], confinement, maxImageBytes, reuse);
  }

  /**
   * Whether the samples carry boxes (some may carry none): always for COCO and VOC; for a
   * manifest, whether it gives boxes (a {@code boxes} column or field), even if no row has one;
   * never for an image folder.
   */
  @Override
  public final boolean hasBoxes() {
    return boxes != null;
  }

  @Override
  public final int maxBoxCount() {
    return boxes == null ? 0 : boxes.max();
  }

  @Override
  public final int boxCount(int index) {
    Objects.checkIndex(index, images.length);
    return boxes == null ? 0 : boxes.count(index);
  }

  @Override
  public final int copyBoxes(int index, float[] boxesOut, int[] labelsOut) {
    Objects.checkIndex(index, images.length);
    return boxes == null ? 0 : boxes.copy(index, boxesOut, labelsOut);
  }

  /** The boxes of all samples together; 0 without boxes. */
  int totalBoxes() {
    return boxes == null ? 0 : boxes.total();
  }

  @Override
  public final List<String> warnings() {
    return warnings;
  }

  @Override
  public final int warningCount() {
    return problemCount;
  }

  @Override
  public String toString() {
    return description();
  }
}
