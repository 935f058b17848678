package dev.stoker.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoker.api.LoaderException;
import dev.stoker.api.SampleSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Datasets} asks the {@link DatasetProvider}s before its own layouts, and opens a location
 * string (a path or a URL). The providers are passed in (the package-private overloads), so that
 * this module's tests never depend on a provider being installed.
 */
class DatasetProvidersTest {
  @TempDir
  Path dir;

  /** Recognises locations ending in {@code suffix} (or a directory holding {@code marker}); records what it opened. */
  private static final class Fake implements DatasetProvider {
    final String suffix;
    final List<String> opened = new ArrayList<>();
    final List<SourceOptions> options = new ArrayList<>();

    Fake(String suffix) {
      this.suffix = suffix;
    }

    @Override
    public String name() {
      return "fake" + suffix;
    }

    @Override
    public boolean recognizes(String location) {
      return location.endsWith(suffix) || Files.isRegularFile(Path.of(location).resolve("fake-marker"));
    }

    @Override
    public SampleSource open(String location, SourceOptions sourceOptions) {
      opened.add(location);
      options.add(sourceOptions);
      return new Opened(location);
    }
  }

  /** Two samples named after the location; never read. */
  private record Opened(String location) implements SampleSource {
    @Override
    public String description() {
      return "opened " + location;
    }

    @Override
    public int size() {
      return 2;
    }

    @Override
    public String sourceName(int index) {
      return location + "#" + index;
    }

    @Override
    public int label(int index) {
      return 0;
    }

    @Override
    public List<String> classes() {
      return List.of("x");
    }

    @Override
    public java.nio.ByteBuffer read(int index) {
      throw new UnsupportedOperationException("never read");
    }
  }

  private Path imageFolder() throws IOException {
    Path cls = Files.createDirectories(dir.resolve("folder").resolve("cat"));
    Files.write(cls.resolve("1.jpg"), new byte[] {1});
    return cls.getParent();
  }

  @Test
  void openPath_providerRecognisesTheDirectory_opensItBeforeTheLayouts() throws IOException {
    Path folder = imageFolder();
    Files.writeString(folder.resolve("fake-marker"), "");
    Fake fake = new Fake(".never");
    SourceOptions options = SourceOptions.DEFAULT.withMaxImageBytes(1000);

    SampleSource source = Datasets.open(folder, options, List.of(fake));

    assertThat(source.size()).isEqualTo(2);
    assertThat(fake.opened).containsExactly(folder.toString());
    assertThat(fake.options).containsExactly(options);
  }

  @Test
  void openPath_noProviderRecognisesIt_opensTheLayoutAsBefore() throws IOException {
    Path folder = imageFolder();
    Fake fake = new Fake(".never");

    assertThat(Datasets.open(folder, SourceOptions.DEFAULT, List.of(fake))).isInstanceOf(ImageFolderSource.class);
    assertThat(Datasets.open(folder.toString(), SourceOptions.DEFAULT, List.of(fake)))
        .isInstanceOf(ImageFolderSource.class);
    assertThat(fake.opened).isEmpty();
    // negative control: the same directory is the provider's once it recognises it
    Files.writeString(folder.resolve("fake-marker"), "");
    assertThat(Datasets.open(folder.toString(), SourceOptions.DEFAULT, List.of(fake)))
        .isInstanceOf(Opened.class);
  }

  @Test
  void openString_urlAProviderRecognises_firstRecognisingProviderOpensIt() {
    Fake other = new Fake(".other");
    Fake first = new Fake("/train");
    Fake second = new Fake("/train");

    Datasets.open("s3://bucket/train", SourceOptions.DEFAULT, List.of(other, first, second));

    assertThat(other.opened).isEmpty();
    assertThat(first.opened).containsExactly("s3://bucket/train");
    assertThat(second.opened).isEmpty();
  }

  @Test
  void openString_urlNoProviderRecognises_failsNamingItAndThePackModule() {
    assertThatThrownBy(() -> Datasets.open("s3://bucket/train", SourceOptions.DEFAULT, List.of()))
        .isInstanceOf(LoaderException.class)
        .hasMessageStartingWith("s3://bucket/train: no dataset format recognises this URL (none is installed)")
        .hasMessageContaining(Datasets.PACK_MODULE);
    assertThatThrownBy(() -> Datasets.open("https://host/data", SourceOptions.DEFAULT, List.of(new Fake(".x"))))
        .isInstanceOf(LoaderException.class)
        .hasMessageContaining("https://host/data")
        .hasMessageContaining("installed: [fake.x]");
  }

  @Test
  void openString_pathOrFileUri_opensTheLocalLayout() throws IOException {
    Path folder = imageFolder();

    assertThat(Datasets.open(folder.toString())).isInstanceOf(ImageFolderSource.class);
    assertThat(Datasets.open(folder.toUri().toString(), SourceOptions.DEFAULT, List.of()))
        .isInstanceOf(ImageFolderSource.class);
    assertThatThrownBy(() -> Datasets.open(dir.resolve("missing").toString()))
        .isInstanceOf(LoaderException.class).hasMessage(dir.resolve("missing") + ": no such directory");
  }

  @Test
  void openString_blank_refusedNamingTheParameter() {
    assertThatThrownBy(() -> Datasets.open(" ", SourceOptions.DEFAULT)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("location");
  }

  @Test
  void providers_noneInstalledInThisModule_empty() {
    assertThat(Datasets.providers()).isEmpty();
    assertThat(Datasets.provider("s3://bucket/train")).isEmpty();
  }

  @Test
  void provider_firstRecognising_orEmpty() {
    Fake tar = new Fake(".tar");
    Fake other = new Fake(".other");

    assertThat(Datasets.provider("/data/shard-000000.tar", List.of(other, tar))).containsSame(tar);
    assertThat(Datasets.provider("/data/train", List.of(other, tar))).isEmpty();
  }
}
