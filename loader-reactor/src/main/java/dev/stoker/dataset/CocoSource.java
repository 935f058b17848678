package dev.stoker.dataset;

import dev.stoker.api.internal.Checks;
import dev.stoker.api.LoaderException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A COCO object-detection dataset: an instances JSON file ({@code images}, {@code annotations},
 * {@code categories}) and a directory of the image files it names.
 *
 * <ul>
 *   <li>Samples are the {@code images} entries in file order; {@code file_name} is resolved against
 *       the image directory. Images without annotations are kept, with no boxes.
 *   <li>{@code bbox [x, y, width, height]} becomes {@code x0 = x, y0 = y, x1 = x + width,
 *       y1 = y + height} (COCO boxes are already in continuous pixel coordinates), clipped to the
 *       image's {@code width x height} when the entry states them.
 *   <li>Labels: the category ids sorted ascending map to {@code 0..K-1}; {@link #classes()} are the
 *       category names in that order. (COCO's 80 ids run from 1 to 90 with gaps; labels do not.)
 *   <li>Crowd annotations ({@code iscrowd} 1) mark a region of many objects, not one box: they are
 *       skipped and counted in the description.
 *   <li>An annotation that refers to a missing image or category, or whose box is empty, is skipped
 *       and reported in {@link #warnings()} and the description, not an error.
 *   <li>A {@code file_name} must be a relative path that stays inside the image directory
 *       ({@link SourceOptions}): an image whose name is absolute, leaves the directory with
 *       {@code ..} or has control characters is skipped with its annotations and reported.
 * </ul>
 *
 * <pre>{@code
 * CocoSource train = CocoSource.open(Path.of("coco/annotations/instances_train2017.json"),
 *     Path.of("coco/train2017"));
 * }</pre>
 */
public final class CocoSource extends DetectionSource {

  private CocoSource(Path annotations, Path[] images, BoxTable boxes, List<String> classes, List<String> notes,
      SourceProblems problems, Path imageDir, SourceOptions options) {
    super("COCO", annotations, images, boxes, classes, notes, problems, imageDir, options);
  }

  /**
   * Parses {@code annotationsJson} and lists the images it names under {@code imageDir}, with the
   * default {@link SourceOptions}.
   *
   * @param annotationsJson a COCO instances JSON file
   * @param imageDir the directory the JSON's {@code file_name}s are resolved in
   * @return the open source, annotations parsed and held in memory
   * @throws LoaderException naming the path if the file or the directory is missing; naming the
   *     file, line and column if the JSON is malformed or an entry lacks a required field; if the
   *     file lists no image, or no image whose name stays inside {@code imageDir}
   */
  public static CocoSource open(Path annotationsJson, Path imageDir) {
    return open(annotationsJson, imageDir, SourceOptions.DEFAULT);
  }

  /**
   * Like {@link #open(Path, Path)} with {@code options}: its image size cap
   * ({@link SourceOptions#allowPathsOutside()} is for manifests only; COCO names stay inside).
   *
   * @param annotationsJson a COCO instances JSON file
   * @param imageDir the directory the JSON's {@code file_name}s are resolved in
   * @param options the image size cap, not null
   * @return the open source, annotations parsed and held in memory
   */
  public static CocoSource open(Path annotationsJson, Path imageDir, SourceOptions options) {
    ImageFiles.file(Checks.notNull(annotationsJson, "annotationsJson"));
    ImageFiles.directory(Checks.notNull(imageDir, "imageDir"));
    Checks.notNull(options, "options");
    CocoParser.Parsed parsed = CocoParser.parse(annotationsJson);
    if (parsed.images().isEmpty()) {
      throw new LoaderException(annotationsJson + ": no images (the 'images' array is missing or empty)");
    }
    List<CocoParser.Category> categories = new ArrayList<>(parsed.categories());
    categories.sort(Comparator.comparingLong(CocoParser.Category::id));
    Map<Long, Integer> labels = new HashMap<>();
    List<String> classes = new ArrayList<>();
    for (CocoParser.Category c : categories) {
      labels.put(c.id(), classes.size());
      classes.add(c.name());
    }
    SourceProblems problems = new SourceProblems();
    List<CocoParser.Image> images = new ArrayList<>();
    Set<Long> refused = new HashSet<>();
    Map<Long, Integer> samples = new HashMap<>();
    List<Path> files = new ArrayList<>();
    for (CocoParser.Image image : parsed.images()) {
      String refusal = ImagePaths.refusal(image.fileName(), false);
      if (refusal != null) {
        problems.add(annotationsJson + ":" + image.line() + ": image " + image.id() + ": file_name "
            + ImagePaths.quote(image.fileName()) + " " + refusal + "; skipped with its annotations");
        refused.add(image.id());
        continue;
      }
      samples.put(image.id(), images.size());
      images.add(image);
      files.add(imageDir.resolve(image.fileName()));
    }
    if (images.isEmpty()) {
      throw new LoaderException(annotationsJson + ": no image whose file_name stays inside " + imageDir
          + "; the first: " + problems.lines().getFirst());
    }
    BoxTable.Builder boxes = new BoxTable.Builder();
    int crowd = boxes(parsed.annotations(), images, samples, refused, labels, boxes, problems);
    List<String> notes = crowd == 0 ? List.of() : List.of(crowd + " crowd annotations skipped");
    return new CocoSource(annotationsJson, files.toArray(Path[]::new), BoxTable.group(files.size(), boxes), classes,
        notes, problems, imageDir, options);
  }

  /** Adds every usable annotation's box to {@code boxes}; returns the number of crowd annotations. */
  private static int boxes(CocoParser.Annotations a, List<CocoParser.Image> images, Map<Long, Integer> samples,
      Set<Long> refused, Map<Long, Integer> labels, BoxTable.Builder boxes, SourceProblems problems) {
    int crowd = 0;
    for (int i = 0; i < a.size; i++) {
      if (a.crowd[i]) {
        crowd++;
        continue;
      }
      String what = (a.ids[i] >= 0 ? "annotation " + a.ids[i] : "annotation") + " (line " + a.lines[i] + ")";
      Integer sample = samples.get(a.imageIds[i]);
      Integer label = labels.get(a.categoryIds[i]);
      if (sample == null && refused.contains(a.imageIds[i])) {
        continue; // its image was skipped, and reported
      }
      if (sample == null) {
        problems.add(what + " refers to image_id " + a.imageIds[i] + ", which is not in 'images'; skipped");
        continue;
      }
      if (label == null) {
        problems.add(what + " refers to category_id " + a.categoryIds[i] + ", which is not in 'categories'; skipped");
        continue;
      }
      double x = a.bboxes[4 * i];
      double y = a.bboxes[4 * i + 1];
      double w = a.bboxes[4 * i + 2];
      double h = a.bboxes[4 * i + 3];
      CocoParser.Image image = images.get(sample);
      if (!boxes.add(sample, label, x, y, x + w, y + h, image.width(), image.height())) {
        problems.add(what + " has an empty box [" + x + ", " + y + ", " + w + ", " + h + "] in a " + image.width()
            + "x" + image.height() + " image; skipped");
      }
    }
    return crowd;
  }
}
