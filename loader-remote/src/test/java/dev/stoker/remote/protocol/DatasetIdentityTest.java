package dev.stoker.remote.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stoker.api.SampleSource;
import dev.stoker.dataset.CocoSource;
import dev.stoker.dataset.ManifestSource;
import dev.stoker.pipeline.SampleCaches;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link DatasetIdentity}: the client refuses a node whose dataset differs from its own, so every
 * field that changes what a sample means (names, labels, class list, boxes, the bytes it reads)
 * must change it; and it accepts nodes serving copies of one dataset under different paths, so
 * where the dataset lies must not.
 */
class DatasetIdentityTest {
  @TempDir
  Path tmp;

  private record Source(List<String> names, int[] labels, List<String> classes, boolean hasBoxes)
      implements SampleSource {
    @Override
    public String description() {
      return "fake";
    }

    @Override
    public int size() {
      return names.size();
    }

    @Override
    public String sourceName(int index) {
      return names.get(index);
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
    public ByteBuffer read(int index) {
      return ByteBuffer.allocate(0);
    }

    @Override
    public boolean hasBoxes() {
      return hasBoxes;
    }
  }

  private static final Source BASE = new Source(List.of("cat/1.jpg", "dog/2.jpg"), new int[] {0, 1},
      List.of("cat", "dog"), false);

  @Test
  void of_sameDataset_sameWellFormedIdentity() {
    String identity = DatasetIdentity.of(BASE);

    assertThat(DatasetIdentity.of(new Source(List.of("cat/1.jpg", "dog/2.jpg"), new int[] {0, 1},
        List.of("cat", "dog"), false))).isEqualTo(identity);
    assertThat(identity).matches("sha256:[0-9a-f]{24}/2");
    assertThat(DatasetIdentity.isWellFormed(identity, 2)).isTrue();
  }

  @Test
  void of_anyMeaningfulFieldChanged_identityDiffers() {
    String identity = DatasetIdentity.of(BASE);

    assertThat(DatasetIdentity.of(new Source(BASE.names(), new int[] {1, 0}, BASE.classes(), false)))
        .as("labels swapped").isNotEqualTo(identity);
    assertThat(DatasetIdentity.of(new Source(BASE.names(), BASE.labels(), List.of("dog", "cat"), false)))
        .as("class list reordered").isNotEqualTo(identity);
    assertThat(DatasetIdentity.of(new Source(List.of("cat/1.jpg", "dog/3.jpg"), BASE.labels(), BASE.classes(), false)))
        .as("a file renamed").isNotEqualTo(identity);
    assertThat(DatasetIdentity.of(new Source(BASE.names(), BASE.labels(), BASE.classes(), true)))
        .as("boxes").isNotEqualTo(identity);
    assertThat(DatasetIdentity.of(new Source(BASE.names(), BASE.labels(), List.of("cat", "dog", "--"), false)))
        .as("a class added").isNotEqualTo(identity);
  }

  @Test
  void of_classLineMovedIntoTheSamples_identityDiffers() {
    // file names may hold tabs and newlines: without the separator between the class list and the
    // sample lines, these two datasets would hash the same bytes
    Source a = new Source(List.of("p", "q\t9\ns"), new int[] {0, 1}, List.of("k"), false);
    Source b = new Source(List.of("q", "s"), new int[] {9, 1}, List.of("k", "p\t0"), false);

    assertThat(DatasetIdentity.of(a)).isNotEqualTo(DatasetIdentity.of(b));
  }

  @Test
  void isWellFormed_emptyDataset_accepted() {
    String identity = DatasetIdentity.of(new Source(List.of(), new int[0], List.of(), false));

    assertThat(identity).endsWith("/0");
    assertThat(DatasetIdentity.isWellFormed(identity, 0)).isTrue();
  }

  @Test
  void isWellFormed_wrongSizeLengthPrefixOrDigits_refused() {
    String identity = DatasetIdentity.of(BASE);
    String hex = identity.substring("sha256:".length(), identity.indexOf('/'));

    assertThat(DatasetIdentity.isWellFormed(identity, 3)).as("other size").isFalse();
    assertThat(DatasetIdentity.isWellFormed(identity, -1)).as("negative size").isFalse();
    assertThat(DatasetIdentity.isWellFormed(null, 2)).isFalse();
    assertThat(DatasetIdentity.isWellFormed("sha1:" + hex + "/2", 2)).as("prefix").isFalse();
    assertThat(DatasetIdentity.isWellFormed("sha256:" + hex + "0/2", 2)).as("one digit more").isFalse();
    assertThat(DatasetIdentity.isWellFormed("sha256:" + hex.substring(1) + "/2", 2)).as("one digit less").isFalse();
    assertThat(DatasetIdentity.isWellFormed("sha256:" + hex.substring(1) + "//2", 2)).as("a slash for a digit").isFalse();
    assertThat(DatasetIdentity.isWellFormed("sha256:" + "A" + hex.substring(1) + "/2", 2)).as("upper case").isFalse();
    assertThat(DatasetIdentity.isWellFormed("sha256:" + "g" + hex.substring(1) + "/2", 2)).as("not hex").isFalse();
    assertThat(DatasetIdentity.isWellFormed("sha256:" + hex.substring(1) + "f/2", 2)).as("last digit f").isTrue();
    assertThat(DatasetIdentity.isWellFormed("sha256:" + "0" + hex.substring(1) + "/2", 2)).as("first digit 0").isTrue();
    assertThat(DatasetIdentity.isWellFormed("sha256:" + "9" + hex.substring(1) + "/2", 2)).as("first digit 9").isTrue();
    assertThat(DatasetIdentity.isWellFormed("sha256:" + "a" + hex.substring(1) + "/2", 2)).as("first digit a").isTrue();
  }

  private static Source numbered(String prefix, int n, List<String> classes) {
    List<String> names = java.util.stream.IntStream.range(0, n).mapToObj(i -> prefix + i + ".jpg").toList();
    return new Source(names, java.util.stream.IntStream.range(0, n).map(i -> i % classes.size()).toArray(), classes,
        false);
  }

  @Test
  void of_combinedSources_sameCombinationSameIdentityAnotherCombinationAnother() {
    Source a = numbered("a/", 20, List.of("cat", "dog"));
    Source b = numbered("b/", 10, List.of("dog", "bird"));
    String ab = DatasetIdentity.of(dev.stoker.dataset.Sources.concat(a, b));

    assertThat(DatasetIdentity.of(dev.stoker.dataset.Sources.concat(a, b))).isEqualTo(ab);
    assertThat(DatasetIdentity.isWellFormed(ab, 30)).isTrue();
    assertThat(DatasetIdentity.of(dev.stoker.dataset.Sources.concat(b, a))).isNotEqualTo(ab);
    List<SampleSource> split = dev.stoker.dataset.Sources.split(dev.stoker.dataset.Sources.concat(a, b), 1, 0.8, 0.2);
    List<SampleSource> again = dev.stoker.dataset.Sources.split(dev.stoker.dataset.Sources.concat(a, b), 1, 0.8, 0.2);
    List<SampleSource> other = dev.stoker.dataset.Sources.split(dev.stoker.dataset.Sources.concat(a, b), 2, 0.8, 0.2);
    assertThat(DatasetIdentity.of(again.get(0))).isEqualTo(DatasetIdentity.of(split.get(0)));
    assertThat(DatasetIdentity.of(split.get(0))).isNotEqualTo(DatasetIdentity.of(split.get(1))).isNotEqualTo(ab);
    assertThat(DatasetIdentity.of(other.get(0))).isNotEqualTo(DatasetIdentity.of(split.get(0)));
    assertThat(DatasetIdentity.of(dev.stoker.dataset.Sources.filter(a, (i, label, name) -> label == 0)))
        .isNotEqualTo(DatasetIdentity.of(a));
  }

  // ---- content, not path: real datasets copied and changed ----

  /** Copies the tree {@code from} to {@code to} (created), file by file. */
  static Path copy(Path from, Path to) throws IOException {
    try (Stream<Path> all = Files.walk(from)) {
      for (Path p : all.sorted().toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
    return to;
  }

  private Path imageFolder() {
    return TestImages.make(tmp.resolve("original/train"));
  }

  /** A good image of the folder: {@code class0/img0.jpg}. */
  private static Path firstImage(Path folder) {
    return folder.resolve("class0").resolve("img0.jpg");
  }

  @Test
  void of_imageFolderCopiedUnderAnotherPath_sameIdentity() throws IOException {
    Path original = imageFolder();
    Path copy = copy(original, tmp.resolve("elsewhere/deeper/train-copy"));
    SampleSource a = TestImages.open(original);
    SampleSource b = TestImages.open(copy);

    assertThat(a.sourceName(0)).as("the names hold the location").isNotEqualTo(b.sourceName(0));
    assertThat(a.contentKey(0)).isEqualTo(b.contentKey(0)).isEqualTo("class0/img0.jpg");
    assertThat(DatasetIdentity.of(b)).isEqualTo(DatasetIdentity.of(a));
    // relative to the working directory, as a user may give it: the same again
    Path relative = Path.of("").toAbsolutePath().relativize(copy);
    assertThat(DatasetIdentity.of(TestImages.open(relative))).isEqualTo(DatasetIdentity.of(a));
  }

  @Test
  void of_imageFolderCopyWithOneChange_identityDiffers() throws IOException {
    Path original = imageFolder();
    String identity = DatasetIdentity.of(TestImages.open(original));

    Path bytes = copy(original, tmp.resolve("bytes"));
    byte[] image = Files.readAllBytes(firstImage(bytes));
    image[image.length / 2] ^= 1;   // the same size, one bit of the entropy-coded data
    Files.write(firstImage(bytes), image);
    Path label = copy(original, tmp.resolve("label"));
    Files.move(firstImage(label), label.resolve("class1").resolve("img0.jpg"));
    Path renamed = copy(original, tmp.resolve("renamed"));
    Files.move(firstImage(renamed), renamed.resolve("class0").resolve("img0-renamed.jpg"));
    Path added = copy(original, tmp.resolve("added"));
    Files.copy(firstImage(added), added.resolve("class0").resolve("img99.jpg"));
    Path unchanged = copy(original, tmp.resolve("unchanged"));

    assertThat(DatasetIdentity.of(TestImages.open(bytes))).as("one file's bytes changed").isNotEqualTo(identity);
    assertThat(DatasetIdentity.of(TestImages.open(label))).as("one label changed").isNotEqualTo(identity);
    assertThat(DatasetIdentity.of(TestImages.open(renamed))).as("one file renamed").isNotEqualTo(identity);
    assertThat(DatasetIdentity.of(TestImages.open(added))).as("a sample added").isNotEqualTo(identity);
    assertThat(DatasetIdentity.of(TestImages.open(unchanged))).as("negative control").isEqualTo(identity);
  }

  @Test
  void of_manifestCopiedElsewhere_sameIdentityAndOneLabelChanged_differs() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("m/a"));
    TestImages.make(dir.resolve("images"));
    Files.writeString(dir.resolve("train.csv"),
        "path,label\nimages/class0/img0.jpg,cat\nimages/class1/img1.jpg,dog\n");
    Path copy = copy(dir, tmp.resolve("m/b/c"));
    Files.move(copy.resolve("train.csv"), copy.resolve("renamed.csv"));
    String identity = DatasetIdentity.of(ManifestSource.open(dir.resolve("train.csv")));

    assertThat(DatasetIdentity.of(ManifestSource.open(copy.resolve("renamed.csv")))).isEqualTo(identity);
    Files.writeString(copy.resolve("renamed.csv"),
        "path,label\nimages/class0/img0.jpg,dog\nimages/class1/img1.jpg,cat\n");
    assertThat(DatasetIdentity.of(ManifestSource.open(copy.resolve("renamed.csv")))).isNotEqualTo(identity);
  }

  private static String coco(double x) {
    return """
        {"images": [{"id": 1, "file_name": "class0/img0.jpg", "width": 60, "height": 44},
                    {"id": 2, "file_name": "class1/img1.jpg", "width": 65, "height": 47}],
         "annotations": [{"id": 7, "image_id": 1, "category_id": 3, "bbox": [%s, 2, 10, 12], "area": 120,
                          "iscrowd": 0}],
         "categories": [{"id": 3, "name": "cat"}]}
        """.formatted(x);
  }

  @Test
  void of_cocoCopiedElsewhere_sameIdentityAndOneBoxMoved_differs() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("coco/a"));
    TestImages.make(dir.resolve("images"));
    Files.writeString(dir.resolve("ann.json"), coco(1));
    Path copy = copy(dir, tmp.resolve("coco/b"));
    String identity = DatasetIdentity.of(CocoSource.open(dir.resolve("ann.json"), dir.resolve("images")));

    assertThat(DatasetIdentity.of(CocoSource.open(copy.resolve("ann.json"), copy.resolve("images"))))
        .isEqualTo(identity);
    Files.writeString(copy.resolve("ann.json"), coco(1.5));
    assertThat(DatasetIdentity.of(CocoSource.open(copy.resolve("ann.json"), copy.resolve("images"))))
        .as("one box moved half a pixel, labels unchanged").isNotEqualTo(identity);
  }

  @Test
  void of_encodedCacheOverTheFolder_sameIdentityAsTheFolder() {
    SampleSource folder = TestImages.open(imageFolder());

    assertThat(DatasetIdentity.of(SampleCaches.encoded(folder, 1 << 20))).isEqualTo(DatasetIdentity.of(folder));
    assertThat(DatasetIdentity.of(SampleCaches.decoded(folder, 1 << 20, 16))).isEqualTo(DatasetIdentity.of(folder));
  }

  /** {@code size} samples named {@code n<i>}, each read as 4 bytes: its index, or {@code edits}' value for it. */
  private record Large(int size, java.util.Map<Integer, Integer> edits, AtomicInteger reads) implements SampleSource {
    Large(int size, java.util.Map<Integer, Integer> edits) {
      this(size, edits, new AtomicInteger());
    }

    @Override
    public String description() {
      return "large";
    }

    @Override
    public String sourceName(int index) {
      return "/data/n" + index;
    }

    @Override
    public String contentKey(int index) {
      return "n" + index;
    }

    @Override
    public int label(int index) {
      return index % 3;
    }

    @Override
    public List<String> classes() {
      return List.of("a", "b", "c");
    }

    @Override
    public ByteBuffer read(int index) throws IOException {
      reads.incrementAndGet();
      if (edits.getOrDefault(index, 0) == -1) {
        throw new IOException("/data/n" + index + ": no such file");
      }
      return ByteBuffer.allocate(4).putInt(0, edits.getOrDefault(index, index));
    }
  }

  @Test
  void of_largeDataset_readsOnlyTheSampledFilesAndCatchesAnEditInOne() {
    Large plain = new Large(100_000, java.util.Map.of());
    String identity = DatasetIdentity.of(plain);
    int[] sampled = DatasetIdentity.sampledIndices(100_000, DatasetIdentity.listingDigest(plain));
    int unsampled = 0;
    while (java.util.Arrays.binarySearch(sampled, unsampled) >= 0) {
      unsampled++;
    }

    assertThat(plain.reads().get()).isEqualTo(DatasetIdentity.SAMPLED_READS);
    assertThat(sampled).hasSize(DatasetIdentity.SAMPLED_READS).doesNotHaveDuplicates().isSorted();
    assertThat(DatasetIdentity.of(new Large(100_000, java.util.Map.of(sampled[5], 7)))).as("a read file edited")
        .isNotEqualTo(identity);
    assertThat(DatasetIdentity.of(new Large(100_000, java.util.Map.of(sampled[9], -1)))).as("a read file missing")
        .isNotEqualTo(identity);
    // what the identity does not cover, by design: the bytes of a file it does not read
    assertThat(DatasetIdentity.of(new Large(100_000, java.util.Map.of(unsampled, 7)))).as("an unread file edited")
        .isEqualTo(identity);
  }
}
