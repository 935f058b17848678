package dev.stoker.pack;

import static dev.stoker.pack.TarFixtures.bytes;
import static dev.stoker.pack.TarFixtures.tar;
import static dev.stoker.pack.TarFixtures.text;
import static dev.stoker.pack.WebDatasetSourceTest.bytesOf;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stoker.api.SampleSource;
import dev.stoker.storage.StorageOptions;
import dev.stoker.storage.testkit.S3TestServer;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Packs.open against a real S3-compatible server on loopback: plain objects and WebDataset shards. */
class PacksS3Test {
  private static S3TestServer s3;
  private static PackReadOptions options;

  @BeforeAll
  static void start() throws Exception {
    s3 = new S3TestServer();
    S3TestServer.useTestCredentials();
    options = PackReadOptions.defaults().withStorage(StorageOptions.defaults().withS3Endpoint(s3.endpoint()));
    s3.put("bucket", "train/cat/a.jpg", bytes(1, 100));
    s3.put("bucket", "train/cat/B.JPG", bytes(2, 200));
    s3.put("bucket", "train/dog/deep/c.png", bytes(3, 300));
    s3.put("bucket", "train/readme.txt", bytes(4, 10));
    s3.put("bucket", "other/x/y.jpg", bytes(5, 10));
    s3.put("bucket", "wds/shard-000000.tar", tar(TarArchiveOutputStream.LONGFILE_POSIX,
        "k0.jpg", bytes(6, 5000), "k0.cls", text("1"), "k1.jpg", bytes(7, 70_000), "k1.cls", text("0")));
    s3.put("bucket", "wds/shard-000001.tar", tar(TarArchiveOutputStream.LONGFILE_GNU,
        "k2.png", bytes(8, 10), "k2.json", text("{\"label\": 2}")));
  }

  @AfterAll
  static void stop() throws Exception {
    s3.close();
  }

  @Test
  void open_prefixOfPlainObjects_readsAnImageFolder() throws Exception {
    SampleSource source = Packs.open("s3://bucket/train", options);
    try {
      assertThat(source).isInstanceOf(ObjectFolderSource.class);
      assertThat(source.classes()).containsExactly("cat", "dog");
      assertThat(source.size()).isEqualTo(3);
      assertThat(source.sourceName(0)).isEqualTo("s3://bucket/train/cat/B.JPG");
      assertThat(new int[] {source.label(0), source.label(1), source.label(2)}).containsExactly(0, 0, 1);
      assertThat(bytesOf(source.read(0))).isEqualTo(bytes(2, 200));
      assertThat(bytesOf(source.read(2))).isEqualTo(bytes(3, 300));
    } finally {
      ((AutoCloseable) source).close();
    }
  }

  @Test
  void open_prefixOfShardsOrOneShard_readsWebDataset() throws Exception {
    SampleSource all = Packs.open("s3://bucket/wds/", options);
    try {
      assertThat(all).isInstanceOf(WebDatasetSource.class);
      assertThat(WebDatasetSourceTest.labels(all)).containsExactly(1, 0, 2);
      assertThat(bytesOf(all.read(1))).isEqualTo(bytes(7, 70_000));
      assertThat(all.sourceName(2)).isEqualTo("s3://bucket/wds/shard-000001.tar:k2.png");
    } finally {
      ((AutoCloseable) all).close();
    }
    SampleSource one = Packs.open("s3://bucket/wds/shard-000001.tar", options);
    try {
      assertThat(one.size()).isEqualTo(1);
      assertThat(bytesOf(one.read(0))).isEqualTo(bytes(8, 10));
    } finally {
      ((AutoCloseable) one).close();
    }
  }
}
