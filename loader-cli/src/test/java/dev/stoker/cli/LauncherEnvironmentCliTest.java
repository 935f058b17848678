package dev.stoker.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code RANK} and {@code WORLD_SIZE} from a launcher shard {@code bench} when {@code --rank} and
 * {@code --world-size} are absent; explicit options win; a half-set or bad environment is refused
 * naming the variable. The environment is a map handed to the CLI, never the process's.
 */
class LauncherEnvironmentCliTest {
  @RegisterExtension
  static final CliDataset dataset = CliDataset.demo(5);

  @RegisterExtension
  final ConsoleCapture console = new ConsoleCapture();

  @TempDir
  Path tmp;

  private int bench(Map<String, String> env, Path trace, String... extra) {
    List<String> args = new ArrayList<>(List.of("bench", dataset.dir().toString(), "--threads", "2", "--batch", "4",
        "--size", "32", "--epochs", "1", "--trace-indices", trace.toString()));
    args.addAll(List.of(extra));
    return StokerCli.run(env::get, args.toArray(String[]::new));
  }

  private static JsonNode firstBatch(Path trace) throws Exception {
    return new ObjectMapper().readTree(Files.readAllLines(trace).get(0));
  }

  @Test
  void bench_rankAndWorldSizeInTheEnvironment_shardsAndSaysSoInTheRunLine() throws Exception {
    Path trace = tmp.resolve("t.jsonl");
    assertThat(bench(Map.of("RANK", "1", "WORLD_SIZE", "3"), trace)).as(console.err()).isZero();

    assertThat(firstBatch(trace).get("rank").asInt()).isEqualTo(1);
    assertThat(firstBatch(trace).get("world_size").asInt()).isEqualTo(3);
    assertThat(Files.readAllLines(trace)).hasSize(2 * 3);   // 10 of 30 images per epoch, batches of 4, 2 epochs
    assertThat(console.err()).contains("; rank 1 of 3 from RANK and WORLD_SIZE");
  }

  @Test
  void bench_explicitOptions_winOverTheEnvironment() throws Exception {
    Path trace = tmp.resolve("t.jsonl");
    assertThat(bench(Map.of("RANK", "1", "WORLD_SIZE", "3"), trace, "--world-size", "2")).as(console.err()).isZero();

    assertThat(firstBatch(trace).get("rank").asInt()).isZero();
    assertThat(firstBatch(trace).get("world_size").asInt()).isEqualTo(2);
    assertThat(console.err()).doesNotContain("from RANK");
  }

  @Test
  void bench_noLauncherVariables_negativeControl_wholeDatasetAndNoMention() throws Exception {
    Path trace = tmp.resolve("t.jsonl");
    assertThat(bench(Map.of("LOCAL_RANK", "3"), trace)).as(console.err()).isZero();

    assertThat(firstBatch(trace).get("rank").asInt()).isZero();
    assertThat(firstBatch(trace).get("world_size").asInt()).isEqualTo(1);
    assertThat(console.err()).doesNotContain("from RANK");
  }

  @Test
  void bench_onlyRankSet_refusedBeforeTheRunNamingTheVariables() {
    assertThat(bench(Map.of("RANK", "0"), tmp.resolve("t.jsonl"))).isEqualTo(StokerCli.USAGE);
    assertThat(console.err()).contains("stoker: RANK is set but WORLD_SIZE is not")
        .contains("or give --rank and --world-size").doesNotContain("warm-up");
  }

  @Test
  void bench_hostileRank_refusedQuotingABoundedSanitisedValue() {
    String hostile = "\u001b]0;owned\u0007" + "9".repeat(5000);
    assertThat(bench(Map.of("RANK", hostile, "WORLD_SIZE", "2"), tmp.resolve("t.jsonl"))).isEqualTo(StokerCli.USAGE);
    assertThat(console.err()).contains("stoker: RANK=\"?]0;owned?99").contains("\"...: not a decimal integer")
        .doesNotContain("\u001b").doesNotContain("9".repeat(100));
  }

  @Test
  void bench_rankOutsideTheWorld_refusedNamingRank() {
    assertThat(bench(Map.of("RANK", "2", "WORLD_SIZE", "2"), tmp.resolve("t.jsonl"))).isEqualTo(StokerCli.USAGE);
    assertThat(console.err()).contains("stoker: RANK=2: must be in [0, WORLD_SIZE=2)");
  }
}
