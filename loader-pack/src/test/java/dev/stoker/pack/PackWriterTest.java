package dev.stoker.pack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stoker.api.ImageBuffer;
import dev.stoker.api.ImageDecoder;
import dev.stoker.api.SampleSource;
import dev.stoker.dataset.Datasets;
import dev.stoker.decode.ImageDecoders;
import dev.stoker.api.DecodeRequest;
import dev.stoker.api.ImageHeader;
import dev.stoker.image.RawImage;
import dev.stoker.testkit.GradientImageFolder;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The writer's round trip: every member where the index says, the JSON and labels right, boxes scaled, failures listed. */
class PackWriterTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path tmp;

  static PackOptions small() {
    return PackOptions.defaults().withMaxSide(24).withShardSize(PackOptions.MIN_SHARD_SIZE).withWorkers(2);
  }

  @Test
  void write_gradientFolder_everyIndexOffsetPointsAtItsImageMember() throws IOException {
    Path data = GradientImageFolder.of(40).size(300, 200, 7, 3).writeTo(tmp.resolve("data"));
    SampleSource source = Datasets.open(data);
    Path pack = tmp.resolve("pack");
    PackReport report = PackWriting.write(source, pack, small());

    PackDescriptor d = PackFixtures.descriptor(pack);
    PackIndex index = PackFixtures.index(pack);
    assertThat(report.samples()).isEqualTo(40);
    assertThat(report.failed()).isZero();
    assertThat(d.samples()).isEqualTo(40);
    assertThat(d.shards()).hasSizeGreaterThan(1).hasSize(report.shards());
    assertThat(d.classes()).isEqualTo(source.classes());
    assertThat(d.imageFormat()).isEqualTo("jpeg");
    assertThat(d.quality()).isEqualTo(90);
    assertThat(d.maxSide()).isEqualTo(24);
    assertThat(PackFixtures.files(pack)).containsExactlyElementsOf(java.util.stream.Stream.concat(
        d.shards().stream().map(PackDescriptor.Shard::name), java.util.stream.Stream.of("index.bin",
            "stoker-pack.json")).sorted().toList());
    Map<String, TarMembers.Member> members = new HashMap<>();
    Map<String, Integer> shardOf = new HashMap<>();
    for (int s = 0; s < d.shards().size(); s++) {
      Path shard = pack.resolve(d.shards().get(s).name());
      assertThat(Files.size(shard)).isEqualTo(d.shards().get(s).bytes());
      assertThat(PackWriter.sha256(shard)).isEqualTo(d.shards().get(s).sha256());
      List<TarMembers.Member> list = TarMembers.read(shard);
      assertThat(list).hasSize(3 * d.shards().get(s).samples());
      for (TarMembers.Member m : list) {
        members.put(m.name(), m);
        shardOf.put(m.name(), s);
      }
    }
    ImageDecoder decoder = ImageDecoders.imageIo();
    for (int i = 0; i < 40; i++) {
      String key = PackDescriptor.key(i);
      TarMembers.Member image = members.get(key + ".jpg");
      assertThat(image).as(key).isNotNull();
      assertThat(index.shard(i)).isEqualTo(shardOf.get(key + ".jpg"));
      assertThat(index.offset(i)).as("offset of %s", key).isEqualTo(image.dataOffset());
      assertThat(index.length(i)).isEqualTo(image.size());
      ImageHeader h = decoder.readHeader(ByteBuffer.wrap(image.data()), key);
      assertThat(Math.min(h.width(), h.height())).isEqualTo(24);
      JsonNode json = JSON.readTree(members.get(key + ".json").data());
      assertThat(json.get("width").asInt()).isEqualTo(h.width());
      assertThat(json.get("height").asInt()).isEqualTo(h.height());
      assertThat(json.get("source").asText()).isEqualTo(source.sourceName(i));
      assertThat(json.get("label").asInt()).isEqualTo(source.label(i));
      assertThat(json.get("labels").get(0).asInt()).isEqualTo(source.label(i));
      assertThat(new String(members.get(key + ".cls").data(), StandardCharsets.US_ASCII))
          .isEqualTo(Integer.toString(source.label(i)));
      assertThat(index.label(i)).isEqualTo(source.label(i));
    }
  }

  @Test
  void write_cocoFixture_boxesScaledWithTheImage() throws IOException {
    SampleSource source = Datasets.open(PackFixtures.coco(tmp.resolve("coco"), 5));
    Path pack = tmp.resolve("pack");
    PackWriting.write(source, pack, small().withMaxSide(50));
    PackDescriptor d = PackFixtures.descriptor(pack);
    PackIndex index = PackFixtures.index(pack);
    assertThat(d.hasBoxes()).isTrue();
    assertThat(d.maxBoxes()).isEqualTo(2);
    List<TarMembers.Member> members = TarMembers.read(pack.resolve(d.shards().getFirst().name()));
    for (int i = 0; i < 5; i++) {
      // 200x100 shrunk to 100x50: every coordinate halves
      float[] boxes = new float[8];
      int[] labels = new int[2];
      assertThat(index.copyBoxes(i, boxes, labels)).isEqualTo(2);
      float[] source4 = new float[8];
      int[] sourceLabels = new int[2];
      source.copyBoxes(i, source4, sourceLabels);
      for (int c = 0; c < 8; c++) {
        assertThat(boxes[c]).as("sample %d coordinate %d", i, c).isEqualTo(source4[c] * 0.5f);
      }
      assertThat(labels).isEqualTo(sourceLabels);
      String key = PackDescriptor.key(i);
      JsonNode json = JSON.readTree(members.stream().filter(m -> m.name().equals(key + ".json")).findFirst()
          .orElseThrow().data());
      assertThat(json.get("width").asInt()).isEqualTo(100);
      assertThat(json.get("height").asInt()).isEqualTo(50);
      assertThat(json.get("boxes").get(1).get(0).floatValue()).isEqualTo((100 + i) * 0.5f);
      assertThat(json.get("box_labels").get(1).asInt()).isEqualTo(sourceLabels[1]);
    }
  }

  @Test
  void write_brokenFile_countedAndListedNotPacked() throws IOException {
    Path data = GradientImageFolder.of(12).withBroken().writeTo(tmp.resolve("data"));
    SampleSource source = Datasets.open(data);
    Path pack = tmp.resolve("pack");
    PackReport report = PackWriting.write(source, pack, small());
    assertThat(report.samples()).isEqualTo(12);
    assertThat(report.failed()).isEqualTo(1);
    assertThat(report.failures()).singleElement().satisfies(f -> {
      assertThat(f.name()).endsWith("broken.jpg");
      assertThat(f.reason()).isNotBlank().doesNotContain("\n").hasSizeLessThanOrEqualTo(SampleEncoder.MAX_REASON);
    });
    PackDescriptor d = PackFixtures.descriptor(pack);
    assertThat(d.failed()).isEqualTo(1);
    assertThat(d.failures()).isEqualTo(report.failures());
    assertThat(d.samples()).isEqualTo(12);
    // keys stay contiguous over the gap
    assertThat(PackFixtures.index(pack).size()).isEqualTo(12);
  }

  @Test
  void write_rawAtFullSize_storesTheLoadersFullDecode() throws IOException {
    Path data = GradientImageFolder.of(4).writeTo(tmp.resolve("data"));
    SampleSource source = Datasets.open(data);
    Path pack = tmp.resolve("pack");
    PackWriting.write(source, pack, small().withMaxSide(0).withFormat("raw"));
    PackDescriptor d = PackFixtures.descriptor(pack);
    assertThat(d.quality()).isZero();
    assertThat(d.imageExtension()).isEqualTo("rgb8");
    List<TarMembers.Member> members = TarMembers.read(pack.resolve(d.shards().getFirst().name()));
    ImageDecoder decoder = ImageDecoders.best();
    for (int i = 0; i < 4; i++) {
      ByteBuffer encoded = source.read(i);
      ImageHeader h = decoder.readHeader(encoded, "x");
      ImageBuffer full = ImageBuffer.allocate(0);
      decoder.decode(encoded, DecodeRequest.full(h), full, "x");
      String key = PackDescriptor.key(i);
      byte[] stored = members.stream().filter(m -> m.name().equals(key + ".rgb8")).findFirst().orElseThrow().data();
      assertThat(stored).isEqualTo(RawImage.encode(full).array());
    }
  }

  @Test
  void write_intoDirectoryWithOtherFiles_refuses() throws IOException {
    Path data = GradientImageFolder.of(3).writeTo(tmp.resolve("data"));
    Path pack = Files.createDirectories(tmp.resolve("pack"));
    Files.writeString(pack.resolve("notes.txt"), "mine");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> PackWriting.write(Datasets.open(data), pack, small()))
        .hasMessageContaining("not empty").hasMessageContaining("notes.txt");
    assertThat(Files.readString(pack.resolve("notes.txt"))).isEqualTo("mine");
  }
}
