package dev.stoker.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stoker.api.LoaderState;
import dev.stoker.api.Progress;
import dev.stoker.pipeline.LoaderStateJson;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bench --save-state FILE} and {@code --resume FILE}: a run stopped after some epochs or by a
 * failure mid-epoch and resumed delivers, with both traces together, every index once per epoch;
 * settings that differ from the saved run and hostile state files are refused before the run.
 */
class SaveStateResumeTest {
  private static final int IMAGES = 31;   // the demo's 30 and one broken file

  @RegisterExtension
  static final CliDataset dataset = CliDataset.demo(5);

  @RegisterExtension
  final ConsoleCapture console = new ConsoleCapture();

  @TempDir
  Path tmp;

  @BeforeAll
  static void breakOneFile() throws IOException {
    try (var dirs = Files.list(dataset.dir())) {
      Path someClass = dirs.filter(Files::isDirectory).sorted().findFirst().orElseThrow();
      Files.writeString(someClass.resolve("broken.jpg"), "this is not a JPEG");
    }
  }

  private int bench(String... extra) {
    List<String> args = new ArrayList<>(List.of("bench", dataset.dir().toString(), "--threads", "2", "--size", "32"));
    args.addAll(List.of(extra));
    if (!args.contains("--seed")) {
      args.addAll(List.of("--seed", "3"));
    }
    if (!args.contains("--batch")) {
      args.addAll(List.of("--batch", "4"));
    }
    return StokerCli.run(args.toArray(String[]::new));
  }

  /** Per epoch, indices not seen exactly once over all the traces. */
  private static List<String> problems(int epochs, Path... traces) throws IOException {
    ObjectMapper mapper = new ObjectMapper();
    TreeMap<Integer, int[]> seen = new TreeMap<>();
    for (int e = 0; e < epochs; e++) {
      seen.put(e, new int[IMAGES]);
    }
    for (Path trace : traces) {
      for (String line : Files.readAllLines(trace)) {
        JsonNode batch = mapper.readTree(line);
        batch.get("indices").forEach(i -> seen.get(batch.get("epoch").asInt())[i.asInt()]++);
      }
    }
    List<String> problems = new ArrayList<>();
    seen.forEach((epoch, counts) -> {
      for (int i = 0; i < IMAGES; i++) {
        if (counts[i] != 1) {
          problems.add("epoch " + epoch + " index " + i + " seen " + counts[i] + " times");
        }
      }
    });
    return problems;
  }

  private static int brokenIndex(Path failures) throws IOException {
    List<String> lines = Files.readAllLines(failures);
    assertThat(lines).isNotEmpty();
    return new ObjectMapper().readTree(lines.get(0)).get("index").asInt();
  }

  @Test
  void bench_savedAfterTheEpochsThenResumed_everyIndexOncePerEpoch() throws Exception {
    Path state = tmp.resolve("state.json");
    Path first = tmp.resolve("first.jsonl");
    Path second = tmp.resolve("second.jsonl");
    Path failures = tmp.resolve("failures.jsonl");

    assertThat(bench("--epochs", "1", "--save-state", state.toString(), "--trace-indices", first.toString()))
        .as(console.err()).isZero();
    LoaderState saved = LoaderStateJson.read(state);
    assertThat(saved.epoch()).isEqualTo(2);   // warm-up 0 and timed 1 ran
    assertThat(saved.position()).isZero();
    assertThat(console.err()).contains("bench: run ended; state saved to " + state + ": epoch 2, sample 0, batch 0");

    assertThat(bench("--epochs", "2", "--resume", state.toString(), "--trace-indices", second.toString(),
        "--failures", failures.toString())).as(console.err()).isZero();
    String resumed = console.err().substring(console.err().indexOf("resuming epoch 2 at sample 0 (batch 0)"));
    assertThat(resumed).contains("no warm-up").doesNotContain("warm-up:");

    int broken = brokenIndex(failures);
    assertThat(problems(4, first, second)).containsExactly("epoch 0 index " + broken + " seen 0 times",
        "epoch 1 index " + broken + " seen 0 times", "epoch 2 index " + broken + " seen 0 times",
        "epoch 3 index " + broken + " seen 0 times");
  }

  @Test
  void bench_failedMidEpochThenResumed_everyIndexOncePerEpoch() throws Exception {
    Path state = tmp.resolve("state.json");
    Path first = tmp.resolve("first.jsonl");
    Path second = tmp.resolve("second.jsonl");
    Path failures = tmp.resolve("failures.jsonl");

    assertThat(bench("--epochs", "1", "--on-failure", "fail-fast", "--save-state", state.toString(),
        "--trace-indices", first.toString())).isEqualTo(StokerCli.FAILED);
    LoaderState saved = LoaderStateJson.read(state);
    assertThat(saved.epoch()).isZero();
    assertThat(saved.position()).as("stopped mid-epoch, after some batches").isPositive();
    assertThat(saved.batch()).isEqualTo(Files.readAllLines(first).size());
    assertThat(console.err()).contains("bench: run failed; state saved to " + state);

    // the failure policy is not part of the sequence: the resumed run skips the broken file
    assertThat(bench("--epochs", "2", "--resume", state.toString(), "--trace-indices", second.toString(),
        "--failures", failures.toString())).as(console.err()).isZero();

    int broken = brokenIndex(failures);
    assertThat(problems(2, first, second))
        .containsExactly("epoch 0 index " + broken + " seen 0 times", "epoch 1 index " + broken + " seen 0 times");
  }

  @Test
  void bench_resumedOneBatchTooEarly_negativeControl_duplicatesShow() throws Exception {
    Path state = tmp.resolve("state.json");
    Path first = tmp.resolve("first.jsonl");
    Path second = tmp.resolve("second.jsonl");
    assertThat(bench("--epochs", "1", "--on-failure", "fail-fast", "--save-state", state.toString(),
        "--trace-indices", first.toString())).isEqualTo(StokerCli.FAILED);
    LoaderState saved = LoaderStateJson.read(state);
    LoaderStateJson.write(state, saved.at(0, saved.position() - 4, saved.batch() - 1));

    assertThat(bench("--epochs", "1", "--resume", state.toString(), "--trace-indices", second.toString()))
        .as(console.err()).isZero();

    // exactly the last delivered batch's samples come again (fewer than 4 where fail-fast cut that batch short)
    List<String> firstLines = Files.readAllLines(first);
    List<String> expected = new ArrayList<>();
    new ObjectMapper().readTree(firstLines.get(firstLines.size() - 1)).get("indices")
        .forEach(i -> expected.add("epoch 0 index " + i.asInt() + " seen 2 times"));
    assertThat(expected).isNotEmpty();
    assertThat(problems(1, first, second)).filteredOn(p -> p.endsWith("seen 2 times"))
        .containsExactlyInAnyOrderElementsOf(expected);
  }

  @Test
  void bench_resumeWithAnotherSeedOrBatch_refusedBeforeTheRunNamingTheField() throws Exception {
    Path state = tmp.resolve("state.json");
    LoaderStateJson.write(state, new LoaderState(1, 4, 1, 3, true, 0, 1, dev.stoker.api.LastBatchPolicy.PARTIAL, 4,
        IMAGES));

    assertThat(bench("--epochs", "1", "--resume", state.toString(), "--seed", "4")).isEqualTo(StokerCli.USAGE);
    assertThat(console.err()).contains("stoker: --resume " + state + ": state: saved with seed=3 but this loader "
        + "has seed=4").doesNotContain("warm-up");
    assertThat(bench("--epochs", "1", "--resume", state.toString(), "--seed", "3", "--batch", "8"))
        .isEqualTo(StokerCli.USAGE);
    assertThat(console.err()).contains("saved with batchSize=4 but this loader has batchSize=8");
    assertThat(bench("--epochs", "1", "--resume", state.toString(), "--seed", "3", "--no-shuffle"))
        .isEqualTo(StokerCli.USAGE);
    assertThat(console.err()).contains("saved with shuffle=true");
    // negative control: the same settings run
    assertThat(bench("--epochs", "1", "--resume", state.toString())).as(console.err()).isZero();
  }

  @Test
  void bench_resumeFromHostileFiles_refusedNamingTheFileAndField() throws Exception {
    Path bad = tmp.resolve("bad.json");
    Files.writeString(bad, LoaderStateJson.toJson(new LoaderState(0, 0, 0, 3, true, 0, 1,
        dev.stoker.api.LastBatchPolicy.PARTIAL, 4, IMAGES)).replace("\"epoch\":0", "\"epoch\":-7"));
    assertThat(bench("--resume", bad.toString())).isEqualTo(StokerCli.USAGE);
    assertThat(console.err()).contains("stoker: --resume: " + bad + ": field epoch: must be an integer");

    Path big = tmp.resolve("big.json");
    Files.writeString(big, " ".repeat(1 << 20));
    assertThat(bench("--resume", big.toString())).isEqualTo(StokerCli.USAGE);
    assertThat(console.err()).contains(big + ": more than 4096 bytes");

    assertThat(bench("--resume", tmp.resolve("missing.json").toString())).isEqualTo(StokerCli.USAGE);
    assertThat(console.err()).contains("missing.json: not a regular file");
  }

  @Test
  void bench_saveStateInAMissingFolder_refusedBeforeTheRun() {
    Path file = tmp.resolve("no-such-dir").resolve("state.json");
    assertThat(bench("--save-state", file.toString())).isEqualTo(StokerCli.USAGE);
    assertThat(console.err()).contains("--save-state " + file + ": its folder does not exist").doesNotContain("warm-up");
  }

  @Test
  void interrupted_withAnAction_runsItBeforeTheCounts() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    AtomicBoolean saved = new AtomicBoolean();
    Progress progress = new Progress(8, 0, 1.0, 1, 4, 10);
    try (RunRecord record = RunRecord.open("bench", null, false, System.out,
        new PrintStream(err, true, StandardCharsets.UTF_8))) {
      record.watch(() -> progress, null, true);
      record.onInterrupt(() -> saved.set(true));
      record.interrupted();
    }
    assertThat(saved).isTrue();
    assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("bench: interrupted after 8 images");
  }
}
