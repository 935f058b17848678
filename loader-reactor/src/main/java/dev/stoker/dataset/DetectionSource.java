package dev.stoker.dataset;

import dev.stoker.api.SampleSource;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * An object-detection dataset: image files, each with zero or more labelled boxes, parsed once when
 * the source opens ({@link CocoSource}, {@link VocSource}).
 *
 * <ul>
 *   <li>Boxes are in source pixels, {@code x0, y0, x1, y1} with {@code x0 < x1, y0 < y1} (see
 *       {@link SampleSource} for the coordinate convention), clipped to the image size the
 *       annotation file states; boxes that are empty after clipping are dropped and reported in
 *       {@link #warnings()}.
 *   <li>Images without boxes are kept: they are samples with no boxes (and label {@code -1}).
 *   <li>{@link #label(int)}, the classification label, is the first box's label or {@code -1}.
 *   <li>A missing image file is not checked at open: reading it fails naming the path, and the
 *       pipeline counts that sample as failed.
 * </ul>
 */
public abstract sealed class DetectionSource implements SampleSource permits CocoSource, VocSource {
  private final String kind;
  private final Path annotations;
  private final Path[] images;
  private final BoxTable boxes;
  private final List<String> classes;
  private final List<String> notes;
  private final int problemCount;
  private final List<String> warnings;

  /**
   * @param kind the format's name for the description, e.g. {@code "COCO"}
   * @param annotations the annotation file or directory
   * @param notes remarks for the description, e.g. how many crowd annotations were skipped
   */
  DetectionSource(String kind, Path annotations, Path[] images, BoxTable boxes, List<String> classes,
      List<String> notes, SourceProblems problems) {
    this.kind = kind;
    this.annotations = annotations;
    this.images = images;
    this.boxes = boxes;
    this.classes = List.copyOf(classes);
    this.notes = List.copyOf(notes);
    this.problemCount = problems.count();
    this.warnings = problems.lines();
  }

  /** The annotation file or directory this source was opened from. */
  public Path annotations() {
    return annotations;
  }

  /** The image file of sample {@code index}. */
  public Path imagePath(int index) {
    return images[index];
  }

  /** The boxes of all samples together. */
  public int totalBoxes() {
    return boxes.total();
  }

  @Override
  public String description() {
    StringBuilder s = new StringBuilder(kind).append(' ').append(annotations).append(" (")
        .append(images.length).append(" images, ").append(boxes.total()).append(" boxes, ")
        .append(classes.size()).append(" classes");
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
  public int size() {
    return images.length;
  }

  @Override
  public String sourceName(int index) {
    return images[index].toString();
  }

  @Override
  public int label(int index) {
    return boxes.firstLabel(Objects.checkIndex(index, images.length));
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

  /** Always true, even if no image has a box. */
  @Override
  public boolean hasBoxes() {
    return true;
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
