package dev.stoker.pack;

import static dev.stoker.pack.TarFixtures.bytes;
import static dev.stoker.pack.TarFixtures.tar;
import static dev.stoker.pack.TarFixtures.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.stoker.api.LoaderException;
import dev.stoker.api.SampleSource;
import dev.stoker.storage.BlobStore;
import dev.stoker.storage.BlobStores;
import dev.stoker.storage.StorageOptions;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WebDatasetSourceTest {
  /** 64 KiB chunks: the smallest, so that members and labels straddle chunk boundaries. */
  static final PackReadOptions SMALL_CHUNKS = new PackReadOptions(StorageOptions.defaults(), false, 1000, 1 << 20,
      64 << 10, 256 << 20);
  static final String LONG = "deep/" + "k".repeat(150);
  static final String LONG2 = "other/" + "g".repeat(120);

  @TempDir Path dir;

  static byte[] bytesOf(ByteBuffer buffer) {
    byte[] out = new byte[buffer.remaining()];
    buffer.duplicate().get(out);
    return out;
  }

  private void writeTwoShards() throws IOException {
    TarFixtures.write(dir, "shard-a.tar", tar(TarArchiveOutputStream.LONGFILE_POSIX,
        "s0/000000.jpg", bytes(0, 1000), "s0/000000.cls", text("2\n"),
        "000001.JPG", bytes(1, 70_000), "000001.cls", text("0"),
        "000002.png", bytes(2, 10), "000002.json", text("{\"label\": 1, \"caption\": \"x\"}"),
        LONG + ".jpg", bytes(3, 150_000), LONG + ".cls", text(" 3 ")));
    TarFixtures.write(dir, "shard-b.tar", tar(TarArchiveOutputStream.LONGFILE_GNU,
        LONG2 + ".Jpeg", bytes(4, 5000), LONG2 + ".json", text("{\"labels\": [1, 3]}"),
        "nolabel.jpg", bytes(5, 10),
        "noimage.cls", text("1")));
  }

  @Test
  void open_paxAndGnuLongNamesUppercaseAndPng_labelsAndBytesRight() throws IOException {
    writeTwoShards();
    try (BlobStore store = BlobStores.open(dir.toString(), StorageOptions.defaults())) {
      WebDatasetSource source = WebDatasetSource.open(store, dir.toString(), List.of("shard-a.tar", "shard-b.tar"),
          SMALL_CHUNKS);
      assertThat(source.size()).isEqualTo(5);
      assertThat(labels(source)).containsExactly(2, 0, 1, 3, 1);
      assertThat(source.classes()).containsExactly("0", "1", "2", "3");
      assertThat(source.maxLabelCount()).isEqualTo(2);
      int[] two = new int[2];
      assertThat(source.copyLabels(4, two)).isEqualTo(2);
      assertThat(two).containsExactly(1, 3);
      int[] seeds = {0, 1, 2, 3, 4};
      int[] lengths = {1000, 70_000, 10, 150_000, 5000};
      for (int i = 0; i < 5; i++) {
        assertThat(bytesOf(source.read(i))).as("sample %d", i).isEqualTo(bytes(seeds[i], lengths[i]));
      }
      assertThat(source.sourceName(3)).endsWith("shard-a.tar:" + LONG + ".jpg");
      assertThat(source.sourceName(4)).endsWith("shard-b.tar:" + LONG2 + ".Jpeg");
      assertThat(source.warningCount()).isEqualTo(2);
      assertThat(source.warnings()).anySatisfy(w -> assertThat(w).contains("nolabel").contains("no label"))
          .anySatisfy(w -> assertThat(w).contains("noimage").contains("no image"));
      assertThat(source.description()).contains("5 images").contains("4 classes").contains("2 shards");
    }
  }

  @Test
  void open_directory_dispatchesToWebDatasetInShardOrder() throws Exception {
    writeTwoShards();
    SampleSource source = Packs.open(dir.toString(), SMALL_CHUNKS);
    assertThat(source).isInstanceOf(WebDatasetSource.class).isInstanceOf(AutoCloseable.class);
    assertThat(labels(source)).containsExactly(2, 0, 1, 3, 1);
    ((AutoCloseable) source).close();
  }

  @Test
  void read_sampleOverTheCap_failsNamingItAndTheCap() throws IOException {
    writeTwoShards();
    PackReadOptions tight = new PackReadOptions(StorageOptions.defaults(), false, 1000, 1 << 20, 64 << 10, 2000);
    SampleSource source = Packs.open(dir.resolve("shard-a.tar").toString(), tight);
    assertThat(source.size()).isEqualTo(4);
    assertThat(bytesOf(source.read(0))).isEqualTo(bytes(0, 1000));
    assertThatThrownBy(() -> source.read(1)).isInstanceOf(IOException.class)
        .hasMessageContaining("shard-a.tar:000001.JPG").hasMessageContaining("over the limit of 2000");
  }

  @Test
  void open_badLabels_skipsThoseSamplesWithWarnings() throws IOException {
    TarFixtures.write(dir, "s.tar", tar(TarArchiveOutputStream.LONGFILE_POSIX,
        "a.jpg", bytes(0, 10), "a.cls", text("-1"),
        "b.jpg", bytes(1, 10), "b.cls", text("9".repeat(100)),
        "c.jpg", bytes(2, 10), "c.json", text("{\"label\": \"cat\"}"),
        "d.jpg", bytes(3, 10), "d.json", text("{not json"),
        "e.jpg", bytes(4, 10), "e.cls", text("7")));
    SampleSource source = Packs.open(dir.toString(), SMALL_CHUNKS);
    assertThat(source.size()).isEqualTo(1);
    assertThat(source.label(0)).isEqualTo(7);
    assertThat(source.classes()).hasSize(8);
    assertThat(source.warningCount()).isEqualTo(4);
    assertThat(String.join("\n", source.warnings())).contains("sample a").contains("sample b")
        .contains("sample c").contains("sample d").doesNotContain("sample e");
  }

  /** A hostile or damaged shard beside a good one: skipped whole, with a warning naming it. */
  @ParameterizedTest
  @CsvSource({"checksum, checksum does not match", "huge-size, past the file's end",
      "negative-size, negative", "truncated, truncated", "dotdot, '..'", "absolute, absolute",
      "not-octal, not an octal number"})
  void open_hostileShard_refusedPerShardNamingIt(String kind, String expected) throws IOException {
    TarFixtures.write(dir, "a-good.tar", tar(TarArchiveOutputStream.LONGFILE_POSIX,
        "x.jpg", bytes(0, 100), "x.cls", text("1")));
    TarFixtures.write(dir, "b-bad.tar", hostile(kind));
    SampleSource source = Packs.open(dir.toString(), SMALL_CHUNKS);
    assertThat(source.size()).isEqualTo(1);
    assertThat(source.warnings()).singleElement().asString().contains("b-bad.tar").contains(expected)
        .contains("the shard is skipped");

    Path alone = dir.resolve("alone");
    TarFixtures.write(alone, "b-bad.tar", hostile(kind));
    assertThatThrownBy(() -> Packs.open(alone.toString(), SMALL_CHUNKS)).isInstanceOf(LoaderException.class)
        .hasMessageContaining("no usable WebDataset sample").hasMessageContaining("b-bad.tar")
        .hasMessageContaining(expected);
  }

  static byte[] hostile(String kind) throws IOException {
    byte[] good = tar(TarArchiveOutputStream.LONGFILE_POSIX, "y.jpg", bytes(1, 3000), "y.cls", text("0"));
    switch (kind) {
      case "checksum" -> {
        good[0] ^= 1;
        return good;
      }
      case "huge-size" -> {
        return TarFixtures.rawTar("y.jpg", TarFixtures.octalSize(077777777777L), bytes(1, 100));
      }
      case "negative-size" -> {
        byte[] raw = TarFixtures.rawTar("y.jpg", TarFixtures.octalSize(100), bytes(1, 100));
        Arrays.fill(raw, 124, 136, (byte) 0xff);
        TarFixtures.fixChecksum(raw, 0);
        return raw;
      }
      case "truncated" -> {
        return Arrays.copyOf(good, 512 + 1000);
      }
      case "dotdot" -> {
        return TarFixtures.rawTar("../evil.jpg", TarFixtures.octalSize(100), bytes(1, 100));
      }
      case "absolute" -> {
        return TarFixtures.rawTar("/etc/evil.jpg", TarFixtures.octalSize(100), bytes(1, 100));
      }
      case "not-octal" -> {
        return TarFixtures.rawTar("y.jpg", "00000000x99\0", bytes(1, 100));
      }
      default -> throw new IllegalArgumentException(kind);
    }
  }

  @Test
  void open_shardWrittenByPythonTarfile_readBack() throws Exception {
    Path python = Path.of("/usr/bin/python3");
    assumeTrue(Files.isExecutable(python), "/usr/bin/python3 is absent: the Python tarfile interop test is skipped");
    Path script = dir.resolve("make_shard.py");
    Files.writeString(script, String.join("\n",
        "import io, sys, tarfile",
        "with tarfile.open(sys.argv[1], 'w') as t:",
        "    for i in range(6):",
        "        key = 'train/%06d' % i if i != 5 else 'train/' + 'p' * 140",
        "        for ext, data in (('jpg', bytes([i]) * (1000 + i)), ('cls', str(i % 3).encode())):",
        "            info = tarfile.TarInfo(key + '.' + ext)",
        "            info.size = len(data)",
        "            t.addfile(info, io.BytesIO(data))",
        "with tarfile.open(sys.argv[2], 'w', format=tarfile.USTAR_FORMAT) as t:",  // a ustar prefix field
        "    for ext, data in (('jpg', b'u' * 700), ('cls', b'1')):",
        "        info = tarfile.TarInfo('a' * 90 + '/' + 'b' * 60 + '.' + ext)",
        "        info.size = len(data)",
        "        t.addfile(info, io.BytesIO(data))",
        ""));
    Path shard = dir.resolve("py").resolve("shard-000000.tar");
    Files.createDirectories(shard.getParent());
    Path ustar = shard.resolveSibling("shard-000001.tar");
    Process p = new ProcessBuilder(python.toString(), script.toString(), shard.toString(), ustar.toString())
        .redirectErrorStream(true).start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(new String(p.getInputStream().readAllBytes())).isZero();

    SampleSource source = Packs.open(shard.getParent().toString(), SMALL_CHUNKS);
    assertThat(source.size()).isEqualTo(7);
    assertThat(labels(source)).containsExactly(0, 1, 2, 0, 1, 2, 1);
    assertThat(bytesOf(source.read(6))).isEqualTo("u".repeat(700).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    assertThat(source.sourceName(6)).endsWith("shard-000001.tar:" + "a".repeat(90) + "/" + "b".repeat(60) + ".jpg");
    for (int i = 0; i < 6; i++) {
      byte[] expected = new byte[1000 + i];
      Arrays.fill(expected, (byte) i);
      assertThat(bytesOf(source.read(i))).isEqualTo(expected);
    }
    assertThat(source.sourceName(5)).endsWith("shard-000000.tar:train/" + "p".repeat(140) + ".jpg");
    assertThat(source.warnings()).isEmpty();
  }

  @Test
  void close_closesTheStore() throws IOException {
    writeTwoShards();
    BlobStore local = BlobStores.open(dir.toString(), StorageOptions.defaults());
    int[] closed = {0};
    BlobStore counting = new BlobStore() {
      @Override public String location() { return local.location(); }
      @Override public long size(String key) throws IOException { return local.size(key); }
      @Override public ByteBuffer read(String key, long offset, int length) throws IOException {
        return local.read(key, offset, length);
      }
      @Override public List<String> list(String prefix, int maxKeys) throws IOException {
        return local.list(prefix, maxKeys);
      }
      @Override public void close() { closed[0]++; }
    };
    WebDatasetSource source = WebDatasetSource.open(counting, "test", List.of("shard-a.tar"), SMALL_CHUNKS);
    assertThat(closed[0]).isZero();
    source.close();
    assertThat(closed[0]).isEqualTo(1);
  }

  static int[] labels(SampleSource source) {
    int[] out = new int[source.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = source.label(i);
    }
    return out;
  }
}
