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

  @Test
  void list_missingPath_failsNamingIt() {
    Path missing = data.resolve("nope");

    int status = StokerCli.run("list", missing.toString());

    assertThat(status).isEqualTo(1);
    assertThat(console.err()).contains(missing + ": no such directory");
  }
}
