package dev.stoker.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code stoker list}: one JSON line with the files, classes and seconds of opening a dataset. */
class ListCommandTest {
  @TempDir
  Path data;

  @RegisterExtension
  final ConsoleCapture console = new ConsoleCapture();

  @Test
  void list_imageFolder_printsFilesClassesAndSeconds() throws Exception {
    for (String name : List.of("cat/1.jpg", "cat/2.jpg", "dog/1.jpg")) {
      Files.createDirectories(data.resolve(name).getParent());
      Files.writeString(data.resolve(name), "x");
    }

    int status = StokerCli.run("list", data.toString());

    assertThat(status).as(console.err()).isZero();
    JsonNode json = console.lastJson();
    assertThat(json.get("files").asInt()).isEqualTo(3);
    assertThat(json.get("classes").asInt()).isEqualTo(2);
    assertThat(json.get("warnings").asInt()).isZero();
    assertThat(json.get("seconds").isNumber()).isTrue();
  }

  @Test
  void list_imageFolderWithADotDirectory_printsTheClassListWithoutIt() throws Exception {
    for (String name : List.of("cat/1.jpg", "dog/1.jpg", ".ipynb_checkpoints/1.jpg", "cat/._1.jpg")) {
      Files.createDirectories(data.resolve(name).getParent());
      Files.writeString(data.resolve(name), "x");
    }

    int status = StokerCli.run("list", data.toString());

    assertThat(status).as(console.err()).isZero();
    JsonNode json = console.lastJson();
    assertThat(json.get("files").asInt()).isEqualTo(2);
    assertThat(json.get("class_names")).extracting(JsonNode::asText).containsExactly("cat", "dog");
    assertThat(console.err())
        .contains("list: 2 classes (label name): 0 cat, 1 dog")
        .contains("2 hidden entries skipped");
  }

  @Test
  void list_looseImagesAndOneSubfolder_warnsNamingHowManyAreNotLoaded() throws Exception {
    for (int i = 0; i < 8; i++) {
      Files.writeString(data.resolve(i + ".jpg"), "PIXELS");
    }
    Files.createDirectories(data.resolve("sub"));
    Files.writeString(data.resolve("sub/a.jpg"), "x");

    int status = StokerCli.run("list", data.toString());

    assertThat(status).as(console.err()).isZero();
    assertThat(console.lastJson().get("files").asInt()).isEqualTo(1);
    assertThat(console.lastJson().get("warnings").asInt()).isEqualTo(1);
    assertThat(console.err()).contains(data + ": 8 images at the top level").doesNotContain("PIXELS");
  }

  @Test
  void list_manifestWithAMissingImage_countsTheRestAndPrintsTheWarning() throws Exception {
    Files.writeString(data.resolve("a.jpg"), "x");
    Path csv = Files.writeString(data.resolve("m.csv"), "path,label\na.jpg,cat\nmissing.jpg,dog\n");

    int status = StokerCli.run("list", csv.toString());

    assertThat(status).isZero();
    assertThat(console.lastJson().get("files").asInt()).isEqualTo(1);
    assertThat(console.lastJson().get("warnings").asInt()).isEqualTo(1);
    assertThat(console.err()).contains("missing.jpg");
  }

  /** A COCO directory with {@code declared} 8x8 images, {@code present} of them on disk, and {@code strays} annotations of no image. */
  private Path coco(int declared, int present, int strays) throws Exception {
    Path dir = Files.createDirectories(data.resolve("coco"));
    Path images = Files.createDirectories(dir.resolve("images"));
    StringBuilder imagesJson = new StringBuilder();
    StringBuilder annotations = new StringBuilder();
    for (int i = 0; i < declared; i++) {
      imagesJson.append(i == 0 ? "" : ",").append("{\"id\": ").append(i).append(", \"file_name\": \"img")
          .append(i).append(".jpg\", \"width\": 8, \"height\": 8}");
      annotations.append(i == 0 ? "" : ",").append("{\"id\": ").append(i).append(", \"image_id\": ").append(i)
          .append(", \"category_id\": 1, \"bbox\": [1, 1, 4, 4]}");
      if (i < present) {
        Files.writeString(images.resolve("img" + i + ".jpg"), "SECRET-PIXELS");
      }
    }
    for (int k = 0; k < strays; k++) {
      annotations.append(",{\"id\": ").append(1000 + k).append(", \"image_id\": 999, \"category_id\": 1, "
          + "\"bbox\": [1, 1, 4, 4]}");
    }
    Files.writeString(dir.resolve("annotations.json"), "{\"images\": [" + imagesJson + "],\n\"annotations\": ["
        + annotations + "],\n\"categories\": [{\"id\": 1, \"name\": \"red\"}]}");
    return dir;
  }

  @Test
  void list_moreProblemsThanLinesKept_jsonCountsTheSameProblemsAsTheDescription() throws Exception {
    Path dir = coco(2, 2, 130);

    int status = StokerCli.run("list", dir.toString());

    assertThat(status).as(console.err()).isZero();
    assertThat(console.err()).contains("130 problems, the first:");
    assertThat(console.lastJson().get("warnings").asInt()).isEqualTo(130);
  }

  @Test
  void list_cocoWithMissingImages_reportsThemAsWarningsWithoutContents() throws Exception {
    Path dir = coco(30, 3, 0);

    int status = StokerCli.run("list", dir.toString());

    assertThat(status).as(console.err()).isZero();
    assertThat(console.lastJson().get("files").asInt()).isEqualTo(30);
    assertThat(console.lastJson().get("warnings").asInt()).isEqualTo(27);
    assertThat(console.lastJson().get("missing_images").asInt()).isEqualTo(27);
    assertThat(console.err()).contains("27 of 30 images do not exist").contains("img3.jpg")
        .doesNotContain("SECRET-PIXELS");
  }

  @Test
  void bench_cocoWithMostImagesMissing_summarySaysHowManyFailedAndThatSkipLetItGoOn() throws Exception {
    Path dir = coco(10, 3, 0);
    for (int i = 0; i < 3; i++) {
      DemoDataset.writeJpeg(new java.awt.image.BufferedImage(8, 8, java.awt.image.BufferedImage.TYPE_INT_RGB),
          dir.resolve("images").resolve("img" + i + ".jpg"));
    }

    int status = StokerCli.run("bench", dir.toString(), "--preset", "decode-only", "--size", "8", "--epochs", "1",
        "--batch", "2", "--threads", "1");

    assertThat(status).as(console.err()).isZero();
    assertThat(console.err()).contains("7 sample(s) failed and were skipped (70% of 10)")
        .contains("--on-failure allows").contains("warning: most samples failed");
  }

  @Test
  void bench_manifestBoxOutsideItsImage_warnsOnceWithTheCountOfDroppedBoxes() throws Exception {
    DemoDataset.writeJpeg(new java.awt.image.BufferedImage(8, 8, java.awt.image.BufferedImage.TYPE_INT_RGB),
        data.resolve("a.jpg"));
    Path csv = Files.writeString(data.resolve("m.csv"), "path,label,boxes\na.jpg,cat,1 1 6 6 cat;100 100 200 200 cat\n");

    int status = StokerCli.run("bench", csv.toString(), "--preset", "decode-only", "--size", "8", "--epochs", "2",
        "--batch", "1", "--threads", "1", "--json");

    assertThat(status).as(console.err()).isZero();
    JsonNode json = console.lastJson();
    assertThat(json.get("boxes").asLong()).isEqualTo(2);
    assertThat(json.get("dropped_boxes").asLong()).as("the box outside the 8x8 image, each epoch").isEqualTo(2);
    assertThat(console.err()).containsOnlyOnce("warning: 2 boxes of the annotations were dropped at delivery: 2 empty");
  }

  @Test
  void list_manifestWithBoxes_countsThemAndSaysARunMayDropSome() throws Exception {
    Files.writeString(data.resolve("a.jpg"), "x");
    Path csv = Files.writeString(data.resolve("m.csv"), "path,label,boxes\na.jpg,cat,1 1 6 6 cat;100 100 200 200 cat\n");

    int status = StokerCli.run("list", csv.toString());

    assertThat(status).as(console.err()).isZero();
    assertThat(console.lastJson().get("boxes").asLong()).isEqualTo(2);
    assertThat(console.err()).contains("2 boxes in the annotations; a run delivers fewer if some are empty");
  }

  @Test
  void list_missingPath_failsNamingIt() {
    Path missing = data.resolve("nope");

    int status = StokerCli.run("list", missing.toString());

    assertThat(status).isEqualTo(1);
    assertThat(console.err()).contains(missing + ": no such directory");
  }
}
