package dev.stoker.dataset;

import dev.stoker.api.internal.Checks;
import dev.stoker.api.LoaderException;
import dev.stoker.api.SampleSource;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Opens a dataset directory by recognising its layout, the rule the {@code stoker} command uses:
 *
 * <ol>
 *   <li>a {@link DatasetProvider} that another module adds (found with {@link ServiceLoader}, asked
 *       in the order it finds them) {@linkplain DatasetProvider#recognizes recognises} the location:
 *       it opens it (the packed-dataset module {@code dev.stoker.pack} opens pack directories, tar
 *       shards and {@code http(s)://} and {@code s3://} locations this way);
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
 * SampleSource remote = Datasets.open("s3://bucket/train", SourceOptions.DEFAULT);   // with dev.stoker.pack
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

  /** A URL's scheme and {@code ://}: what {@link #open(String, SourceOptions)} does not read as a path. */
  private static final Pattern URL = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*://.*", Pattern.DOTALL);

  /** The module that opens URLs and packs, named when no provider recognises a URL. */
  static final String PACK_MODULE = "dev.stoker.pack (artifact loader-pack)";

  private Datasets() {}

  /** The providers {@link ServiceLoader} finds, loaded once on first use. */
  private static final class Installed {
    static final List<DatasetProvider> PROVIDERS = load();

    private static List<DatasetProvider> load() {
      try {
        return ServiceLoader.load(DatasetProvider.class, Datasets.class.getClassLoader()).stream()
            .map(ServiceLoader.Provider::get).toList();
      } catch (ServiceConfigurationError e) {
        throw new LoaderException("a dataset format provider cannot be loaded: " + e.getMessage(), e);
      }
    }
  }

  /**
   * The installed {@link DatasetProvider} that opens {@code location}: the first that
   * {@linkplain DatasetProvider#recognizes recognises} it, or empty when this class's own layouts
   * (or, for a URL, nothing) would open it. For a caller that treats provided formats apart, e.g. a
   * command that stats the files of a local layout.
   *
   * <pre>{@code
   * boolean packed = Datasets.provider("/data/train-pack").isPresent();
   * }</pre>
   *
   * @param location a local path or a URL, as the user wrote it
   * @return the provider that opens it, or empty
   */
  public static Optional<DatasetProvider> provider(String location) {
    return provider(location, providers());
  }

  /** {@link #provider(String)} among {@code providers} (tests pass their own). */
  static Optional<DatasetProvider> provider(String location, List<DatasetProvider> providers) {
    Checks.notNull(location, "location");
    return providers.stream().filter(p -> p.recognizes(location)).findFirst();
  }

  /** The installed {@link DatasetProvider}s, in the order {@link ServiceLoader} finds them; possibly none. */
  static List<DatasetProvider> providers() {
    return Installed.PROVIDERS;
  }

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
   * Opens {@code dir} (a directory, or a manifest file): through the first {@link DatasetProvider}
   * that recognises it (a pack directory, with {@code dev.stoker.pack} installed), else as the
   * layout {@link #detect} finds; with the default {@link SourceOptions}.
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
    return open(dir, options, providers());
  }

  /** {@link #open(Path, SourceOptions)} asking {@code providers} (tests pass their own). */
  static SampleSource open(Path dir, SourceOptions options, List<DatasetProvider> providers) {
    Checks.notNull(dir, "dir");
    Checks.notNull(options, "options");
    SampleSource provided = provided(dir.toString(), options, providers);
    return provided != null ? provided : openLayout(dir, options);
  }

  /**
   * Opens {@code location}: a URL or a path as the user wrote it. A {@link DatasetProvider} that
   * recognises it opens it; else a URL ({@code scheme://...}) is refused, and a path (or a
   * {@code file:} URI) is opened as {@link #open(Path, SourceOptions)} opens it. With the default
   * {@link SourceOptions}.
   *
   * <pre>{@code
   * SampleSource local = Datasets.open("/data/train");
   * SampleSource remote = Datasets.open("s3://bucket/train");   // needs dev.stoker.pack on the module path
   * }</pre>
   *
   * @param location a dataset directory, a manifest file, or a URL a provider opens
   * @return the open source
   * @throws LoaderException naming the location if it cannot be opened, or if it is a URL that no
   *     installed provider recognises
   */
  public static SampleSource open(String location) {
    return open(location, SourceOptions.DEFAULT);
  }

  /**
   * Like {@link #open(String)} with {@code options}.
   *
   * @param location a dataset directory, a manifest file, or a URL a provider opens
   * @param options the source options, not null
   * @return the open source
   * @throws LoaderException naming the location if it cannot be opened, or if it is a URL that no
   *     installed provider recognises
   */
  public static SampleSource open(String location, SourceOptions options) {
    return open(location, options, providers());
  }

  /** {@link #open(String, SourceOptions)} asking {@code providers} (tests pass their own). */
  static SampleSource open(String location, SourceOptions options, List<DatasetProvider> providers) {
    Checks.notNull(location, "location");
    Checks.notNull(options, "options");
    Checks.notNull(providers, "providers");
    Checks.argument(!location.isBlank(), "location", "is empty");
    SampleSource provided = provided(location, options, providers);
    if (provided != null) {
      return provided;
    }
    return openLayout(localPath(location, providers), options);
  }

  /**
   * The local path {@code location} names: a path, or a {@code file:} URI.
   *
   * @throws LoaderException naming the location if it is another URL, or not a valid path
   */
  private static Path localPath(String location, List<DatasetProvider> providers) {
    boolean fileUri = location.regionMatches(true, 0, "file:", 0, 5);
    if (URL.matcher(location).matches() && !fileUri) {
      String formats = providers.stream().map(DatasetProvider::name).toList().toString();
      throw new LoaderException(location + ": no dataset format recognises this URL ("
          + (providers.isEmpty() ? "none is installed" : "installed: " + formats) + "); URLs (s3://, http://, "
          + "https://) are opened by the packed-dataset module " + PACK_MODULE
          + ", which must be on the module path or class path");
    }
    try {
      return fileUri ? Path.of(URI.create(location)) : Path.of(location);
    } catch (IllegalArgumentException | FileSystemNotFoundException e) {
      throw new LoaderException(location + ": not a valid path (" + e.getMessage() + ")", e);
    }
  }

  /** The source the first provider that recognises {@code location} opens, or null if none does. */
  private static SampleSource provided(String location, SourceOptions options, List<DatasetProvider> providers) {
    return provider(location, providers).map(p -> p.open(location, options)).orElse(null);
  }

  /** Opens {@code dir} as the layout {@link #detect} finds, asking no provider. */
  private static SampleSource openLayout(Path dir, SourceOptions options) {
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
