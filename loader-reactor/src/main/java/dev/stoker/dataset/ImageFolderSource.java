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

  private ImageFolderSource(Path root, List<String> classes, Path[] files, int[] labels, SourceProblems problems,
      SourceOptions options) {
    super("image folder", root, files, labels, classes, null, List.of(), problems, null, options);
  }

  /**
   * Lists the tree under {@code root}, with the default {@link SourceOptions}.
   *
   * @throws LoaderException naming the path if it is missing, not a directory, unreadable, or holds
   *     no class directory with images; naming a class directory (or one below it) that cannot be
   *     listed
   */
  public static ImageFolderSource open(Path root) {
    return open(root, SourceOptions.DEFAULT);
  }

  /** Like {@link #open(Path)} with {@code options}: its image size cap. */
  public static ImageFolderSource open(Path root, SourceOptions options) {
    ImageFiles.directory(Checks.notNull(root, "root"));
    Checks.notNull(options, "options");
    List<Path> classDirs = new ArrayList<>();
    for (Path child : entries(root)) {
      if (Files.isDirectory(child)) {
        classDirs.add(child);
      }
    }
    classDirs.sort(null);
    // Class directories are listed in parallel: on a warm cache listing is system-call bound.
    List<Listing> perClass = classDirs.parallelStream().map(ImageFolderSource::list).toList();
    SourceProblems problems = new SourceProblems();
    List<String> classes = new ArrayList<>();
    int total = 0;
    for (int c = 0; c < classDirs.size(); c++) {
      Listing listing = perClass.get(c);
      if (listing.error() != null) {
        throw listing.error();
      }
      classes.add(classDirs.get(c).getFileName().toString());
      total += listing.images().size();
      listing.skipped().forEach(problems::add);
      if (listing.images().isEmpty()) {
        problems.add(classDirs.get(c) + ": no images; class '" + classes.getLast() + "' (label " + c
            + ") has no samples");
      }
    }
    if (total == 0) {
      throw new LoaderException(root + ": no images found (expected class sub-directories holding "
          + ".jpg, .jpeg or .png files)");
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
    return new ImageFolderSource(root, classes, files, labels, problems, options);
  }

  /** One class directory's images, sorted, and the entries skipped; or why it could not be listed. */
  private record Listing(List<Path> images, List<String> skipped, LoaderException error) { }

  private static Listing list(Path classDir) {
    List<Path> found = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
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
      return new Listing(List.of(), List.of(),
          new LoaderException(classDir + ": cannot examine: " + ImageFiles.reason(e), e));
    } catch (LoaderException e) {
      return new Listing(List.of(), List.of(), e);
    }
    found.sort(null);
    return new Listing(found, skipped, null);
  }

  /** The entries of {@code dir}, in no particular order. */
  private static List<Path> entries(Path dir) {
    try {
      return DirectoryEntries.list(dir).stream().map(DirectoryEntries.Entry::path).toList();
    } catch (IOException e) {
      throw new LoaderException(dir + ": cannot list: " + ImageFiles.reason(e), e);
    }
  }

  private static boolean isImageName(String name) {
    int dot = name.lastIndexOf('.');
    return dot > 0 && EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
  }

  /** The directory this source lists. */
  public Path root() {
    return origin();
  }

  /**
   * {@code image folder ROOT (N images, K classes)}; the problems met while listing are in
   * {@link #warnings()} only.
   */
  @Override
  public String description() {
    return "image folder " + root() + " (" + size() + " images, " + classes().size() + " classes)";
  }
}
