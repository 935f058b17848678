package dev.stoker.dataset;

import dev.stoker.api.internal.Checks;
import dev.stoker.api.LoaderException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * An ImageFolder tree: one sub-directory per class, images inside (searched recursively, following
 * symbolic links). Classes are the sub-directory names in sorted order; labels are their positions.
 * Files are recognised by extension, in any case: {@code .jpg .jpeg .png}.
 *
 * <pre>
 * train/
 *   cat/001.jpg  cat/002.JPEG
 *   dog/001.png
 * </pre>
 *
 * <ul>
 *   <li>Samples are ordered by class, then by path within the class.
 *   <li>A class directory with no image is kept in {@link #classes()}, so that labels stay the
 *       sorted position of the name and match another split of the same classes, but gives no
 *       samples; it is reported in {@link #warnings()}. An entry that cannot be examined (a broken
 *       link), or an image name that is not a regular file (a FIFO, a device, or a link to one), is
 *       skipped and reported too.
 *   <li>Hidden entries, whose names start with {@code .}, are skipped, and the directories and
 *       image names among them counted ({@link #hiddenSkipped()}, and in the description): a {@code .ipynb_checkpoints} or
 *       {@code .hidden} directory is never a class (it would sort first and shift every label), and
 *       {@code ._x.jpg} (macOS metadata) or {@code .DS_Store} is never read.
 *   <li>Images loose at the top level ({@code train/x.jpg}) have no class, so they are not loaded;
 *       how many there are is reported in {@link #warnings()} (one line, naming one of them).
 *   <li>The tree is yours, so symbolic links are followed wherever they lead (a tree of links into
 *       a shared store is a common layout), unlike the names in a COCO, VOC or manifest file. Reads
 *       still open regular files only, up to {@link SourceOptions#maxImageBytes()}.
 *   <li>Listing reads each directory once and, on Linux, needs no {@code stat} for a plain file
 *       (the directory entry says what it is; see {@code DirectoryEntries}), one for each
 *       directory or link: a million files list in seconds (docs/performance.md).
 * </ul>
 *
 * <pre>{@code
 * SampleSource train = ImageFolderSource.open(Path.of("train"));
 * }</pre>
 */
public final class ImageFolderSource extends FileSource {
  private static final Set<String> EXTENSIONS = Set.of("jpg", "jpeg", "png");

  private final int hiddenSkipped;

  private ImageFolderSource(Path root, List<String> classes, Path[] files, int[] labels, SourceProblems problems,
      int hiddenSkipped, SourceOptions options) {
    super("image folder", root, files, labels, classes, null,
        hiddenSkipped == 0 ? List.of() : List.of(hiddenSkipped + (hiddenSkipped == 1 ? " hidden entry" : " hidden entries") + " skipped"), problems, null, root, options);
    this.hiddenSkipped = hiddenSkipped;
  }

  /**
   * Lists the tree under {@code root}, with the default {@link SourceOptions}.
   *
   * @param root the directory with one subdirectory per class
   * @return the open source
   * @throws LoaderException naming the path if it is missing, not a directory, unreadable, or holds
   *     no class directory with images; naming a class directory (or one below it) that cannot be
   *     listed
   */
  public static ImageFolderSource open(Path root) {
    return open(root, SourceOptions.DEFAULT);
  }

  /**
   * Like {@link #open(Path)} with {@code options}: its image size cap.
   *
   * @param root the directory with one subdirectory per class
   * @param options the image size cap, not null
   * @return the open source
   */
  public static ImageFolderSource open(Path root, SourceOptions options) {
    ImageFiles.directory(Checks.notNull(root, "root"));
    Checks.notNull(options, "options");
    List<Path> classDirs = new ArrayList<>();
    List<Path> loose = new ArrayList<>();
    int hidden = 0;
    for (DirectoryEntries.Entry entry : entries(root)) {
      Path child = entry.path();
      if (isHidden(child)) {
        hidden += wouldCount(entry) ? 1 : 0;
      } else if (!entry.regularFile() && Files.isDirectory(child)) {
        classDirs.add(child);
      } else if (isImageName(child.getFileName().toString())) {
        loose.add(child);
      }
    }
    classDirs.sort(null);
    // Class directories are listed in parallel: on a warm cache listing is system-call bound.
    List<Listing> perClass = classDirs.parallelStream().map(ImageFolderSource::list).toList();
    SourceProblems problems = new SourceProblems();
    if (!loose.isEmpty()) {
      problems.add(looseWarning(root, loose));
    }
    List<String> classes = new ArrayList<>();
    int total = 0;
    for (int c = 0; c < classDirs.size(); c++) {
      Listing listing = perClass.get(c);
      if (listing.error() != null) {
        throw listing.error();
      }
      classes.add(classDirs.get(c).getFileName().toString());
      total += listing.images().size();
      hidden += listing.hidden();
      listing.skipped().forEach(problems::add);
      if (listing.images().isEmpty()) {
        problems.add(classDirs.get(c) + ": no images; class '" + classes.getLast() + "' (label " + c
            + ") has no samples");
      }
    }
    if (total == 0) {
      throw new LoaderException(root + ": no images found (expected class sub-directories holding "
          + ".jpg, .jpeg or .png files" + (loose.isEmpty() ? ")" : "; " + loose.size() + " images at the top level "
          + "are not in a class directory: an ImageFolder is ROOT/<class>/<image>)"));
    }
    Path[] files = new Path[total];
    int[] labels = new int[total];
    int next = 0;
    for (int c = 0; c < perClass.size(); c++) {
      for (Path file : perClass.get(c).images()) {
        files[next] = file;
        labels[next++] = c;
      }
    }
    return new ImageFolderSource(root, classes, files, labels, problems, hidden, options);
  }

  /** What loose top-level images are told: how many, one name, and why they are not loaded. */
  private static String looseWarning(Path root, List<Path> loose) {
    loose.sort(null);
    return root + ": " + loose.size() + (loose.size() == 1 ? " image" : " images") + " at the top level (e.g. "
        + loose.getFirst().getFileName() + ") not in a class directory; not loaded (labels come from "
        + "sub-directory names: ROOT/<class>/<image>)";
  }

  /** One class directory's images, sorted, and the entries skipped; or why it could not be listed. */
  private record Listing(List<Path> images, List<String> skipped, int hidden, LoaderException error) { }

  private static Listing list(Path classDir) {
    List<Path> found = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    int hidden = 0;
    Set<Object> visited = new HashSet<>();
    Deque<Path> pending = new ArrayDeque<>();
    pending.push(classDir);
    try {
      visited.add(Files.readAttributes(classDir, BasicFileAttributes.class).fileKey());
      while (!pending.isEmpty()) {
        Path dir = pending.pop();
        List<DirectoryEntries.Entry> entries;
        try {
          entries = DirectoryEntries.list(dir);
        } catch (IOException e) {
          throw new LoaderException(dir + ": cannot list: " + ImageFiles.reason(e), e);
        }
        for (DirectoryEntries.Entry entry : entries) {
          if (isHidden(entry.path())) {
            hidden += wouldCount(entry) ? 1 : 0;
            continue;
          }
          boolean image = isImageName(entry.path().getFileName().toString());
          if (entry.regularFile()) {
            if (image) {
              found.add(entry.path());
            }
            continue;
          }
          // a directory, a link, or not known: one stat, following links
          BasicFileAttributes attributes;
          try {
            attributes = Files.readAttributes(entry.path(), BasicFileAttributes.class);
          } catch (IOException e) {
            skipped.add(entry.path() + ": cannot examine (" + ImageFiles.reason(e) + "); skipped");
            continue;
          }
          if (attributes.isDirectory()) {
            Object key = attributes.fileKey();
            if (key == null || visited.add(key)) {
              pending.push(entry.path());
            }
          } else if (attributes.isRegularFile() && image) {
            found.add(entry.path());
          } else if (image) {
            skipped.add(entry.path() + ": not a regular file (a FIFO, device or socket); skipped");
          }
        }
      }
    } catch (IOException e) {
      return new Listing(List.of(), List.of(), 0,
          new LoaderException(classDir + ": cannot examine: " + ImageFiles.reason(e), e));
    } catch (LoaderException e) {
      return new Listing(List.of(), List.of(), 0, e);
    }
    found.sort(null);
    return new Listing(found, skipped, hidden, null);
  }

  /** The entries of {@code dir}, in no particular order. */
  private static List<DirectoryEntries.Entry> entries(Path dir) {
    try {
      return DirectoryEntries.list(dir);
    } catch (IOException e) {
      throw new LoaderException(dir + ": cannot list: " + ImageFiles.reason(e), e);
    }
  }

  /** A name starting with {@code .}: {@code .ipynb_checkpoints}, {@code .DS_Store}, {@code ._x.jpg}. */
  private static boolean isHidden(Path entry) {
    return entry.getFileName().toString().startsWith(".");
  }

  /**
   * Whether a hidden entry is one that would have mattered, so is counted: an image name or a
   * directory. A {@code .DS_Store} or a tool's marker file would be ignored anyway, like {@code notes.txt}.
   */
  private static boolean wouldCount(DirectoryEntries.Entry hidden) {
    return isImageName(hidden.path().getFileName().toString())
        || !hidden.regularFile() && Files.isDirectory(hidden.path());
  }

  private static boolean isImageName(String name) {
    int dot = name.lastIndexOf('.');
    return dot > 0 && EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
  }

  /**
   * How many hidden entries (names starting with {@code .}) listing skipped that would otherwise
   * have counted: directories such as {@code .ipynb_checkpoints} (never a class) and image names
   * such as {@code ._x.jpg}. A skipped directory counts once, whatever it holds; other hidden files
   * ({@code .DS_Store}) are ignored like any file that is not an image, and not counted.
   *
   * @return the number of hidden directories and image names skipped, 0 or more
   */
  public int hiddenSkipped() {
    return hiddenSkipped;
  }

  /**
   * The directory this source lists.
   *
   * @return the root directory given to {@link #open(Path)}
   */
  public Path root() {
    return origin();
  }

  /**
   * {@code image folder ROOT (N images, K classes[; H hidden entries skipped][; P problems, the first: ...])},
   * as every format says it.
   */
  @Override
  public String description() {
    return super.description();
  }
}
