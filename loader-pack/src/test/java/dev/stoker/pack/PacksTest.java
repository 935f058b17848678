package dev.stoker.pack;

import static dev.stoker.pack.TarFixtures.bytes;
import static dev.stoker.pack.TarFixtures.tar;
import static dev.stoker.pack.TarFixtures.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoker.api.LoaderException;
import dev.stoker.api.SampleSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PacksTest {
  @TempDir Path dir;

  static PackDescriptor descriptor() {
    return new PackDescriptor(PackDescriptor.VERSION, PackDescriptor.JPEG, 256, 90, List.of("cat", "dog"), false, 0,
        1, 3, List.of(new PackDescriptor.Shard("shard-000000.tar", 3, 4096, "0".repeat(64))), 0, List.of(),
        "/data/train", "2026-12-05T00:00:00Z", "0.1.0-SNAPSHOT");
  }

  private Path shards() throws IOException {
    Path shards = dir.resolve("wds");
    TarFixtures.write(shards, "shard-000000.tar", tar(TarArchiveOutputStream.LONGFILE_POSIX,
        "a.jpg", bytes(0, 10), "a.cls", text("0")));
    TarFixtures.write(shards, "shard-000001.tar", tar(TarArchiveOutputStream.LONGFILE_POSIX,
        "b.jpg", bytes(1, 10), "b.cls", text("1"), "c.jpg", bytes(2, 10), "c.cls", text("1")));
    return shards;
  }

  @Test
  void open_directoryOfShards_readsEveryShardInOrder() throws IOException {
    SampleSource source = Packs.open(shards().toString());
    assertThat(source).isInstanceOf(WebDatasetSource.class);
    assertThat(source.size()).isEqualTo(3);
    assertThat(source.sourceName(2)).endsWith("shard-000001.tar:c.jpg");
  }

  @Test
  void open_oneTarFile_readsThatShardOnly() throws IOException {
    Path shards = shards();
    SampleSource source = Packs.open(shards.resolve("shard-000001.tar").toString());
    assertThat(source.size()).isEqualTo(2);
    SampleSource byUri = Packs.open(shards.resolve("shard-000000.tar").toUri().toString());
    assertThat(byUri.size()).isEqualTo(1);
  }

  @Test
  void open_localImageFolder_refusedNamingIt() throws IOException {
    Files.createDirectories(dir.resolve("cat"));
    Files.write(dir.resolve("cat/x.jpg"), bytes(0, 10));
    assertThatThrownBy(() -> Packs.open(dir.toString())).isInstanceOf(LoaderException.class)
        .hasMessageContaining(dir.toString()).hasMessageContaining("not a Stoker pack")
        .hasMessageContaining("no WebDataset shards");
  }

  @Test
  void open_missingDirectory_failsNamingIt() {
    Path missing = dir.resolve("nope");
    assertThatThrownBy(() -> Packs.open(missing.toString())).isInstanceOf(LoaderException.class)
        .hasMessageContaining(missing.toString());
  }

  @Test
  void open_unsupportedScheme_failsNamingIt() {
    assertThatThrownBy(() -> Packs.open("ftp://host/data")).isInstanceOf(LoaderException.class)
        .hasMessageContaining("ftp://host/data");
  }

  @Test
  void descriptor_packDirectoryOrItsJson_readBack() throws IOException {
    Files.write(dir.resolve(PackDescriptor.FILE_NAME), DescriptorJson.write(descriptor()));
    assertThat(Packs.descriptor(dir.toString())).isEqualTo(descriptor());
    assertThat(Packs.descriptor(dir.resolve(PackDescriptor.FILE_NAME).toString())).isEqualTo(descriptor());
  }

  @Test
  void descriptor_notAPack_failsNamingTheFile() throws IOException {
    assertThatThrownBy(() -> Packs.descriptor(shards().toString())).isInstanceOf(PackFormatException.class)
        .hasMessageContaining(PackDescriptor.FILE_NAME).hasMessageContaining("not a Stoker pack");
  }

  @Test
  void recognizes_packsShardsAndUrls_notImageFolders() throws IOException {
    Path shards = shards();
    Path pack = Files.createDirectories(dir.resolve("pack"));
    Files.write(pack.resolve(PackDescriptor.FILE_NAME), DescriptorJson.write(descriptor()));
    Path folder = Files.createDirectories(dir.resolve("folder/cat"));
    Files.write(folder.resolve("x.jpg"), bytes(0, 10));

    assertThat(Packs.recognizes(shards.toString())).isTrue();
    assertThat(Packs.recognizes(shards.resolve("shard-000000.tar").toString())).isTrue();
    assertThat(Packs.recognizes(shards.toUri().toString())).isTrue();
    assertThat(Packs.recognizes(pack.toString())).isTrue();
    assertThat(Packs.recognizes(pack.resolve(PackDescriptor.FILE_NAME).toString())).isTrue();
    assertThat(Packs.recognizes("s3://bucket/train")).isTrue();
    assertThat(Packs.recognizes("HTTPS://host/train/stoker-pack.json")).isTrue();
    assertThat(Packs.recognizes("http://host/shard-{000000..000009}.tar")).isTrue();

    assertThat(Packs.recognizes(dir.resolve("folder").toString())).isFalse();
    assertThat(Packs.recognizes(folder.resolve("x.jpg").toString())).isFalse();
    assertThat(Packs.recognizes(dir.resolve("missing").toString())).isFalse();
    assertThat(Packs.recognizes(dir.resolve("missing.tar").toString())).isFalse();
    assertThat(Packs.recognizes("ftp://host/x")).isFalse();
    assertThat(Packs.recognizes("")).isFalse();
    assertThat(Packs.recognizes(null)).isFalse();
  }

  @Test
  void location_remote_splitsDescriptorAndShardsFromTheRoot() {
    assertThat(Location.parse("s3://bucket/train/")).isEqualTo(new Location("s3://bucket/train", List.of(), false, true));
    assertThat(Location.parse("s3://bucket/train/stoker-pack.json"))
        .isEqualTo(new Location("s3://bucket/train", List.of(), true, true));
    assertThat(Location.parse("https://host/wds/shard-000003.tar"))
        .isEqualTo(new Location("https://host/wds", List.of("shard-000003.tar"), false, true));
    assertThat(Location.parse("s3://bucket")).isEqualTo(new Location("s3://bucket", List.of(), false, true));
    assertThat(Location.parse("s3://bucket/x.TAR")).isEqualTo(new Location("s3://bucket", List.of("x.TAR"), false, true));
    assertThat(Location.parse("https://host/wds/s-{000..002}.tar")).isEqualTo(
        new Location("https://host/wds", List.of("s-000.tar", "s-001.tar", "s-002.tar"), false, true));
  }

  @Test
  void range_padsToTheBoundsWidth_refusesBackwardsAndHugeRanges() {
    assertThat(Location.range("shard-{8..10}.tar")).containsExactly("shard-8.tar", "shard-9.tar", "shard-10.tar");
    assertThat(Location.range("shard-{08..10}.tar")).containsExactly("shard-08.tar", "shard-09.tar", "shard-10.tar");
    assertThat(Location.range("shard-{0..3}.zip")).isNull();
    assertThat(Location.range("shard-000.tar")).isNull();
    assertThatThrownBy(() -> Location.range("s-{5..4}.tar")).hasMessageContaining("upwards");
    assertThatThrownBy(() -> Location.range("s-{0..999999999}.tar")).hasMessageContaining("at most");
  }

  @Test
  void open_braceRangeOfLocalShards_readsThoseShards() throws IOException {
    Path shards = shards();
    String range = shards.resolve("shard-{000000..000001}.tar").toString();
    assertThat(Packs.recognizes(range)).isTrue();
    SampleSource source = Packs.open(range);
    assertThat(source.size()).isEqualTo(3);
    assertThat(source.sourceName(0)).endsWith("shard-000000.tar:a.jpg");
  }
}
