package dev.stoker.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoker.api.LoaderException;
import dev.stoker.api.SampleSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Multi-label manifest rows ({@code cat|dog}, {@code ["cat", "dog"]}) and the combinators that forward them. */
class ManifestMultiLabelTest {
  @TempDir
  Path dir;

  private Path manifest(String name, String... lines) throws IOException {
    for (int i = 0; i < 4; i++) {
      Files.write(dir.resolve(i + ".jpg"), new byte[] {1});
    }
    return Files.writeString(dir.resolve(name), String.join("\n", lines) + "\n");
  }

  private static int[] labels(SampleSource source, int index) {
    int[] out = new int[source.maxLabelCount()];
    int n = source.copyLabels(index, out);
    assertThat(n).isEqualTo(source.labelCount(index));
    return Arrays.copyOf(out, n);
  }

  @Test
  void open_csvRowsWithPipeSeparatedLabels_giveEveryLabelFirstIsTheLabel() throws IOException {
    ManifestSource source = ManifestSource.open(manifest("m.csv", "path,label", "0.jpg,dog|cat", "1.jpg,bird",
        "2.jpg, cat | bird | dog "));

    assertThat(source.classes()).containsExactly("bird", "cat", "dog");
    assertThat(source.maxLabelCount()).isEqualTo(3);
    assertThat(labels(source, 0)).containsExactly(2, 1);
    assertThat(source.label(0)).isEqualTo(2);
    assertThat(labels(source, 1)).containsExactly(0);
    assertThat(labels(source, 2)).containsExactly(1, 0, 2);
  }

  @Test
  void open_jsonLabelArrays_giveEveryLabel() throws IOException {
    ManifestSource source = ManifestSource.open(manifest("m.jsonl", "{\"path\": \"0.jpg\", \"label\": [3, 1]}",
        "{\"path\": \"1.jpg\", \"label\": 0}"));

    assertThat(source.classes()).containsExactly("0", "1", "2", "3");
    assertThat(source.maxLabelCount()).isEqualTo(2);
    assertThat(labels(source, 0)).containsExactly(3, 1);
    assertThat(labels(source, 1)).containsExactly(0);
  }

  @Test
  void open_singleLabelManifest_staysSingleLabel() throws IOException {
    ManifestSource source = ManifestSource.open(manifest("m.csv", "path,label", "0.jpg,dog", "1.jpg,cat"));
    assertThat(source.maxLabelCount()).isEqualTo(1);
    assertThat(labels(source, 0)).containsExactly(1);
  }

  @Test
  void open_csvRowWithMoreLabelsThanTheBound_refusedNamingFileAndLine() throws IOException {
    String many = IntStream.range(0, ManifestParser.MAX_LABELS_PER_ROW + 1).mapToObj(i -> "c" + i)
        .collect(Collectors.joining("|"));
    Path file = manifest("m.csv", "path,label", "0.jpg,a", "1.jpg," + many);
    assertThatThrownBy(() -> ManifestSource.open(file)).isInstanceOf(LoaderException.class)
        .hasMessageStartingWith(file + ":3: ").hasMessageContaining("257 labels in one row, more than 256");
  }

  @Test
  void open_jsonRowWithMoreLabelsThanTheBound_refusedNamingFileAndLine() throws IOException {
    String many = IntStream.range(0, ManifestParser.MAX_LABELS_PER_ROW + 1).mapToObj(Integer::toString)
        .collect(Collectors.joining(","));
    Path file = manifest("m.jsonl", "{\"path\": \"0.jpg\", \"label\": [" + many + "]}");
    assertThatThrownBy(() -> ManifestSource.open(file)).isInstanceOf(LoaderException.class)
        .hasMessageStartingWith(file + ":1:").hasMessageContaining("more than 256 labels");
  }

  @Test
  void open_emptyOrRepeatedLabelInARow_refusedNamingFileAndLine() throws IOException {
    Path empty = manifest("e.csv", "path,label", "0.jpg,cat||dog");
    assertThatThrownBy(() -> ManifestSource.open(empty)).isInstanceOf(LoaderException.class)
        .hasMessageStartingWith(empty + ":2: ").hasMessageContaining("label 2 of 'cat||dog' is empty");
    Path twice = manifest("t.jsonl", "{\"path\": \"0.jpg\", \"label\": [\"cat\", \"cat\"]}");
    assertThatThrownBy(() -> ManifestSource.open(twice)).isInstanceOf(LoaderException.class)
        .hasMessageStartingWith(twice + ":1: ").hasMessageContaining("'cat' appears twice");
  }

  @Test
  void open_namesAndIntegersMixedInOneRow_refusedNamingFileAndLine() throws IOException {
    Path file = manifest("m.csv", "path,label", "0.jpg,cat|3");
    assertThatThrownBy(() -> ManifestSource.open(file)).isInstanceOf(LoaderException.class)
        .hasMessageStartingWith(file + ":2: ");
  }

  @Test
  void concat_multiLabelParts_remapsEveryLabelToTheUnion() throws IOException {
    SampleSource a = ManifestSource.open(manifest("a.csv", "path,label", "0.jpg,cat", "1.jpg,dog"));
    SampleSource b = ManifestSource.open(manifest("b.csv", "path,label", "2.jpg,fox|ant", "3.jpg,dog|fox"));
    SampleSource both = Sources.concat(a, b);

    assertThat(b.classes()).containsExactly("ant", "dog", "fox");
    assertThat(both.classes()).containsExactly("cat", "dog", "ant", "fox");
    assertThat(both.maxLabelCount()).isEqualTo(2);
    assertThat(labels(both, 0)).containsExactly(0);
    assertThat(labels(both, 2)).containsExactly(3, 2);
    assertThat(labels(both, 3)).containsExactly(1, 3);
    assertThat(both.label(2)).isEqualTo(3);
  }

  @Test
  void subsetAndFilterAndMix_forwardEveryLabel() throws IOException {
    SampleSource source = ManifestSource.open(manifest("m.csv", "path,label", "0.jpg,a", "1.jpg,b|c", "2.jpg,c"));
    SampleSource subset = Sources.subset(source, 1);
    assertThat(subset.maxLabelCount()).isEqualTo(2);
    assertThat(labels(subset, 0)).containsExactly(1, 2);

    SampleSource mixed = Sources.mix(new double[] {1, 1}, 4, true, source, subset);
    assertThat(mixed.maxLabelCount()).isEqualTo(2);
    assertThat(labels(mixed, 4 - 1)).containsExactly(1, 2);
    assertThat(List.of(labels(mixed, 1).length, labels(mixed, 0).length)).containsExactly(2, 1);
  }
}
