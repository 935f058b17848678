package dev.stoker.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The commands on tiny COCO and VOC datasets the test writes: 6 images of 64x64, image {@code i}
 * holding {@code i % 3} boxes (6 in all), the same in both formats. With {@code --preset
 * decode-only --size 64} the geometry is the identity, so every box arrives as it was. The COCO
 * category ids (5 blue, 9 red) sort like the VOC names, so both give blue label 0 and red label 1.
 */
class StokerCliDetectionTest {
  private static final int IMAGES = 6;
  private static final int BOXES = 6;

  @TempDir
  static Path data;
  static Path coco;
  static Path voc;

  @RegisterExtension
  final ConsoleCapture console = new ConsoleCapture();

  /** Box {@code k} of image {@code i}: x, y, width, height in pixels. */
  private static int[] box(int i, int k) {
    return new int[] {4 + 20 * k, 6 + 3 * i, 16, 30};
  }

  @BeforeAll
  static void makeDatasets() throws IOException {
    coco = Files.createDirectories(data.resolve("coco"));
    Path images = Files.createDirectories(coco.resolve("images"));
    voc = Files.createDirectories(data.resolve("voc"));
    StringBuilder imagesJson = new StringBuilder();
    StringBuilder annotations = new StringBuilder();
    int id = 0;
    for (int i = 0; i < IMAGES; i++) {
      BufferedImage image = new BufferedImage(64, 64, BufferedImage.TYPE_3BYTE_BGR);
      Graphics2D g = image.createGraphics();
      g.setColor(Color.GRAY);
      g.fillRect(0, 0, 64, 64);
      StringBuilder objects = new StringBuilder();
      for (int k = 0; k < i % 3; k++) {
        int[] b = box(i, k);
        g.setColor(k == 0 ? Color.RED : Color.BLUE);
        g.fillRect(b[0], b[1], b[2], b[3]);
        annotations.append(id == 0 ? "" : ",").append("{\"id\": ").append(++id).append(", \"image_id\": ").append(100 + i)
            .append(", \"category_id\": ").append(k == 0 ? 9 : 5).append(", \"bbox\": [").append(b[0]).append(", ")
            .append(b[1]).append(", ").append(b[2]).append(", ").append(b[3]).append("], \"iscrowd\": 0}\n");
        objects.append("<object><name>").append(k == 0 ? "red" : "blue").append("</name><bndbox><xmin>")
            .append(b[0] + 1).append("</xmin><ymin>").append(b[1] + 1).append("</ymin><xmax>").append(b[0] + b[2])
            .append("</xmax><ymax>").append(b[1] + b[3]).append("</ymax></bndbox></object>");
      }
      g.dispose();
      String name = "img" + i + ".jpg";
      DemoDataset.writeJpeg(image, images.resolve(name));
      imagesJson.append(i == 0 ? "" : ",").append("{\"id\": ").append(100 + i).append(", \"file_name\": \"").append(name)
          .append("\", \"width\": 64, \"height\": 64}\n");
      Files.writeString(voc.resolve("img" + i + ".xml"), "<annotation><filename>" + name
          + "</filename><size><width>64</width><height>64</height></size>" + objects + "</annotation>");
    }
    Files.writeString(coco.resolve("annotations.json"), "{\"images\": [" + imagesJson + "],\n\"annotations\": ["
        + annotations + "],\n\"categories\": [{\"id\": 9, \"name\": \"red\"}, {\"id\": 5, \"name\": \"blue\"}]}");
  }

  private String stderr() {
    return console.err();
  }

  private int bench(String... args) {
    List<String> all = new java.util.ArrayList<>(List.of("bench", "--threads", "2", "--batch", "4", "--epochs", "2",
        "--json"));
    all.addAll(List.of(args));
    return StokerCli.run(all.toArray(String[]::new));
  }

  @Test
  void bench_cocoDirectory_isRecognisedAndTheJsonCountsBoxes() throws IOException {
    int status = bench(coco.toString(), "--preset", "decode-only", "--size", "64");

    assertThat(status).as(stderr()).isZero();
    JsonNode json = console.lastJson();
    assertThat(json.get("images").asLong() + json.get("failed").asLong()).isEqualTo(2L * IMAGES);
    assertThat(json.get("boxes").isIntegralNumber()).isTrue();
    assertThat(json.get("truncated_boxes").isIntegralNumber()).isTrue();
    assertThat(json.get("preset").asText()).isEqualTo("decode-only");
    assertThat(json.get("size").asInt()).isEqualTo(64);
    assertThat(stderr()).contains("COCO " + coco.resolve("annotations.json"), "6 images, 6 boxes, 2 classes");
  }

  @Test
  void bench_imageFolder_jsonHasNoBoxKeys() throws IOException {
    Path folder = Files.createDirectories(data.resolve("folder").resolve("only"));
    Files.copy(coco.resolve("images").resolve("img0.jpg"), folder.resolve("a.jpg"));

    int status = bench(folder.getParent().toString(), "--size", "32");

    assertThat(status).as(stderr()).isZero();
    assertThat(console.lastJson().has("boxes")).isFalse();
    assertThat(console.lastJson().get("preset").asText()).isEqualTo("imagenet-train");
  }

  @Test
  void bench_cocoIdentityPlan_deliversEveryBoxEveryEpoch() throws IOException {
    int status = bench(coco.toString(), "--preset", "decode-only", "--size", "64");

    assertThat(status).as(stderr()).isZero();
    JsonNode json = console.lastJson();
    assertThat(json.get("failed").asLong()).isZero();
    assertThat(json.get("boxes").asLong()).isEqualTo(2L * BOXES);
    assertThat(json.get("truncated_boxes").asLong()).isZero();
  }

  @Test
  void bench_maxBoxesOne_countsTheTruncatedBoxes() throws IOException {
    int status = bench(coco.toString(), "--preset", "decode-only", "--size", "64", "--max-boxes", "1");

    assertThat(status).as(stderr()).isZero();
    // images 2 and 5 carry 2 boxes each: one of each is left out, in each of 2 epochs
    assertThat(console.lastJson().get("truncated_boxes").asLong()).isEqualTo(2L * 2);
    assertThat(console.lastJson().get("boxes").asLong()).isEqualTo(2L * (BOXES - 2));
  }

  @Test
  void bench_sameSeedOnCocoAndVoc_sameDigest() throws IOException {
    assertThat(bench(coco.toString(), "--preset", "ssd300-train")).as(stderr()).isZero();
    JsonNode fromCoco = console.lastJson();
    console.resetOut();
    assertThat(bench("--annotations", voc.toString(), "--images", coco.resolve("images").toString(),
        "--preset", "ssd300-train")).as(stderr()).isZero();

    assertThat(console.lastJson().get("digest").asText()).isEqualTo(fromCoco.get("digest").asText());
    assertThat(fromCoco.get("boxes").asLong()).isPositive();
  }

  @Test
  void demo_cocoWithTheDefaultSsdPreset_checksEveryBoxAndSucceeds() {
    int status = StokerCli.run("demo", coco.toString(), "--epochs", "3", "--batch", "4", "--threads", "2");

    assertThat(status).as(stderr()).isZero();
    assertThat(stderr()).contains("preset ssd300-train", "300x300x3 uint8, up to 2 boxes");
    assertThat(console.out())
        .contains("boxes inside the image and not degenerate")
        .contains("delivered + failed = 18 of 18");
  }

  @Test
  void demo_vocDirectoryBesideTheImages_checksEveryBoxAndSucceeds() throws IOException {
    Path devkit = Files.createDirectories(data.resolve("devkit"));
    Path annotations = Files.createDirectories(devkit.resolve("Annotations"));
    Path jpegs = Files.createDirectories(devkit.resolve("JPEGImages"));
    try (var files = Files.list(voc)) {
      for (Path xml : files.toList()) {
        Files.copy(xml, annotations.resolve(xml.getFileName()));
      }
    }
    try (var files = Files.list(coco.resolve("images"))) {
      for (Path jpeg : files.toList()) {
        Files.copy(jpeg, jpegs.resolve(jpeg.getFileName()));
      }
    }

    int status = StokerCli.run("demo", devkit.toString(), "--epochs", "1", "--batch", "4", "--preset", "decode-only",
        "--size", "64");

    assertThat(status).as(stderr()).isZero();
    assertThat(console.out())
        .contains("6 boxes inside the image and not degenerate", "every class seen: true");
  }

  @Test
  void bench_annotationsWithoutImages_failsSayingTheyGoTogether() {
    int status = StokerCli.run("bench", "--annotations", coco.resolve("annotations.json").toString());

    assertThat(status).isNotZero();
    assertThat(stderr()).contains("--annotations and --images go together");
  }

  @Test
  void bench_directoryAndAnnotations_failsSayingOnlyOne() {
    int status = StokerCli.run("bench", coco.toString(), "--annotations", "x.json", "--images", "y");

    assertThat(status).isNotZero();
    assertThat(stderr()).contains("not both");
  }

  @Test
  void bench_malformedAnnotations_failsNamingFileLineAndColumn(@TempDir Path broken) throws IOException {
    Files.createDirectories(broken.resolve("images"));
    Path json = Files.writeString(broken.resolve("annotations.json"), "{\"images\": [\n  {\"id\": 1,, }]}");

    int status = StokerCli.run("bench", broken.toString());

    assertThat(status).isNotZero();
    assertThat(stderr()).contains(json + ":2:").contains("malformed JSON");
  }
}
