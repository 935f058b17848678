package dev.stoker.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A dataset written once into a fresh temporary directory before a CLI test class's tests, and
 * deleted after them: what each class did with a static {@code @TempDir} and a {@code @BeforeAll}.
 *
 * <pre>{@code
 * @RegisterExtension static final CliDataset dataset = CliDataset.demo(5);   // DemoDataset, 6 x 5 images
 * StokerCli.run("bench", dataset.dir().toString(), "--json");
 * }</pre>
 */
final class CliDataset implements BeforeAllCallback, AfterAllCallback {
  /** Writes the dataset into an empty directory. */
  interface Writer {
    void write(Path dir) throws IOException;
  }

  private final Writer writer;
  private Path dir;

  CliDataset(Writer writer) {
    this.writer = writer;
  }

  /** The demo dataset {@code stoker demo} writes, {@code perClass} images in each class. */
  static CliDataset demo(int perClass) {
    return new CliDataset(dir -> assertThat(DemoDataset.ensure(dir, perClass)).as("demo dataset written").isTrue());
  }

  /** The directory holding the dataset; valid from the class's first test to its last. */
  Path dir() {
    if (dir == null) {
      throw new IllegalStateException("the dataset is written before the class's tests");
    }
    return dir;
  }

  @Override
  public void beforeAll(ExtensionContext context) throws IOException {
    dir = Files.createTempDirectory("stoker-cli-test");
    writer.write(dir);
  }

  @Override
  public void afterAll(ExtensionContext context) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
    dir = null;
  }
}
