package dev.stoker.dataset;

import dev.stoker.api.SampleSource;
import java.nio.file.Path;
import java.util.List;

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
 *   <li>Image names must stay inside the image directory ({@link SourceOptions}): an absolute name,
 *       one that leaves the directory with {@code ..} or one with control characters is skipped at
 *       open with a warning naming the annotation file and the name; a symbolic link that leads
 *       outside fails its sample when it is read.
 * </ul>
 */
public abstract sealed class DetectionSource extends FileSource permits CocoSource, VocSource {

  /**
   * @param kind the format's name for the description, e.g. {@code "COCO"}
   * @param annotations the annotation file or directory
   * @param notes remarks for the description, e.g. how many crowd annotations were skipped
   * @param imageDir the directory the images must be in (symbolic links resolved when read)
   */
  DetectionSource(String kind, Path annotations, Path[] images, BoxTable boxes, List<String> classes,
      List<String> notes, SourceProblems problems, Path imageDir, SourceOptions options) {
    super(kind, annotations, images, firstLabels(boxes, images.length), classes, boxes, notes, problems, imageDir,
        imageDir, options);
  }

  /** Each sample's classification label: its first box's label, or -1 without boxes. */
  private static int[] firstLabels(BoxTable boxes, int samples) {
    int[] labels = new int[samples];
    for (int i = 0; i < samples; i++) {
      labels[i] = boxes.firstLabel(i);
    }
    return labels;
  }

  /**
   * The annotation file or directory this source was opened from.
   *
   * @return the path given when the source was opened
   */
  public Path annotations() {
    return origin();
  }

  /** The boxes of all samples together. */
  @Override
  public int totalBoxes() {
    return super.totalBoxes();
  }
}
