package dev.stoker.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoDatasetTest {
  @TempDir Path dir;

  @Test
  void ensure_smallerPerClassOverALargerSet_leavesExactlyThatManyImagesPerClass() throws IOException {
    assertThat(DemoDataset.ensure(dir, 4)).isTrue();
    Path mine = Files.writeString(dir.resolve(DemoDataset.CLASSES.get(0)).resolve("mine.jpg"), "not ours");

    assertThat(DemoDataset.ensure(dir, 2)).isTrue();

    for (String cls : DemoDataset.CLASSES) {
      assertThat(generated(dir.resolve(cls))).as(cls).containsExactly("0000.jpg", "0001.jpg");
    }
    assertThat(mine).as("a file of another name is not the generator's").exists();
  }

  @Test
  void ensure_sameCountAgain_reusesTheSetWithoutWriting_negativeControl() throws IOException {
    assertThat(DemoDataset.ensure(dir, 2)).isTrue();
    assertThat(DemoDataset.ensure(dir, 2)).isFalse();
    for (String cls : DemoDataset.CLASSES) {
      assertThat(generated(dir.resolve(cls))).as(cls).containsExactly("0000.jpg", "0001.jpg");
    }
  }

  @Test
  void ensure_largerPerClassAfterASmallerSet_addsTheMissingImages() throws IOException {
    DemoDataset.ensure(dir, 1);
    assertThat(DemoDataset.ensure(dir, 3)).isTrue();
    assertThat(generated(dir.resolve(DemoDataset.CLASSES.get(5)))).containsExactly("0000.jpg", "0001.jpg", "0002.jpg");
  }

  private static List<String> generated(Path classDir) throws IOException {
    try (Stream<Path> files = Files.list(classDir)) {
      return files.map(f -> f.getFileName().toString()).filter(n -> n.matches("\\d{4}\\.jpg")).sorted().toList();
    }
  }
}
