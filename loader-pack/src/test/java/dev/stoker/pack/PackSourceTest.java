package dev.stoker.pack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoker.api.EpochSampledSource;
import dev.stoker.storage.BlobStores;
import dev.stoker.storage.StorageOptions;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A pack read back: what was written comes back, and a hostile pack is refused naming its file. */
class PackSourceTest {
  @TempDir
  Path dir;

  private static final PackReadOptions OPTIONS = new PackReadOptions(StorageOptions.defaults(), false, 4,
      4L << 16, 1 << 16, 1 << 20);

  private CountingStore store() {
    return new CountingStore(BlobStores.open(dir.toString(), StorageOptions.defaults()));
  }

  private PackSource open(PackSource.ReadPath path) throws IOException {
    return PackSource.open(store(), dir.toString(), OPTIONS, path);
  }

  private static List<TestPacks.Sample> detection() {
    List<TestPacks.Sample> samples = new ArrayList<>();
    for (int i = 0; i < 9; i++) {
      byte[] image = new byte[1000 + 37 * i];
      for (int b = 0; b < image.length; b++) {
        image[b] = (byte) (b * 31 + i);
      }
      int boxes = i % 3;
      float[] coords = new float[4 * boxes];
      int[] boxLabels = new int[boxes];
      for (int b = 0; b < boxes; b++) {
        coords[4 * b] = b;
        coords[4 * b + 1] = 2 * b;
        coords[4 * b + 2] = b + 10.5f;
        coords[4 * b + 3] = 2 * b + 7.25f;
        boxLabels[b] = (i + b) % 4;
      }
      int[] labels = i == 4 ? new int[] {1, 3} : boxes == 0 ? new int[0] : new int[] {boxLabels[0]};
      samples.add(new TestPacks.Sample(image, labels, coords, boxLabels));
    }
    return samples;
  }

  @Test
  void read_detectionPackBothPaths_bytesLabelsAndBoxesComeBackAsWritten() throws IOException {
    List<TestPacks.Sample> samples = detection();
    TestPacks.write(dir, samples, TestPacks.classes(4), 4);
    for (PackSource.ReadPath path : PackSource.ReadPath.values()) {
      try (PackSource pack = open(path)) {
        assertThat(pack.size()).isEqualTo(9);
        assertThat(pack.classes()).containsExactly("c0", "c1", "c2", "c3");
        assertThat(pack.hasBoxes()).isTrue();
        assertThat(pack.maxBoxCount()).isEqualTo(2);
        assertThat(pack.maxLabelCount()).isEqualTo(2);
        assertThat(pack).isNotInstanceOf(EpochSampledSource.class);
        ByteBuffer reuse = ByteBuffer.allocateDirect(1100);
        for (int i = 0; i < 9; i++) {
          TestPacks.Sample s = samples.get(i);
          assertThat(bytes(pack.read(i))).as("sample %d via %s", i, path).isEqualTo(s.image());
          ByteBuffer again = pack.read(i, reuse);
          assertThat(bytes(again)).isEqualTo(s.image());
          assertThat(again == reuse).isEqualTo(s.image().length <= reuse.capacity());
          reuse = again;
          int[] labels = new int[pack.maxLabelCount()];
          assertThat(pack.copyLabels(i, labels)).isEqualTo(s.labels().length);
          assertThat(java.util.Arrays.copyOf(labels, s.labels().length)).isEqualTo(s.labels());
          assertThat(pack.label(i)).isEqualTo(s.labels().length == 0 ? -1 : s.labels()[0]);
          float[] boxes = new float[4 * pack.maxBoxCount()];
          int[] boxLabels = new int[pack.maxBoxCount()];
          assertThat(pack.copyBoxes(i, boxes, boxLabels)).isEqualTo(s.boxLabels().length);
          assertThat(java.util.Arrays.copyOf(boxes, s.boxes().length)).isEqualTo(s.boxes());
          assertThat(java.util.Arrays.copyOf(boxLabels, s.boxLabels().length)).isEqualTo(s.boxLabels());
        }
        assertThat(pack.sourceName(5)).isEqualTo(dir + "/shard-000001.tar:000000005.jpg");
        assertThat(pack.description()).contains("9 samples", "4 classes", "3 shards", "jpeg");
      }
    }
  }

  @Test
  void read_tarMembers_imageDataSitsWhereTheIndexSays() throws IOException {
    // the shard is a plain tar: the member named KEY.jpg holds the bytes the index points at
    List<TestPacks.Sample> samples = TestPacks.filler(3, 700, 2);
    TestPacks.write(dir, samples, TestPacks.classes(2), 3);
    byte[] tar = Files.readAllBytes(dir.resolve("shard-000000.tar"));
    try (PackSource pack = open(PackSource.ReadPath.BLOCKS)) {
      int at = 0;
      for (int i = 0; i < 3; i++) {
        String name = new String(tar, at, 13, java.nio.charset.StandardCharsets.US_ASCII);
        assertThat(name).isEqualTo(PackDescriptor.key(i) + ".jpg");
        assertThat(bytes(pack.read(i))).isEqualTo(java.util.Arrays.copyOfRange(tar, at + 512, at + 512 + 700 + i));
        at += 512 + 1024 + 512 + 512 + 512 + 512;   // jpg (header, 2 data blocks), cls, json (1 + 1 each)
      }
    }
  }

  @Test
  void open_shardShuffle_isAnEpochSampledSourceThatKeepsItsOrder() throws IOException {
    TestPacks.write(dir, TestPacks.filler(10, 100, 2), TestPacks.classes(2), 4);
    try (PackSource pack = PackSource.open(store(), dir.toString(), OPTIONS.withShardShuffle(true, 3))) {
      assertThat(pack).isInstanceOf(EpochSampledSource.class);
      EpochSampledSource drawn = (EpochSampledSource) pack;
      assertThat(drawn.keepsOrder()).isTrue();
      assertThat(drawn.samplesPerEpoch()).isEqualTo(10);
      assertThat(pack.description()).contains("shard by shard", "shuffle window 3");
    }
  }

  @Test
  void read_shardFailsUnderneath_ioExceptionNamesShardAndKey() throws IOException {
    TestPacks.write(dir, TestPacks.filler(6, 100, 2), TestPacks.classes(2), 3);
    CountingStore store = store();
    for (PackSource.ReadPath path : PackSource.ReadPath.values()) {
      try (PackSource pack = PackSource.open(store, dir.toString(), OPTIONS, path)) {
        store.failShards = true;
        assertThatThrownBy(() -> pack.read(4)).isInstanceOf(IOException.class)
            .hasMessageContaining("shard-000001.tar:000000004.jpg")
            .hasMessageContaining("connection reset");
        store.failShards = false;
        // nothing cached from the failure: the next read succeeds
        assertThat(bytes(pack.read(4))).isEqualTo(TestPacks.filler(6, 100, 2).get(4).image());
      }
    }
  }

  @Test
  void open_shardSizeDiffers_refusedNamingTheShard() throws IOException {
    long bytes = TestPacks.write(dir, TestPacks.filler(6, 100, 2), TestPacks.classes(2), 3).shards().get(1).bytes();
    Files.write(dir.resolve("shard-000001.tar"), new byte[] {1}, java.nio.file.StandardOpenOption.APPEND);
    assertThatThrownBy(() -> open(PackSource.ReadPath.BLOCKS)).isInstanceOf(PackFormatException.class)
        .hasMessage(dir + "/shard-000001.tar: is " + (bytes + 1) + " bytes, the descriptor says " + bytes);
  }

  @Test
  void open_shardMissing_refusedNamingTheShard() throws IOException {
    TestPacks.write(dir, TestPacks.filler(6, 100, 2), TestPacks.classes(2), 3);
    Files.delete(dir.resolve("shard-000001.tar"));
    assertThatThrownBy(() -> open(PackSource.ReadPath.BLOCKS)).isInstanceOf(PackFormatException.class)
        .hasMessage(dir + "/shard-000001.tar: is missing");
  }

  @Test
  void open_descriptorOverItsLimit_refusedBeforeReadingIt() throws IOException {
    TestPacks.write(dir, TestPacks.filler(2, 100, 2), TestPacks.classes(2), 3);
    try (RandomAccessFile file = new RandomAccessFile(dir.resolve(PackDescriptor.FILE_NAME).toFile(), "rw")) {
      file.setLength(DescriptorJson.MAX_BYTES + 1L);   // sparse: costs no disk
    }
    CountingStore store = store();
    assertThatThrownBy(() -> PackSource.open(store, dir.toString(), OPTIONS)).isInstanceOf(PackFormatException.class)
        .hasMessageContaining(PackDescriptor.FILE_NAME + ": is " + (DescriptorJson.MAX_BYTES + 1L) + " bytes");
    assertThat(store.reads).isEmpty();
  }

  @Test
  void open_indexLargerThanTheCountsAllow_refusedBeforeReadingIt() throws IOException {
    TestPacks.write(dir, TestPacks.filler(2, 100, 2), TestPacks.classes(2), 3);
    try (RandomAccessFile file = new RandomAccessFile(dir.resolve(PackDescriptor.INDEX_NAME).toFile(), "rw")) {
      file.setLength(1L << 30);   // a gigabyte the descriptor's two samples cannot need
    }
    CountingStore store = store();
    assertThatThrownBy(() -> PackSource.open(store, dir.toString(), OPTIONS)).isInstanceOf(PackFormatException.class)
        .hasMessageContaining(PackDescriptor.INDEX_NAME + ": is 1073741824 bytes; 2 samples with at most 1 labels");
    assertThat(store.reads).extracting(CountingStore.Read::key).containsExactly(PackDescriptor.FILE_NAME);
  }

  @Test
  void open_indexTruncated_refusedNamingTheIndex() throws IOException {
    TestPacks.write(dir, TestPacks.filler(3, 100, 2), TestPacks.classes(2), 3);
    Path index = dir.resolve(PackDescriptor.INDEX_NAME);
    byte[] whole = Files.readAllBytes(index);
    // shorter than three samples can be: refused by its size
    Files.write(index, java.util.Arrays.copyOf(whole, 12 + 3 * 24 - 1));
    assertThatThrownBy(() -> open(PackSource.ReadPath.BLOCKS)).isInstanceOf(PackFormatException.class)
        .hasMessageContaining(dir + "/" + PackDescriptor.INDEX_NAME + ": is 83 bytes; 3 samples with at most 1 labels"
            + " and 0 boxes each take 84 to 96");
    // within the size bounds but cut inside a sample
    Files.write(index, java.util.Arrays.copyOf(whole, whole.length - 1));
    assertThatThrownBy(() -> open(PackSource.ReadPath.BLOCKS)).isInstanceOf(PackFormatException.class)
        .hasMessage(dir + "/" + PackDescriptor.INDEX_NAME + ": ends inside sample 2");
  }

  @Test
  void open_indexPlacesASampleBeyondItsShard_refusedNamingIndexSampleAndShard() throws IOException {
    PackDescriptor d = TestPacks.write(dir, TestPacks.filler(3, 100, 2), TestPacks.classes(2), 3);
    long shardBytes = d.shards().get(0).bytes();
    writeIndex(new PackIndex.Builder()
        .add(0, 512, 100, new int[] {0}, new float[0], new int[0])
        .add(0, shardBytes - 50, 100, new int[] {1}, new float[0], new int[0])
        .add(0, 3584, 100, new int[] {0}, new float[0], new int[0]));
    assertThatThrownBy(() -> open(PackSource.ReadPath.BLOCKS)).isInstanceOf(PackFormatException.class)
        .hasMessage(dir + "/index.bin: sample 1: bytes [" + (shardBytes - 50) + ", +100) outside shard-000000.tar's "
            + shardBytes);
  }

  @Test
  void open_labelOutOfRange_refusedNamingIndexAndSample() throws IOException {
    TestPacks.write(dir, TestPacks.filler(3, 100, 2), TestPacks.classes(2), 3);
    writeIndex(new PackIndex.Builder()
        .add(0, 512, 100, new int[] {0}, new float[0], new int[0])
        .add(0, 3584, 100, new int[] {1}, new float[0], new int[0])
        .add(0, 6656, 100, new int[] {2}, new float[0], new int[0]));
    assertThatThrownBy(() -> open(PackSource.ReadPath.BLOCKS)).isInstanceOf(PackFormatException.class)
        .hasMessage(dir + "/index.bin: sample 2: label 2 outside [0, 2)");
  }

  @Test
  void open_indexCountsDisagreeWithTheShards_refusedNamingTheShard() throws IOException {
    TestPacks.write(dir, TestPacks.filler(4, 100, 2), TestPacks.classes(2), 2);
    writeIndex(new PackIndex.Builder()
        .add(0, 512, 100, new int[] {0}, new float[0], new int[0])
        .add(0, 3584, 100, new int[] {1}, new float[0], new int[0])
        .add(0, 6656, 100, new int[] {0}, new float[0], new int[0])
        .add(1, 512, 100, new int[] {1}, new float[0], new int[0]));
    assertThatThrownBy(() -> open(PackSource.ReadPath.BLOCKS)).isInstanceOf(PackFormatException.class)
        .hasMessage(dir + "/index.bin: places 3 samples in shard-000000.tar, the descriptor says 2");
  }

  @Test
  void read_sampleOverMaxSampleBytes_failsThatSampleOnly() throws IOException {
    TestPacks.write(dir, List.of(TestPacks.Sample.of(new byte[5000], 0), TestPacks.Sample.of(new byte[10], 1)),
        TestPacks.classes(2), 2);
    PackReadOptions small = new PackReadOptions(StorageOptions.defaults(), false, 1, 4L << 16, 1 << 16, 4096);
    try (PackSource pack = PackSource.open(store(), dir.toString(), small)) {
      assertThatThrownBy(() -> pack.read(0, null)).isInstanceOf(IOException.class)
          .hasMessageContaining("shard-000000.tar:000000000.jpg: 5000 bytes, over the limit of 4096");
      assertThat(pack.read(1).remaining()).isEqualTo(10);
    }
  }

  private void writeIndex(PackIndex.Builder builder) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    builder.build().write(out);
    Files.write(dir.resolve(PackDescriptor.INDEX_NAME), out.toByteArray());
  }

  static byte[] bytes(ByteBuffer buffer) {
    byte[] out = new byte[buffer.remaining()];
    buffer.duplicate().get(out);
    return out;
  }

}
