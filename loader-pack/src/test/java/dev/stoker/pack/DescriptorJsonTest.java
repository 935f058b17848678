package dev.stoker.pack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class DescriptorJsonTest {
  private static final String SHA = "ab".repeat(32);

  private static PackDescriptor descriptor() {
    return new PackDescriptor(PackDescriptor.VERSION, PackDescriptor.RAW, 0, 0, List.of("cat", "dog"), true, 3, 1, 5,
        List.of(new PackDescriptor.Shard("shard-000000.tar", 3, 10_240, SHA),
            new PackDescriptor.Shard("shard-000001.tar", 2, 8_192, SHA)),
        1, List.of(new PackDescriptor.Failure("train/cat/bad.jpg", "not a JPEG")), "image folder /data/train",
        "2026-12-05T00:00:00Z", "0.1.0");
  }

  private static String json(PackDescriptor d) {
    return new String(DescriptorJson.write(d), StandardCharsets.UTF_8);
  }

  private static PackDescriptor read(String json) {
    return DescriptorJson.read(ByteBuffer.wrap(json.getBytes(StandardCharsets.UTF_8)), "pack/stoker-pack.json");
  }

  @Test
  void read_written_equalsTheOriginal() {
    assertThat(read(json(descriptor()))).isEqualTo(descriptor());
  }

  @Test
  void read_shardCountsThatDoNotAddUp_refusedNamingTheFile() {
    String json = json(descriptor()).replace("\"samples\" : 5", "\"samples\" : 6");

    assertThatThrownBy(() -> read(json))
        .isInstanceOf(PackFormatException.class)
        .hasMessageStartingWith("pack/stoker-pack.json: ")
        .hasMessageContaining("hold 5 samples, the descriptor says 6");
  }

  @Test
  void read_shardNameThatLeavesThePack_refused() {
    String json = json(descriptor()).replace("shard-000001.tar", "../../etc/passwd");

    assertThatThrownBy(() -> read(json))
        .isInstanceOf(PackFormatException.class)
        .hasMessageContaining("must be shard-NNNNNN.tar");
  }

  @Test
  void read_otherVersion_refusedSayingWhichIsRead() {
    String json = json(descriptor()).replace("\"version\" : 1", "\"version\" : 2");

    assertThatThrownBy(() -> read(json))
        .isInstanceOf(PackFormatException.class)
        .hasMessageContaining("reads pack format 1, got 2");
  }

  @Test
  void read_notADescriptor_refusedWithoutEchoingTheBytes() {
    assertThatThrownBy(() -> read("{\"secret\": \"s3cr3t-token\"}"))
        .isInstanceOf(PackFormatException.class)
        .hasMessageContaining("not a Stoker pack descriptor")
        .hasMessageNotContaining("s3cr3t");
    assertThatThrownBy(() -> read("garbage s3cr3t"))
        .isInstanceOf(PackFormatException.class)
        .hasMessageContaining("not valid JSON")
        .hasMessageNotContaining("s3cr3t");
  }

  @Test
  void read_missingField_refusedNamingIt() {
    String json = json(descriptor()).replace("\"max_boxes\"", "\"max_boxen\"");

    assertThatThrownBy(() -> read(json))
        .isInstanceOf(PackFormatException.class)
        .hasMessageContaining("lacks \"max_boxes\"");
  }

  @Test
  void read_overTheSizeCap_refusedBeforeParsing() {
    ByteBuffer huge = ByteBuffer.allocate(DescriptorJson.MAX_BYTES + 1);

    assertThatThrownBy(() -> DescriptorJson.read(huge, "big.json"))
        .isInstanceOf(PackFormatException.class)
        .hasMessageContaining("more than a descriptor's");
  }
}
