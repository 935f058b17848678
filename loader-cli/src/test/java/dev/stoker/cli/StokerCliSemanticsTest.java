package dev.stoker.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Sharding, failure policies and the failure list on the command line. */
class StokerCliSemanticsTest {
  private static final int GOOD = 30;

  @RegisterExtension
  static final CliDataset dataset = CliDataset.demo(5);
  static Path broken;

  @RegisterExtension
  final ConsoleCapture console = new ConsoleCapture();

  @BeforeAll
  static void makeDataset() throws Exception {
    try (var dirs = Files.list(dataset.dir())) {
      Path someClass = dirs.filter(Files::isDirectory).sorted().findFirst().orElseThrow();
      broken = Files.writeString(someClass.resolve("broken.jpg"), "this is not a JPEG");
    }
  }

  private String stderr() {
    return console.err();
  }

  private JsonNode bench(String... extra) throws Exception {
    console.resetOut();
    List<String> args = new java.util.ArrayList<>(List.of("bench", dataset.dir().toString(), "--threads", "2", "--batch", "8",
        "--size", "32", "--epochs", "2", "--json"));
    args.addAll(List.of(extra));
    assertThat(StokerCli.run(args.toArray(String[]::new))).as(stderr()).isZero();
    return console.lastJson();
  }

  @Test
  void bench_aBrokenFileAndFailuresFile_countsItEveryEpochAndListsItByName(@TempDir Path tmp) throws Exception {
    Path list = tmp.resolve("failures.jsonl");
    JsonNode json = bench("--failures", list.toString());

    assertThat(json.get("images").asLong()).isEqualTo(2L * GOOD);
    assertThat(json.get("failed").asLong()).isEqualTo(2);
    List<String> lines = Files.readAllLines(list);
    assertThat(lines).hasSize(2);
    JsonNode first = new ObjectMapper().readTree(lines.get(0));
    assertThat(first.get("source").asText()).isEqualTo(broken.toString());
    assertThat(first.get("error").asText()).contains(broken.toString());
    assertThat(first.get("epoch").asInt()).isEqualTo(1);
  }

  @Test
  void bench_encodedCache_timedEpochsAreServedFromTheWarmUpsCache() throws Exception {
    JsonNode json = bench("--cache-bytes", "64m");
    assertThat(json.get("cache_hit_rate").asDouble()).isEqualTo(1.0);
    assertThat(json.get("images").asLong()).isEqualTo(2L * GOOD);
    assertThat(json.get("failed").asLong()).as("the broken file's bytes are cached; it still fails to decode").isEqualTo(2);
  }

  @Test
  void bench_noCache_noHitRateKey() throws Exception {
    assertThat(bench().has("cache_hit_rate")).isFalse();
  }

  @Test
  void bench_failFast_exitsNonZeroNamingTheFile() {
    int status = StokerCli.run("bench", dataset.dir().toString(), "--threads", "2", "--batch", "8", "--size", "32",
        "--epochs", "1", "--on-failure", "fail-fast");
    assertThat(status).isNotZero();
    assertThat(stderr()).contains("fail-fast").contains(broken.toString());
  }

  @Test
  void bench_twoRanks_shareEachEpochExactly() throws Exception {
    long images = 0;
    long failed = 0;
    for (int rank = 0; rank < 2; rank++) {
      JsonNode json = bench("--rank", String.valueOf(rank), "--world-size", "2");
      images += json.get("images").asLong();
      failed += json.get("failed").asLong();
    }
    assertThat(images + failed).isEqualTo(2L * (GOOD + 1));
    assertThat(failed).isEqualTo(2);
  }

  @Test
  void bench_lastBatchDrop_deliversOnlyFullBatches() throws Exception {
    JsonNode json = bench("--last-batch", "drop", "--on-failure", "skip");
    // 31 samples, batches of 8: 24 per epoch are dealt, 31 - 24 left out; the broken file may be among either
    assertThat(json.get("images").asLong() + json.get("failed").asLong()).isEqualTo(2L * 24);
  }

  @Test
  void bench_unknownPolicies_failNamingTheOption() {
    assertThat(StokerCli.run("bench", dataset.dir().toString(), "--last-batch", "sometimes")).as("bad usage").isEqualTo(2);
    assertThat(stderr()).contains("--last-batch").contains("partial").contains("drop").contains("fill");
    assertThat(StokerCli.run("bench", dataset.dir().toString(), "--on-failure", "maybe")).as("bad usage").isEqualTo(2);
    assertThat(stderr()).contains("--on-failure");
  }
}
