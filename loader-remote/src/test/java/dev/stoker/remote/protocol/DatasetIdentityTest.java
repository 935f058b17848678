package dev.stoker.remote.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stoker.api.SampleSource;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link DatasetIdentity}: the client refuses a node whose dataset differs from its own, so every
 * field that changes what a sample means (names, labels, class list, box kind) must change it.
 */
class DatasetIdentityTest {
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
}
