package dev.stoker.pack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

class PackIndexTest {
  private static final String SHA = "0".repeat(64);

  private static PackDescriptor descriptor(int samples, long shardBytes, int maxBoxes, int maxLabels) {
    return new PackDescriptor(PackDescriptor.VERSION, PackDescriptor.JPEG, 256, 90, List.of("cat", "dog", "eel"),
        maxBoxes > 0, maxBoxes, maxLabels, samples,
        List.of(new PackDescriptor.Shard("shard-000000.tar", samples, shardBytes, SHA)), 0, List.of(), "test",
        "2026-12-05T00:00:00Z", "test");
  }

  private static PackIndex sample() {
    return new PackIndex.Builder()
        .add(0, 512, 100, new int[] {2}, new float[0], new int[0])
        .add(0, 1536, 200, new int[] {0, 1}, new float[] {1, 2, 30, 40, 5, 6, 7, 8}, new int[] {1, 2})
        .add(0, 2560, 0, new int[0], new float[0], new int[0])
        .build();
  }

  private static ByteBuffer bytes(PackIndex index) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    index.write(out);
    return ByteBuffer.wrap(out.toByteArray());
  }

  @Test
  void read_writtenIndex_roundTripsPlacesLabelsAndBoxes() throws IOException {
    PackIndex read = PackIndex.read(bytes(sample()), descriptor(3, 4096, 2, 2), "index.bin");

    assertThat(read.size()).isEqualTo(3);
    assertThat(read.offset(1)).isEqualTo(1536);
    assertThat(read.length(1)).isEqualTo(200);
    assertThat(read.label(0)).isEqualTo(2);
    assertThat(read.label(2)).isEqualTo(-1);
    int[] labels = new int[2];
    assertThat(read.copyLabels(1, labels)).isEqualTo(2);
    assertThat(labels).containsExactly(0, 1);
    float[] boxes = new float[8];
    int[] boxLabels = new int[2];
    assertThat(read.copyBoxes(1, boxes, boxLabels)).isEqualTo(2);
    assertThat(boxes).containsExactly(1, 2, 30, 40, 5, 6, 7, 8);
    assertThat(boxLabels).containsExactly(1, 2);
    assertThat(read.boxCount(0)).isZero();
  }

  @Test
  void read_sampleBeyondItsShard_refusedNamingTheSample() throws IOException {
    assertThatThrownBy(() -> PackIndex.read(bytes(sample()), descriptor(3, 1700, 2, 2), "p/index.bin"))
        .isInstanceOf(PackFormatException.class)
        .hasMessageContaining("p/index.bin")
        .hasMessageContaining("sample 1")
        .hasMessageContaining("shard-000000.tar");
  }

  @Test
  void read_moreLabelsThanTheDescriptorAllows_refused() throws IOException {
    assertThatThrownBy(() -> PackIndex.read(bytes(sample()), descriptor(3, 4096, 2, 1), "index.bin"))
        .isInstanceOf(PackFormatException.class)
        .hasMessageContaining("sample 1: 2 labels");
  }

  @Test
  void read_labelOutsideTheClasses_refused() throws IOException {
    PackIndex index = new PackIndex.Builder().add(0, 0, 1, new int[] {3}, new float[0], new int[0]).build();

    assertThatThrownBy(() -> PackIndex.read(bytes(index), descriptor(1, 10, 0, 1), "index.bin"))
        .isInstanceOf(PackFormatException.class)
        .hasMessageContaining("label 3 outside [0, 3)");
  }

  @Test
  void read_degenerateBox_refused() throws IOException {
    PackIndex index = new PackIndex.Builder()
        .add(0, 0, 1, new int[] {0}, new float[] {5, 5, 5, 9}, new int[] {0}).build();

    assertThatThrownBy(() -> PackIndex.read(bytes(index), descriptor(1, 10, 1, 1), "index.bin"))
        .isInstanceOf(PackFormatException.class)
        .hasMessageContaining("degenerate");
  }

  @Test
  void read_countAboveTheDescriptors_refusedBeforeAllocating() throws IOException {
    ByteBuffer b = bytes(sample());
    b.putInt(8, Integer.MAX_VALUE);

    assertThatThrownBy(() -> PackIndex.read(b, descriptor(3, 4096, 2, 2), "index.bin"))
        .isInstanceOf(PackFormatException.class)
        .hasMessageContaining("holds 2147483647 samples, the descriptor says 3");
  }

  @Test
  void read_truncated_refusedNamingWhereItEnds() throws IOException {
    ByteBuffer b = bytes(sample());
    ByteBuffer cut = b.limit(b.limit() - 3);

    assertThatThrownBy(() -> PackIndex.read(cut, descriptor(3, 4096, 2, 2), "index.bin"))
        .isInstanceOf(PackFormatException.class)
        .hasMessageContaining("ends inside sample 2");
  }

  @Test
  void read_wrongMagic_refused() {
    ByteBuffer junk = ByteBuffer.wrap("not an index at all, clearly".getBytes());

    assertThatThrownBy(() -> PackIndex.read(junk, descriptor(3, 4096, 2, 2), "index.bin"))
        .isInstanceOf(PackFormatException.class)
        .hasMessageContaining("wrong magic");
  }

  @Test
  void read_trailingBytes_refused() throws IOException {
    ByteBuffer b = bytes(sample());
    ByteBuffer longer = ByteBuffer.allocate(b.remaining() + 4).put(b).putInt(7).flip();

    assertThatThrownBy(() -> PackIndex.read(longer, descriptor(3, 4096, 2, 2), "index.bin"))
        .isInstanceOf(PackFormatException.class)
        .hasMessageContaining("4 bytes follow the last sample");
  }
}
