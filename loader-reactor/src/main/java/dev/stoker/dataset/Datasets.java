package dev.stoker.dataset;

import dev.stoker.api.internal.Checks;
import dev.stoker.api.LoaderException;
import dev.stoker.api.SampleSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Opens a dataset directory by recognising its layout, the rule the {@code stoker} command uses:
 *
 * <ol>
 *   <li>the path is a file named {@code .csv} or {@code .jsonl}: {@link Layout#MANIFEST}, opened
 *       with {@link ManifestSource#open(Path, SourceOptions)} (one row per image: path, label,
 *       optional boxes);
 *   <li>{@code DIR/annotations.json} is a file: {@link Layout#COCO}, images in {@code DIR/images}
 *       (or {@code DIR} itself if there is no {@code images} directory);
 *   <li>else {@code DIR/Annotations} is a directory or {@code DIR} holds {@code .xml} files:
 *       {@link Layout#VOC}, opened with {@link VocSource#open(Path)};
 *   <li>else {@link Layout#IMAGE_FOLDER}: {@code DIR/<class>/<image>}.
 * </ol>
 *
 * <pre>{@code
 * SampleSource data = Datasets.open(Path.of("/data/detect"));         // COCO, VOC or ImageFolder
 * SampleSource listed = Datasets.open(Path.of("/data/train.csv"));    // a manifest
 * SampleSource coco = Datasets.open(Path.of("instances_val2017.json"), Path.of("val2017"));
 * }</pre>
 */
public final class Datasets {
  /** The COCO annotation file's name in a dataset directory. */
  public static final String COCO_ANNOTATIONS = "annotations.json";

  /** The dataset layouts {@link #detect} recognises. */
  public enum Layout {
    /** {@code annotations.json} and an {@code images} directory. */
    COCO,
    /** Pascal VOC XML files, one per image. */
    VOC,
    /** One sub-directory of images per class. */
    IMAGE_FOLDER,
    /** A {@code .csv} or {@code .jsonl} file listing the images. */
    MANIFEST
  }

  private Datasets() {}

  /**
   * The layout of {@code dir} (a directory, or a manifest file), by the rule in the class
   * documentation.
   *
   * @param dir a dataset directory or a manifest file
   * @return the layout found, never null
   * @throws LoaderException naming {@code dir} if it is missing, or neither a directory nor a
   *     manifest file
   */
  public static Layout detect(Path dir) {
    Checks.notNull(dir, "dir");
    if (ManifestSource.isManifest(dir) && !Files.isDirectory(dir)) {
      ImageFiles.file(dir);
      return Layout.MANIFEST;
    }
    ImageFiles.directory(dir);
    if (Files.isRegularFile(dir.resolve(COCO_ANNOTATIONS))) {
      return Layout.COCO;
    }
    if (Files.isDirectory(dir.resolve("Annotations")) || holdsXml(dir)) {
      return Layout.VOC;
    }
    return Layout.IMAGE_FOLDER;
  }

  /**
   * Opens {@code dir} (a directory, or a manifest file) as the layout {@link #detect} finds, with
   * the default {@link SourceOptions}.
   *
   * @param dir a dataset directory or a manifest file
   * @return the open source
   * @throws LoaderException naming the path if it cannot be opened
   */
  public static SampleSource open(Path dir) {
    return open(dir, SourceOptions.DEFAULT);
  }

  /**
   * Like {@link #open(Path)} with {@code options} (whether a manifest may name paths outside its
   * directory, the image size cap).
   *
   * <pre>{@code
   * SampleSource listed = Datasets.open(Path.of("/data/all.jsonl"), SourceOptions.DEFAULT.withPathsOutside(true));
   * }</pre>
   *
   * @param dir a dataset directory or a manifest file
   * @param options the source options, not null
   * @return the open source
   */
  public static SampleSource open(Path dir, SourceOptions options) {
    Checks.notNull(options, "options");
    return switch (detect(dir)) {
      case COCO -> {
        Path images = dir.resolve("images");
        yield CocoSource.open(dir.resolve(COCO_ANNOTATIONS), Files.isDirectory(images) ? images : dir, options);
      }
      case VOC -> VocSource.open(dir, options);
      case IMAGE_FOLDER -> ImageFolderSource.open(dir, options);
      case MANIFEST -> ManifestSource.open(dir, options);
    };
  }

  /**
   * Opens explicitly given annotations: a file is a COCO instances JSON, a directory holds VOC XML
   * files; the images are in {@code imageDir}. Default {@link SourceOptions}.
   *
   * @param annotations a COCO JSON file, or a directory of VOC XML files
   * @param imageDir the directory holding the images
   * @return the open detection source
   * @throws LoaderException naming the path if either is missing or cannot be opened
   */
  public static SampleSource open(Path annotations, Path imageDir) {
    return open(annotations, imageDir, SourceOptions.DEFAULT);
  }

  /**
   * Like {@link #open(Path, Path)} with {@code options} (the image size cap).
   *
   * @param annotations a COCO JSON file, or a directory of VOC XML files
   * @param imageDir the directory holding the images
   * @param options the image size cap, not null
   * @return the open detection source
   */
  public static SampleSource open(Path annotations, Path imageDir, SourceOptions options) {
    Checks.notNull(annotations, "annotations");
    Checks.notNull(imageDir, "imageDir");
    Checks.notNull(options, "options");
    if (Files.isDirectory(annotations)) {
      return VocSource.open(annotations, imageDir, null, options);
    }
    return CocoSource.open(annotations, imageDir, options);
  }

  private static boolean holdsXml(Path dir) {
    try (Stream<Path> files = Files.list(dir)) {
      return files.anyMatch(p -> p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".xml")
          && Files.isRegularFile(p));
    } catch (IOException e) {
      throw new LoaderException(dir + ": cannot list: " + e.getMessage(), e);
    }
  }
}
