package dev.stoker.remote.node;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoker.api.SampleSource;
import dev.stoker.dataset.ManifestSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A node carries one label per sample, so it refuses a multi-label source up front. */
class MultiLabelNodeTest {
  @TempDir
  Path dir;

  @Test
  void config_multiLabelSource_refusedNamingTheSourceParameter() throws IOException {
    Files.write(dir.resolve("a.jpg"), new byte[] {1});
    SampleSource source = ManifestSource.open(Files.writeString(dir.resolve("m.csv"), "path,label\na.jpg,cat|dog\n"));
    assertThatThrownBy(() -> DataNodeConfig.loopback(source)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("source").hasMessageContaining("multi-label").hasMessageContaining("one label per sample");
  }
}
