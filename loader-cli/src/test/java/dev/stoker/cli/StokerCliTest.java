package dev.stoker.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;

import dev.stoker.advice.Remedy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class StokerCliTest {
  @RegisterExtension
  static final CliDataset dataset = CliDataset.demo(5);

  @RegisterExtension
  final ConsoleCapture console = new ConsoleCapture();

  @Test
  void bench_json_lastLineHoldsTheContractKeys() throws Exception {
    int status = StokerCli.run("bench", dataset.dir().toString(), "--threads", "2", "--batch", "8", "--size", "32",
        "--epochs", "2", "--json");
    assertThat(status).as(console.err()).isZero();
    JsonNode json = console.lastJson();
    assertThat(json.get("images").asLong()).isEqualTo(2L * 6 * 5);
    assertThat(json.get("failed").asLong()).isZero();
    assertThat(json.get("threads").asInt()).isEqualTo(2);
    assertThat(json.get("batch").asInt()).isEqualTo(8);
    assertThat(json.get("decoder").asText()).isNotBlank();
    if (json.get("decoder").asText().equals("libjpeg-turbo")) {
      assertThat(json.get("png_reader").asText()).isIn("libdeflate", "libpng");
    }
    assertThat(json.get("digest").asText()).matches("[0-9a-f]{64}");
    for (String key : List.of("seconds", "images_per_s", "consumer_wait_pct", "heap_bytes_per_image")) {
      assertThat(json.get(key).isNumber()).as(key).isTrue();
    }
  }

  @Test
  void bench_json_namesTheBoundAndTheVerdictAndStderrHasTheStageTable() throws Exception {
    int status = StokerCli.run("bench", dataset.dir().toString(), "--threads", "2", "--batch", "8", "--size", "32",
        "--epochs", "1", "--json");
    assertThat(status).as(console.err()).isZero();
    JsonNode json = console.lastJson();
    String bound = json.get("bound").asText();
    assertThat(bound).isIn("read", "decode", "augment", "collate", "consumer", "unknown");
    assertThat(json.get("verdict").asText()).startsWith(bound.equals("unknown") ? "unknown: " : bound + "-bound: ");
    assertThat(console.err())
        .containsPattern("(?m)^stage +count +per s +mean ms +p50 ms +p95 ms +p99 ms$")
        .containsPattern("(?m)^list +1 +- ")
        .containsPattern("(?m)^decode +30 ")
        .containsPattern("(?m)^consumer +4 ")
        .contains(json.get("verdict").asText());
  }

  @Test
  void bench_json_namesTheRemedyAndTheAdviceAndStderrHasTheAdviceLine() throws Exception {
    int status = StokerCli.run("bench", dataset.dir().toString(), "--threads", "2", "--batch", "8", "--size", "32",
        "--epochs", "1", "--json");
    assertThat(status).as(console.err()).isZero();
    JsonNode json = console.lastJson();
    String bound = json.get("bound").asText();
    String advice = json.get("advice").asText();
    assertThat(json.get("remedy").asText()).isIn(Arrays.stream(Remedy.values()).map(Remedy::label).toList());
    assertThat(advice).startsWith(bound.equals("unknown") ? "unknown: " : bound + "-bound: ");
    assertThat(console.err()).contains("advice: " + advice);
    if (!json.get("remedy").asText().equals("none")) {
      assertThat(advice).contains("; first, ").containsPattern("asked for [0-9.]+x what|asked for more than");
    }
  }

  @Test
  void bench_targetTheLoaderMeets_advisesNothingToChange() throws Exception {
    int status = StokerCli.run("bench", dataset.dir().toString(), "--threads", "2", "--batch", "8", "--size", "32",
        "--epochs", "1", "--target-images-per-s", "0.5", "--json");
    assertThat(status).as(console.err()).isZero();
    JsonNode json = console.lastJson();
    assertThat(json.get("remedy").asText()).as(json.get("advice").asText()).isEqualTo("none");
    assertThat(json.get("advice").asText()).contains("keeps up");
    console.resetOut();
    StokerCli.run("bench", dataset.dir().toString(), "--threads", "2", "--batch", "8", "--size", "32", "--epochs",
        "1", "--target-images-per-s", "1e9", "--json");
    assertThat(console.lastJson().get("remedy").asText()).as("a target no loader meets (the negative control)")
        .isNotEqualTo("none");
  }

  @Test
  void bench_targetNotPositive_usageError() throws Exception {
    assertThat(StokerCli.run("bench", dataset.dir().toString(), "--target-images-per-s", "0")).isEqualTo(2);
    assertThat(console.err()).contains("--target-images-per-s: must be a positive number");
  }

  @Test
  void bench_sameSeedOneOrFourThreads_sameDigest() throws Exception {
    StokerCli.run("bench", dataset.dir().toString(), "--threads", "1", "--batch", "8", "--size", "32", "--epochs", "1", "--json");
    String one = console.lastJson().get("digest").asText();
    console.resetOut();
    StokerCli.run("bench", dataset.dir().toString(), "--threads", "4", "--batch", "8", "--size", "32", "--epochs", "1", "--json");
    assertThat(console.lastJson().get("digest").asText()).isEqualTo(one);
    console.resetOut();
    StokerCli.run("bench", dataset.dir().toString(), "--threads", "4", "--batch", "8", "--size", "32", "--epochs", "1", "--json",
        "--seed", "1");
    assertThat(console.lastJson().get("digest").asText()).as("another seed, other crops").isNotEqualTo(one);
  }

  @Test
  void demo_directory_checksEveryBatchAndSucceeds() {
    int status = StokerCli.run("demo", dataset.dir().toString(), "--epochs", "2", "--size", "48");
    assertThat(status).as(console.err()).isZero();
    assertThat(console.out())
        .contains("every class seen: true")
        .contains("delivered + failed = 60 of 60")
        .containsPattern("(?m)^read +60 ")
        .containsPattern("(?m)^ring: [0-9.]+ of 4 slots in use")
        .containsPattern("(?m)^(read|decode|augment|collate|consumer)-bound: ");
  }

  @Test
  void bench_missingDirectory_failsNamingIt(@TempDir Path empty) {
    Path missing = empty.resolve("nope");
    int status = StokerCli.run("bench", missing.toString());
    assertThat(status).isNotZero();
    assertThat(console.err()).contains(missing.toString());
  }

  @Test
  void ensure_secondCall_reusesTheDataset() throws Exception {
    assertThat(DemoDataset.ensure(dataset.dir(), 5)).isFalse();
    try (var files = Files.walk(dataset.dir())) {
      assertThat(files.filter(p -> p.toString().endsWith(".jpg")).count()).isEqualTo(30);
    }
  }
}
