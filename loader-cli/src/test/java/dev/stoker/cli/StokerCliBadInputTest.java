package dev.stoker.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stoker.testkit.BadImageFiles;
import dev.stoker.testkit.BadImageFiles.Kind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code stoker bench} on a dataset with every kind of bad file: exact counts, no crash. */
class StokerCliBadInputTest {
  private static final int PER_CLASS = 5;
  private static final int GOOD = 2 * PER_CLASS;
  private static final int BAD = Kind.values().length;

  @RegisterExtension
  static final CliDataset dataset = new CliDataset(dir -> {
    for (String cls : List.of("a", "b")) {
      Path classDir = Files.createDirectories(dir.resolve(cls));
      for (int i = 0; i < PER_CLASS; i++) {
        Files.write(classDir.resolve("good" + i + ".jpg"), BadImageFiles.goodJpeg(60 + 4 * i, 50 + 3 * i, i));
      }
    }
    BadImageFiles.writeAll(dir.resolve("b"));
  });

  @RegisterExtension
  final ConsoleCapture console = new ConsoleCapture();

  private JsonNode bench(String... extra) throws Exception {
    List<String> args = new ArrayList<>(List.of("bench", dataset.dir().toString(), "--threads", "2", "--batch", "4",
        "--size", "32", "--json"));
    args.addAll(List.of(extra));
    int status = StokerCli.run(args.toArray(String[]::new));
    assertThat(status).as(console.err()).isZero();
    return console.lastJson();
  }

  @Test
  void bench_badFilesAmongGood_failedCountsEachBadFileOncePerEpoch() throws Exception {
    JsonNode json = bench("--epochs", "2");
    assertThat(json.get("images").asLong()).isEqualTo(2L * GOOD);
    assertThat(json.get("failed").asLong()).isEqualTo(2L * BAD);
    assertThat(json.get("epochs").asInt()).isEqualTo(2);
  }

  @Test
  void bench_badFilesOneEpoch_stderrNamesEveryBadFile() throws Exception {
    JsonNode json = bench("--epochs", "1");
    assertThat(json.get("failed").asLong()).isEqualTo(BAD);
    String log = console.err();
    assertThat(log).contains(BAD + " sample(s) failed");
    for (Kind kind : Kind.values()) {
      assertThat(log).contains(dataset.dir().resolve("b").resolve(kind.fileName()) + ": ");
    }
  }

  @Test
  void bench_lenient_deliversTheCorruptDataJpegs() throws Exception {
    JsonNode json = bench("--epochs", "2", "--lenient");
    assumeTrue(json.get("decoder").asText().equals("libjpeg-turbo"), "only the native decoder is lenient");
    long kept = Arrays.stream(Kind.values()).filter(Kind::corruptDataOnly).count();
    assertThat(json.get("images").asLong()).isEqualTo(2L * (GOOD + kept));
    assertThat(json.get("failed").asLong()).isEqualTo(2L * (BAD - kept));
  }
}
