package dev.stoker.pack;

import static dev.stoker.pack.TarFixtures.bytes;
import static dev.stoker.pack.TarFixtures.tar;
import static dev.stoker.pack.TarFixtures.text;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stoker.api.SampleSource;
import dev.stoker.storage.StorageOptions;
import dev.stoker.storage.testkit.S3TestServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link SampleSource#contentKey} of the sources this module opens: the same for a copy of a pack,
 * of tar shards or of an object folder in another directory, bucket or prefix (what a data-server
 * node's dataset identity hashes), different when the content differs.
 */
class ContentKeysTest {
  private static S3TestServer s3;
  private static PackReadOptions options;

  @TempDir
  Path tmp;

  @BeforeAll
  static void start() throws Exception {
    s3 = new S3TestServer();
    S3TestServer.useTestCredentials();
    options = PackReadOptions.defaults().withStorage(StorageOptions.defaults().withS3Endpoint(s3.endpoint()));
  }

  @AfterAll
  static void stop() throws Exception {
    s3.close();
  }

  /** Every sample's key, and closes the source. */
  private static List<String> keys(SampleSource source) throws Exception {
    try {
      List<String> keys = new ArrayList<>();
      for (int i = 0; i < source.size(); i++) {
        keys.add(source.contentKey(i));
      }
      return keys;
    } finally {
      ((AutoCloseable) source).close();
    }
  }

  private static List<String> keys(String location) throws Exception {
    return keys(Packs.open(location, options));
  }

  private static String sourceName0(String location) throws Exception {
    SampleSource source = Packs.open(location, options);
    try {
      return source.sourceName(0);
    } finally {
      ((AutoCloseable) source).close();
    }
  }

  /** Copies every file of {@code dir} to {@code to} locally and to {@code s3://bucket/prefix/}. */
  private static Path copy(Path dir, Path to, String bucket, String prefix) throws IOException {
    Files.createDirectories(to);
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.toList()) {
        Files.copy(f, to.resolve(f.getFileName().toString()));
        s3.put(bucket, prefix + "/" + f.getFileName(), Files.readAllBytes(f));
      }
    }
    return to;
  }

  private static List<TestPacks.Sample> samples(int changed) {
    List<TestPacks.Sample> samples = new ArrayList<>(TestPacks.filler(20, 300, 3));
    if (changed >= 0) {
      byte[] image = samples.get(changed).image().clone();
      image[7] ^= 1;   // same length, other bytes
      samples.set(changed, TestPacks.Sample.of(image, changed % 3));
    }
    return samples;
  }

  @Test
  void pack_copiedToAnotherDirectoryAndToS3_sameKeys_otherBytes_otherKeys() throws Exception {
    Path a = tmp.resolve("a/pack");
    TestPacks.write(a, samples(-1), TestPacks.classes(3), 7);
    Path b = copy(a, tmp.resolve("b/c/pack-copy"), "packs", "x/train");
    Path changed = tmp.resolve("changed");
    TestPacks.write(changed, samples(9), TestPacks.classes(3), 7);

    List<String> keys = keys(a.toString());
    assertThat(sourceName0(b.toString())).isNotEqualTo(sourceName0(a.toString()));
    assertThat(keys(b.toString())).isEqualTo(keys);
    assertThat(keys(tmp.resolve("b/c/pack-copy/") + "/")).isEqualTo(keys);
    assertThat(keys("s3://packs/x/train")).isEqualTo(keys);
    assertThat(keys.get(0)).matches("shard-000000\\.tar:000000000\\.jpg \\d+\\+300 sha256:[0-9a-f]{16}");
    List<String> other = keys(changed.toString());
    assertThat(other).hasSameSizeAs(keys);
    assertThat(other.get(9)).as("the changed sample's shard checksum").isNotEqualTo(keys.get(9));
    assertThat(other.get(0)).as("another shard, unchanged").isEqualTo(keys.get(0));
  }

  @Test
  void tarShards_copiedToAnotherDirectoryAndToS3_sameKeys_otherLength_otherKeys() throws Exception {
    Path a = Files.createDirectories(tmp.resolve("wds-a"));
    TarFixtures.write(a, "train-0000.tar", tar(TarArchiveOutputStream.LONGFILE_POSIX,
        "k0.jpg", bytes(6, 5000), "k0.cls", text("1"), "k1.jpg", bytes(7, 700), "k1.cls", text("0")));
    TarFixtures.write(a, "train-0001.tar", tar(TarArchiveOutputStream.LONGFILE_POSIX,
        "k2.jpg", bytes(8, 10), "k2.cls", text("2")));
    Path b = copy(a, tmp.resolve("wds-b/deeper"), "shards", "y/wds");
    Path changed = Files.createDirectories(tmp.resolve("wds-c"));
    copy(a, changed, "shards", "unused");
    TarFixtures.write(changed, "train-0000.tar", tar(TarArchiveOutputStream.LONGFILE_POSIX,
        "k0.jpg", bytes(6, 5001), "k0.cls", text("1"), "k1.jpg", bytes(7, 700), "k1.cls", text("0")));

    List<String> keys = keys(a.toString());
    assertThat(keys).hasSize(3);
    assertThat(keys.get(0)).isEqualTo("train-0000.tar:k0.jpg 512+5000");
    assertThat(keys.get(1)).matches("train-0000\\.tar:k1\\.jpg \\d+\\+700");
    assertThat(keys.get(2)).isEqualTo("train-0001.tar:k2.jpg 512+10");
    assertThat(keys(b.toString())).isEqualTo(keys);
    assertThat(keys("s3://shards/y/wds/")).isEqualTo(keys);
    assertThat(keys(changed.toString())).as("one member one byte longer").isNotEqualTo(keys);
  }

  @Test
  void objectFolder_inTwoBucketsAndPrefixes_sameKeys_renamed_otherKeys() throws Exception {
    for (String where : List.of("one/train", "two/deep/er/copy")) {
      s3.put("objects", where + "/cat/a.jpg", bytes(1, 100));
      s3.put("objects", where + "/dog/b.jpg", bytes(2, 200));
    }
    s3.put("objects2", "train/cat/a.jpg", bytes(1, 100));
    s3.put("objects2", "train/dog/b-renamed.jpg", bytes(2, 200));

    List<String> keys = keys("s3://objects/one/train");
    assertThat(keys).containsExactly("cat/a.jpg", "dog/b.jpg");
    assertThat(keys("s3://objects/two/deep/er/copy/")).isEqualTo(keys);
    assertThat(keys("s3://objects2/train")).isNotEqualTo(keys);
  }

  @Test
  void objectFolder_sameFilesAsALocalImageFolder_sameKeysLabelsClassesAndBytes() throws Exception {
    Path local = tmp.resolve("folder");
    String[] names = {"cat/b.jpg", "cat/a.JPG", "cat/sub/c.png", "dog/x.jpeg", "dog/.hidden.jpg", "eel/readme.txt"};
    for (int i = 0; i < names.length; i++) {
      Files.createDirectories(local.resolve(names[i]).getParent());
      Files.write(local.resolve(names[i]), bytes(i, 100 + i));
      s3.put("mirror", "copy/of/train/" + names[i], bytes(i, 100 + i));
    }
    SampleSource folder = dev.stoker.dataset.ImageFolderSource.open(local);
    SampleSource remote = Packs.open("s3://mirror/copy/of/train", options);
    try {
      assertThat(remote.classes()).isEqualTo(folder.classes());
      assertThat(remote.size()).isEqualTo(folder.size()).isEqualTo(4);
      for (int i = 0; i < folder.size(); i++) {
        assertThat(remote.contentKey(i)).isEqualTo(folder.contentKey(i));
        assertThat(remote.label(i)).isEqualTo(folder.label(i));
        assertThat(WebDatasetSourceTest.bytesOf(remote.read(i)))
            .isEqualTo(WebDatasetSourceTest.bytesOf(folder.read(i)));
      }
    } finally {
      ((AutoCloseable) remote).close();
    }
  }
}
