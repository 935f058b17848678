package dev.stoker.pack;

import dev.stoker.api.LoaderException;
import dev.stoker.api.SampleSource;
import dev.stoker.dataset.SourceProblems;
import dev.stoker.storage.BlobStore;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * An ImageFolder layout under a {@link BlobStore} root: {@code <class>/<image>} keys (images at
 * any depth below their class), e.g. plain files in an S3 bucket. The same rules as the local
 * ImageFolder: images by extension in any case ({@code .jpg .jpeg .png}); classes are the first
 * key segments in sorted order, labels their positions; samples by class, then by key; keys with a
 * segment starting with {@code .} are skipped and counted; a class with no image is kept (so
 * labels match another split) and reported; images at the root have no class and are reported.
 *
 * <p>The store is listed once, up to {@value #MAX_KEYS} keys. Each read is one bounded read of the
 * whole object ({@link BlobStore#readAll}), up to {@link PackReadOptions#maxSampleBytes()}.
 * Closing the source closes its store.
 */
final class ObjectFolderSource implements SampleSource, AutoCloseable {
  /** The most keys listed under one root. */
  static final int MAX_KEYS = 10_000_000;
  private static final Set<String> EXTENSIONS = Set.of("jpg", "jpeg", "png");

  private final BlobStore store;
  private final String location;
  private final String[] keys;
  private final int[] labels;
  private final List<String> classes;
  private final SourceProblems problems;
  private final int maxSampleBytes;

  private ObjectFolderSource(BlobStore store, String location, String[] keys, int[] labels, List<String> classes,
      SourceProblems problems, int maxSampleBytes) {
    this.store = store;
    this.location = location;
    this.keys = keys;
    this.labels = labels;
    this.classes = classes;
    this.problems = problems;
    this.maxSampleBytes = maxSampleBytes;
  }

  /**
   * Builds the source from the store's listing.
   *
   * @param store the store; the source closes it when closed
   * @param location the location the user gave, for messages
   * @param listed every key under the root, as {@link BlobStore#list} gave them
   * @param options the largest sample read
   * @return the open source
   * @throws LoaderException naming the location if it holds no image in a class
   */
  static ObjectFolderSource open(BlobStore store, String location, List<String> listed, PackReadOptions options) {
    Map<String, List<String>> byClass = new TreeMap<>();
    SourceProblems problems = new SourceProblems();
    int hidden = 0;
    int loose = 0;
    String firstLoose = null;
    for (String key : listed) {
      if (key.startsWith(".") || key.contains("/.")) {
        hidden += isImage(key) ? 1 : 0;
        continue;
      }
      int slash = key.indexOf('/');
      if (slash < 0) {
        if (isImage(key)) {
          loose++;
          firstLoose = firstLoose == null ? key : firstLoose;
        }
        continue;
      }
      List<String> images = byClass.computeIfAbsent(key.substring(0, slash), c -> new ArrayList<>());
      if (isImage(key) && !key.endsWith("/")) {
        images.add(key);
      }
    }
    if (loose > 0) {
      problems.add(location + ": " + loose + (loose == 1 ? " image" : " images") + " at the top level (e.g. "
          + TarScanner.printable(firstLoose) + ") not in a class folder; not loaded (labels come from "
          + "folder names: ROOT/<class>/<image>)");
    }
    if (hidden > 0) {
      problems.add(location + ": " + hidden + " hidden image " + (hidden == 1 ? "name" : "names")
          + " (a segment starting with '.') skipped");
    }
    List<String> classes = new ArrayList<>(byClass.keySet());
    int total = 0;
    for (int c = 0; c < classes.size(); c++) {
      List<String> images = byClass.get(classes.get(c));
      images.sort(null);
      total += images.size();
      if (images.isEmpty()) {
        problems.add(location + "/" + TarScanner.printable(classes.get(c)) + ": no images; class '"
            + TarScanner.printable(classes.get(c)) + "' (label " + c + ") has no samples");
      }
    }
    if (total == 0) {
      throw new LoaderException(location + ": no images found (expected <class>/<image> keys ending in "
          + ".jpg, .jpeg or .png" + (loose == 0 ? ")" : "; " + loose + " images at the top level are not in a "
          + "class folder)"));
    }
    String[] keys = new String[total];
    int[] labels = new int[total];
    int next = 0;
    for (int c = 0; c < classes.size(); c++) {
      for (String key : byClass.get(classes.get(c))) {
        keys[next] = key;
        labels[next++] = c;
      }
    }
    return new ObjectFolderSource(store, location, keys, labels, List.copyOf(classes), problems,
        Math.min(options.maxSampleBytes(), BlobStore.MAX_READ_BYTES));
  }

  private static boolean isImage(String key) {
    int slash = key.lastIndexOf('/');
    int dot = key.lastIndexOf('.');
    return dot > slash + 1 && EXTENSIONS.contains(key.substring(dot + 1).toLowerCase(Locale.ROOT));
  }

  @Override
  public String description() {
    int count = problems.count();
    return "object folder " + location + " (" + size() + " images, " + classes.size() + " classes"
        + (count == 0 ? ")" : "; " + count + (count == 1 ? " problem" : " problems") + ", the first: "
        + problems.lines().getFirst() + ")");
  }

  @Override
  public int size() {
    return keys.length;
  }

  @Override
  public String sourceName(int index) {
    return store.location() + "/" + keys[index];
  }

  /**
   * The sample's key relative to the store's root ({@code cat/001.jpg}): the same for a copy of the
   * folder in another bucket, prefix or server. The listing gives no sizes, so nothing of the bytes.
   */
  @Override
  public String contentKey(int index) {
    return keys[index];
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
    try {
      return store.readAll(keys[index], maxSampleBytes);
    } catch (IOException e) {
      String message = String.valueOf(e.getMessage());
      throw message.contains(keys[index]) ? e : new IOException(sourceName(index) + ": " + message, e);
    }
  }

  @Override
  public List<String> warnings() {
    return problems.lines();
  }

  @Override
  public int warningCount() {
    return problems.count();
  }

  /** Closes the store the images are read from. */
  @Override
  public void close() {
    store.close();
  }

  @Override
  public String toString() {
    return description();
  }
}
