package dev.stoker.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code --allow-absolute-paths} and {@code --max-image-bytes}: how a local dataset's files are read. */
class SourceFileOptionsTest {
  @TempDir
  Path tmp;

  @RegisterExtension
  final ConsoleCapture console = new ConsoleCapture();

  private JsonNode lastJsonLine() throws Exception {
    List<String> lines = console.out().lines().toList();
    return new ObjectMapper().readTree(lines.getLast());
  }

  @Test
  void list_manifestWithAnAbsolutePath_skippedByDefaultListedWithTheFlag() throws Exception {
    Path data = Files.createDirectories(tmp.resolve("data"));
    Files.writeString(data.resolve("a.jpg"), "x");
    Path elsewhere = Files.writeString(tmp.resolve("elsewhere.jpg"), "y");
    Path csv = Files.writeString(data.resolve("m.csv"), "path,label\na.jpg,cat\n" + elsewhere + ",dog\n");

    assertThat(StokerCli.run("list", csv.toString())).as(console.err()).isZero();
    assertThat(lastJsonLine().get("files").asInt()).isOne();
    assertThat(console.err()).contains(elsewhere + "' is an absolute path").contains("--allow-absolute-paths");

    assertThat(StokerCli.run("list", "--allow-absolute-paths", csv.toString())).as(console.err()).isZero();
    assertThat(lastJsonLine().get("files").asInt()).isEqualTo(2);
    assertThat(lastJsonLine().get("warnings").asInt()).isZero();
  }

  @Test
  void maxImageBytes_notASizeOrOverTheLimit_failsNamingTheOption() throws Exception {
    Path data = Files.createDirectories(tmp.resolve("data/cat"));
    Files.writeString(data.resolve("a.jpg"), "x");

    assertThat(StokerCli.run("list", "--max-image-bytes", "0", tmp.resolve("data").toString())).isNotZero();
    assertThat(console.err()).contains("--max-image-bytes");
    assertThat(StokerCli.run("list", "--max-image-bytes", "4g", tmp.resolve("data").toString())).isNotZero();
    assertThat(console.err()).contains("--max-image-bytes: at most");
    assertThat(StokerCli.run("list", "--max-image-bytes", "64m", tmp.resolve("data").toString())).isZero();
  }

  @Test
  void help_everyDatasetCommandAndServe_documentBothFlags() {
    for (String command : List.of("list", "bench", "demo", "serve")) {
      assertThat(StokerCli.run(command, "--help")).isZero();
    }
    String help = console.out();
    assertThat(help.split("--allow-absolute-paths\\s+let a .csv/.jsonl manifest name absolute paths", -1)).as(help)
        .hasSize(5);
    assertThat(help.split("--max-image-bytes=SIZE\\s+the largest image file read", -1)).as(help).hasSize(5);
  }
}
