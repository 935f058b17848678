package dev.stoker.pack;

import static dev.stoker.pack.TarFixtures.bytes;
import static dev.stoker.pack.TarFixtures.tar;
import static dev.stoker.pack.TarFixtures.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoker.api.SampleSource;
import dev.stoker.dataset.DatasetProvider;
import dev.stoker.dataset.SourceOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.ServiceLoader;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PackDatasetProviderTest {
  @TempDir Path dir;

  @Test
  void serviceLoader_findsThePackProvider() {
    List<DatasetProvider> providers = ServiceLoader.load(DatasetProvider.class).stream()
        .map(ServiceLoader.Provider::get).toList();
    assertThat(providers).filteredOn(p -> p instanceof PackDatasetProvider).singleElement()
        .satisfies(p -> assertThat(p.name()).isEqualTo("pack"));
  }

  @Test
  void open_shardDirectory_capsSamplesAtMaxImageBytes() throws IOException {
    TarFixtures.write(dir, "s.tar", tar(TarArchiveOutputStream.LONGFILE_POSIX,
        "a.jpg", bytes(0, 100), "a.cls", text("0"), "b.jpg", bytes(1, 1000), "b.cls", text("1")));
    DatasetProvider provider = new PackDatasetProvider();
    assertThat(provider.recognizes(dir.toString())).isTrue();
    SampleSource source = provider.open(dir.toString(), SourceOptions.DEFAULT.withMaxImageBytes(500));
    assertThat(source.size()).isEqualTo(2);
    assertThat(source.read(0).remaining()).isEqualTo(100);
    assertThatThrownBy(() -> source.read(1)).isInstanceOf(IOException.class).hasMessageContaining("over the limit of 500");
  }

  @Test
  void readOptions_hugeImageCap_clampedToOneGiB() {
    assertThat(PackDatasetProvider.readOptions(SourceOptions.DEFAULT.withMaxImageBytes(SourceOptions.MAX_IMAGE_BYTES))
        .maxSampleBytes()).isEqualTo(1 << 30);
  }
}
