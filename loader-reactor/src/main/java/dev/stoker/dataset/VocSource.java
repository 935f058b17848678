package dev.stoker.dataset;

import dev.stoker.api.internal.Checks;
import dev.stoker.api.LoaderException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * A Pascal VOC object-detection dataset: one XML annotation file per image.
 *
 * <ul>
 *   <li>Samples are the {@code .xml} files of the annotation directory in sorted order; each
 *       names its image in {@code <filename>}, resolved against the image directory
 *       ({@code <folder>} and {@code <path>} are ignored: they describe the annotator's machine).
 *   <li>VOC boxes are 1-based inclusive pixel indices: {@code xmin = 1, xmax = 10} covers the
 *       first ten columns. In Stoker's continuous 0-based coordinates that is {@code x0 = xmin - 1,
 *       x1 = xmax} (and the same for y), so the box above becomes {@code [0, 10)}, ten pixels wide.
 *       Boxes are clipped to the {@code <size>} the file states.
 *   <li>Classes: the given list, or else every {@code <name>} seen, sorted; an object whose name is
 *       not in a given list is skipped and reported in {@link #warnings()}.
 *   <li>Objects marked {@code <difficult>1</difficult>} are kept: they are real objects, and a
 *       trainer that wants to ignore them can do so by label or size.
 *   <li>A {@code <filename>} must be a relative path that stays inside the image directory
 *       ({@link SourceOptions}): an annotation whose file name is absolute, leaves the directory
 *       with {@code ..} or has control characters is skipped and reported.
 * </ul>
 *
 * <p>{@link #open(Path)} finds the images itself (see there); {@link #open(Path, Path)} takes both
 * directories.
 *
 * <pre>{@code
 * VocSource voc = VocSource.open(Path.of("VOCdevkit/VOC2012"));   // Annotations/ + JPEGImages/
 * }</pre>
 */
public final class VocSource extends DetectionSource {

  private VocSource(Path annotations, Path[] images, BoxTable boxes, List<String> classes, SourceProblems problems,
      Path imageDir, SourceOptions options) {
    super("VOC", annotations, images, boxes, classes, List.of(), problems, imageDir, options);
  }

  /**
   * Opens a VOC dataset from one directory. The annotations are {@code dir/Annotations/*.xml} if
   * that directory exists (the VOCdevkit layout), else {@code dir/*.xml}. The images are in the
   * first of these directories that holds the first annotation's {@code <filename>} (the first
   * that stays inside the directory, see {@link SourceOptions}): the annotation directory's
   * siblings {@code JPEGImages} and {@code images}, then the annotation directory itself.
   *
   * @param dir the VOC directory (a VOCdevkit year directory, or one of XML files)
   * @return the open source
   * @throws LoaderException naming the path if {@code dir} is missing, holds no {@code .xml} file,
   *     no annotation names an image inside a directory, or no candidate directory holds the first
   *     image; naming the file and line of a malformed annotation
   */
  public static VocSource open(Path dir) {
    return open(dir, SourceOptions.DEFAULT);
  }

  /**
   * Like {@link #open(Path)} with {@code options}: its image size cap
   * ({@link SourceOptions#allowPathsOutside()} is for manifests only; VOC names stay inside).
   *
   * @param dir the VOC directory (a VOCdevkit year directory, or one of XML files)
   * @param options the image size cap, not null
   * @return the open source
   */
  public static VocSource open(Path dir, SourceOptions options) {
    ImageFiles.directory(Checks.notNull(dir, "dir"));
    Checks.notNull(options, "options");
    Path xmlDir = Files.isDirectory(dir.resolve("Annotations")) ? dir.resolve("Annotations") : dir;
    List<Path> xmls = annotationFiles(xmlDir);
    VocParser parser = new VocParser();
    List<VocParser.VocAnnotation> parsed = xmls.stream().map(parser::parse).toList();
    int firstInside = firstInside(parsed);
    if (firstInside < 0) {
      throw new LoaderException(xmlDir + ": no annotation names an image inside the image directory; the first, "
          + xmls.getFirst() + ", names " + ImagePaths.quote(parsed.getFirst().filename()));
    }
    String first = parsed.get(firstInside).filename();
    Path parent = xmlDir.toAbsolutePath().normalize().getParent();
    List<Path> candidates = new ArrayList<>();
    if (parent != null) {
      candidates.add(parent.resolve("JPEGImages"));
      candidates.add(parent.resolve("images"));
    }
    candidates.add(xmlDir);
    Path imageDir = candidates.stream().filter(c -> Files.isRegularFile(c.resolve(first))).findFirst()
        .orElseThrow(() -> new LoaderException(dir + ": cannot find the images: none of " + candidates + " holds "
            + first + " (named by " + xmls.get(firstInside) + "); give the image directory explicitly"));
    return build(xmlDir, xmls, parsed, imageDir, null, options);
  }

  /**
   * Opens the annotations in {@code annotationDir} ({@code *.xml}) with images in {@code imageDir};
   * classes are the names seen, sorted.
   *
   * @param annotationDir the directory of {@code *.xml} annotations
   * @param imageDir the directory holding the images
   * @return the open source
   * @throws LoaderException naming the path if a directory is missing or there is no {@code .xml}
   *     file; naming the file and line of a malformed annotation
   */
  public static VocSource open(Path annotationDir, Path imageDir) {
    return open(annotationDir, imageDir, null);
  }

  /**
   * Like {@link #open(Path, Path)} with a fixed class list (label = position in {@code classes});
   * objects of other classes are skipped and reported. With {@code classes} null, the names seen,
   * sorted.
   *
   * @param annotationDir the directory of {@code *.xml} annotations
   * @param imageDir the directory holding the images
   * @param classes the class names, label = position; null for the names seen, sorted
   * @return the open source
   * @throws IllegalArgumentException naming {@code classes} if it has duplicates
   */
  public static VocSource open(Path annotationDir, Path imageDir, List<String> classes) {
    return open(annotationDir, imageDir, classes, SourceOptions.DEFAULT);
  }

  /**
   * Like {@link #open(Path, Path, List)} with {@code options}: its image size cap
   * ({@link SourceOptions#allowPathsOutside()} is for manifests only; VOC names stay inside).
   *
   * @param annotationDir the directory of {@code *.xml} annotations
   * @param imageDir the directory holding the images
   * @param classes the class names, label = position; null for the names seen, sorted
   * @param options the image size cap, not null
   * @return the open source
   */
  public static VocSource open(Path annotationDir, Path imageDir, List<String> classes, SourceOptions options) {
    ImageFiles.directory(Checks.notNull(annotationDir, "annotationDir"));
    ImageFiles.directory(Checks.notNull(imageDir, "imageDir"));
    Checks.notNull(options, "options");
    if (classes != null) {
      Checks.argument(classes.stream().distinct().count() == classes.size(), "classes", "has duplicates: " + classes);
    }
    List<Path> xmls = annotationFiles(annotationDir);
    VocParser parser = new VocParser();
    List<VocParser.VocAnnotation> parsed = xmls.stream().map(parser::parse).toList();
    return build(annotationDir, xmls, parsed, imageDir, classes, options);
  }

  private static VocSource build(Path annotationDir, List<Path> xmls, List<VocParser.VocAnnotation> parsed,
      Path imageDir, List<String> given, SourceOptions options) {
    List<String> classes = given != null ? List.copyOf(given) : seenNames(parsed);
    Map<String, Integer> labels = new HashMap<>();
    for (int i = 0; i < classes.size(); i++) {
      labels.put(classes.get(i), i);
    }
    SourceProblems problems = new SourceProblems();
    BoxTable.Builder boxes = new BoxTable.Builder();
    List<Path> images = new ArrayList<>();
    for (int file = 0; file < parsed.size(); file++) {
      VocParser.VocAnnotation a = parsed.get(file);
      String refusal = ImagePaths.refusal(a.filename(), false);
      if (refusal != null) {
        problems.add(xmls.get(file) + ": <filename> " + ImagePaths.quote(a.filename()) + " " + refusal
            + "; annotation skipped");
        continue;
      }
      int s = images.size();
      images.add(imageDir.resolve(a.filename()));
      for (VocParser.VocObject o : a.objects()) {
        Integer label = labels.get(o.name());
        String where = xmls.get(file) + ":" + o.line() + ": object " + ImagePaths.quote(o.name());
        if (label == null) {
          problems.add(where + " is not one of the given classes; skipped");
        } else if (!boxes.add(s, label, o.xmin() - 1, o.ymin() - 1, o.xmax(), o.ymax(), a.width(), a.height())) {
          problems.add(where + " has an empty box (xmin " + o.xmin() + ", ymin " + o.ymin() + ", xmax " + o.xmax()
              + ", ymax " + o.ymax() + ") in a " + a.width() + "x" + a.height() + " image; skipped");
        }
      }
    }
    if (images.isEmpty()) {
      throw new LoaderException(annotationDir + ": no annotation names an image inside " + imageDir + "; the first: "
          + problems.lines().getFirst());
    }
    return new VocSource(annotationDir, images.toArray(Path[]::new), BoxTable.group(images.size(), boxes), classes,
        problems, imageDir, options);
  }

  /** The first annotation whose file name stays inside the image directory, or -1. */
  private static int firstInside(List<VocParser.VocAnnotation> parsed) {
    for (int i = 0; i < parsed.size(); i++) {
      if (ImagePaths.refusal(parsed.get(i).filename(), false) == null) {
        return i;
      }
    }
    return -1;
  }

  private static List<String> seenNames(List<VocParser.VocAnnotation> parsed) {
    TreeSet<String> names = new TreeSet<>();
    for (VocParser.VocAnnotation a : parsed) {
      for (VocParser.VocObject o : a.objects()) {
        names.add(o.name());
      }
    }
    return List.copyOf(names);
  }

  private static List<Path> annotationFiles(Path dir) {
    List<Path> xmls;
    try (Stream<Path> files = Files.list(dir)) {
      xmls = files.filter(p -> p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".xml"))
          .filter(Files::isRegularFile).sorted().toList();
    } catch (IOException e) {
      throw new LoaderException(dir + ": cannot list: " + e.getMessage(), e);
    }
    if (xmls.isEmpty()) {
      throw new LoaderException(dir + ": no .xml annotation files");
    }
    return xmls;
  }
}
