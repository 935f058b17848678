package dev.stoker.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bench --trace-indices}: the traces of all ranks, read as an outside script would, hold
 * every dataset index exactly once per epoch; a wrong rank setup shows up as duplicates and gaps.
 */
class TraceIndicesTest {
  private static final int IMAGES = 30;
  private static final int EPOCHS = 2; // timed; the warm-up is epoch 0

  @RegisterExtension
  static final CliDataset dataset = CliDataset.demo(5);

  @RegisterExtension
  final ConsoleCapture console = new ConsoleCapture();

  private Path trace(Path dir, int rank, int worldSize) {
    Path file = dir.resolve("trace-" + rank + "-" + System.nanoTime() + ".jsonl");
    int status = StokerCli.run("bench", dataset.dir().toString(), "--threads", "2", "--batch", "4", "--size", "32",
        "--epochs", String.valueOf(EPOCHS), "--rank", String.valueOf(rank), "--world-size", String.valueOf(worldSize),
        "--trace-indices", file.toString());
    assertThat(status).as(console.err()).isZero();
    return file;
  }

  /** Per epoch, what is wrong with the union of the traces: indices seen twice or more, and missing ones. */
  private static List<String> problems(List<Path> traces) throws Exception {
    ObjectMapper mapper = new ObjectMapper();
    TreeMap<Integer, int[]> seen = new TreeMap<>();
    for (Path trace : traces) {
      for (String line : Files.readAllLines(trace)) {
        JsonNode batch = mapper.readTree(line);
        int[] counts = seen.computeIfAbsent(batch.get("epoch").asInt(), e -> new int[IMAGES]);
        batch.get("indices").forEach(i -> counts[i.asInt()]++);
      }
    }
    List<String> problems = new ArrayList<>();
    assertThat(seen.keySet()).as("epochs traced").containsExactly(0, 1, 2);
    seen.forEach((epoch, counts) -> {
      for (int i = 0; i < IMAGES; i++) {
        if (counts[i] != 1) {
          problems.add("epoch " + epoch + " index " + i + " seen " + counts[i] + " times");
        }
      }
    });
    return problems;
  }

  @Test
  void bench_threeRanks_unionOfTheTracesIsTheDatasetOncePerEpoch(@TempDir Path tmp) throws Exception {
    List<Path> traces = List.of(trace(tmp, 0, 3), trace(tmp, 1, 3), trace(tmp, 2, 3));

    assertThat(problems(traces)).isEmpty();
    JsonNode first = new ObjectMapper().readTree(Files.readAllLines(traces.get(1)).get(0));
    assertThat(first.get("rank").asInt()).isEqualTo(1);
    assertThat(first.get("world_size").asInt()).isEqualTo(3);
    assertThat(first.get("batch").asLong()).isZero();
    assertThat(first.get("next_position").asLong()).isEqualTo(4);
    assertThat(first.get("indices")).hasSize(4);
  }

  @Test
  void bench_rankOneTwiceAndRankTwoMissing_negativeControl_duplicatesAndGapsShow(@TempDir Path tmp) throws Exception {
    List<Path> traces = List.of(trace(tmp, 0, 3), trace(tmp, 1, 3), trace(tmp, 1, 3));

    List<String> problems = problems(traces);
    assertThat(problems).anyMatch(p -> p.endsWith("seen 2 times")).anyMatch(p -> p.endsWith("seen 0 times"));
    assertThat(problems).hasSize(3 * 2 * (IMAGES / 3)); // per epoch rank 1's 10 twice, rank 2's 10 never
  }

  @Test
  void bench_unwritableTraceFile_refusedBeforeTheRun(@TempDir Path tmp) {
    Path file = tmp.resolve("no-such-dir").resolve("trace.jsonl");
    int status = StokerCli.run("bench", dataset.dir().toString(), "--threads", "2", "--batch", "4", "--size", "32",
        "--epochs", "1", "--trace-indices", file.toString());
    assertThat(status).isNotZero();
    assertThat(console.err()).contains("--trace-indices: cannot write " + file).doesNotContain("warm-up");
  }
}
