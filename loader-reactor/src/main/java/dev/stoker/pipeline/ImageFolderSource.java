package dev.stoker.pipeline;

import dev.stoker.api.Checks;
import dev.stoker.api.LoaderException;
import dev.stoker.api.SampleSource;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/**
 * An ImageFolder tree: one sub-directory per class, images inside (searched recursively). Classes
 * are the sub-directory names in sorted order; labels are their positions. Files are recognised by
 * extension, in any case: {@code .jpg .jpeg .png}.
 *
 * <pre>
 * train/
 *   cat/001.jpg  cat/002.JPEG
 *   dog/001.png
 * </pre>
 *
 * <pre>{@code
 * SampleSource train = ImageFolderSource.open(Path.of("train"));
 * }</pre>
 */
public final class ImageFolderSource implements SampleSource {
  private static final Set<String> EXTENSIONS = Set.of("jpg", "jpeg", "png");

  private final Path root;
  private final List<String> classes;
  private final Path[] files;
  private final int[] labels;

  private ImageFolderSource(Path root, List<String> classes, Path[] files, int[] labels) {
    this.root = root;
    this.classes = classes;
    this.files = files;
    this.labels = labels;
  }

  /**
   * Lists the tree under {@code root}.
   *
   * @throws LoaderException naming the path if it is missing, not a directory, unreadable, or holds
   *     no class directory with images
   */
  public static ImageFolderSource open(Path root) {
    ImageFiles.directory(Checks.notNull(root, "root"));
    List<Path> classDirs;
    try (Stream<Path> children = Files.list(root)) {
      classDirs = children.filter(Files::isDirectory).sorted().toList();
    } catch (IOException e) {
      throw new LoaderException(root + ": cannot list: " + e.getMessage(), e);
    }
    List<String> classes = new ArrayList<>();
    List<Path> files = new ArrayList<>();
    List<Integer> labels = new ArrayList<>();
    for (Path dir : classDirs) {
      int label = classes.size();
      classes.add(dir.getFileName().toString());
      try (Stream<Path> walk = Files.walk(dir)) {
        walk.filter(ImageFolderSource::isImage).sorted().forEach(p -> {
          files.add(p);
          labels.add(label);
        });
      } catch (IOException e) {
        throw new LoaderException(dir + ": cannot list: " + e.getMessage(), e);
      }
    }
    if (files.isEmpty()) {
      throw new LoaderException(root + ": no images found (expected class sub-directories holding "
          + ".jpg, .jpeg or .png files)");
    }
    return new ImageFolderSource(root, List.copyOf(classes), files.toArray(Path[]::new),
        labels.stream().mapToInt(Integer::intValue).toArray());
  }

  private static boolean isImage(Path p) {
    String name = p.getFileName().toString();
    int dot = name.lastIndexOf('.');
    return dot > 0 && EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT))
        && Files.isRegularFile(p);
  }

  /** The directory this source lists. */
  public Path root() {
    return root;
  }

  @Override
  public String description() {
    return "image folder " + root + " (" + files.length + " images, " + classes.size() + " classes)";
  }

  @Override
  public int size() {
    return files.length;
  }

  @Override
  public String sourceName(int index) {
    return files[index].toString();
  }

  @Override
  public int label(int index) {
    return labels[index];
  }

  @Override
  public List<String> classes() {
    return classes;
  }

  @Override
  public ByteBuffer read(int index) throws IOException {
    return ImageFiles.read(files[index]);
  }

  @Override
  public ByteBuffer read(int index, ByteBuffer reuse) throws IOException {
    return ImageFiles.read(files[index], reuse);
  }
}
