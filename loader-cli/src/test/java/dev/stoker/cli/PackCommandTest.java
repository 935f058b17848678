package dev.stoker.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stoker.testkit.GradientImageFolder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code stoker pack}: the summary, the JSON line, failures listed, exit statuses. */
class PackCommandTest {
  @TempDir
  Path tmp;

  @RegisterExtension
  final ConsoleCapture console = new ConsoleCapture();

  @Test
  void pack_folderWithABrokenFile_packsTheRestAndListsIt() throws Exception {
    Path data = GradientImageFolder.of(10).withBroken().writeTo(tmp.resolve("data"));
    Path out = tmp.resolve("pack");

    int status = StokerCli.run("pack", data.toString(), out.toString(), "--max-side", "16", "--quality", "80",
        "--workers", "2", "--json");

    assertThat(status).as(console.err()).isZero();
    JsonNode json = console.lastJson();
    assertThat(json.get("samples").asInt()).isEqualTo(10);
    assertThat(json.get("failed").asInt()).isEqualTo(1);
    assertThat(json.get("failures").get(0).get("name").asText()).endsWith("broken.jpg");
    assertThat(json.get("shards").asInt()).isEqualTo(1);
    assertThat(json.get("quality").asInt()).isEqualTo(80);
    assertThat(json.get("max_side").asInt()).isEqualTo(16);
    assertThat(json.get("bytes_out").asLong()).isEqualTo(Files.size(out.resolve("shard-000000.tar")));
    assertThat(console.out()).contains("pack: 10 samples packed, 1 failed, 1 shards")
        .contains("failed: ").contains("broken.jpg");
    assertThat(out.resolve("stoker-pack.json")).isRegularFile();
    assertThat(out.resolve("index.bin")).isRegularFile();
  }

  @Test
  void pack_rawFormat_writesRgb8Members() throws Exception {
    Path data = GradientImageFolder.of(3).writeTo(tmp.resolve("data"));
    Path out = tmp.resolve("pack");

    int status = StokerCli.run("pack", data.toString(), out.toString(), "--format", "raw", "--max-side", "8",
        "--shard-size", "1m", "--json");

    assertThat(status).as(console.err()).isZero();
    assertThat(console.lastJson().get("image_format").asText()).isEqualTo("raw");
    assertThat(console.lastJson().get("quality").asInt()).isZero();
    assertThat(Files.readString(out.resolve("stoker-pack.json"))).contains("\"image_format\" : \"raw\"");
  }

  @Test
  void pack_nothingDecodable_exitsOne() throws Exception {
    Path data = Files.createDirectories(tmp.resolve("data/cat"));
    Files.write(data.resolve("a.jpg"), GradientImageFolder.BROKEN_JPEG);
    Files.write(data.resolve("b.jpg"), GradientImageFolder.BROKEN_JPEG);

    int status = StokerCli.run("pack", tmp.resolve("data").toString(), tmp.resolve("pack").toString());

    assertThat(status).isEqualTo(StokerCli.FAILED);
    assertThat(console.err()).contains("nothing could be packed");
    assertThat(console.out()).contains("0 samples packed, 2 failed");
  }

  @Test
  void pack_qualityOutOfRange_isAUsageErrorNamingTheOption() throws Exception {
    Path data = GradientImageFolder.of(2).writeTo(tmp.resolve("data"));

    int status = StokerCli.run("pack", data.toString(), tmp.resolve("pack").toString(), "--quality", "101");

    assertThat(status).isEqualTo(StokerCli.USAGE);
    assertThat(console.err()).contains("--quality");
    assertThat(tmp.resolve("pack")).doesNotExist();
  }

  @Test
  void pack_unknownFormat_isAUsageError() throws Exception {
    Path data = GradientImageFolder.of(2).writeTo(tmp.resolve("data"));

    int status = StokerCli.run("pack", data.toString(), tmp.resolve("pack").toString(), "--format", "png");

    assertThat(status).isEqualTo(StokerCli.USAGE);
    assertThat(console.err()).contains("--format").contains("png");
  }

  @Test
  void progressText_halfway_showsShareImagesAndShards() {
    String line = PackCommand.text(new dev.stoker.pack.PackProgress(50, 100, 49, 1, 2, 1000, 2_500_000, 2.0), false);
    assertThat(line).startsWith("pack:  50%").contains("50/100 images").contains("2 shards").contains("2.5 MB")
        .contains("failed 1");
  }
}
