package dev.stoker.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stoker.api.Progress;
import dev.stoker.api.SampleFailure;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --failures FILE} and {@code --json} when a run does not end normally: the file is opened
 * before the run (an unwritable path is refused then) and holds each failure as it happened, the
 * JSON line is printed with an {@code error} field, and Ctrl-C prints {@code interrupted} with the
 * counts so far. Before, the file was written and the line printed only after a run that ended
 * normally.
 */
class StokerCliFailureRecordTest {
  @RegisterExtension
  static final CliDataset dataset = CliDataset.demo(3);
  private static final List<Path> broken = new ArrayList<>();

  @RegisterExtension
  final ConsoleCapture console = new ConsoleCapture();

  @TempDir
  Path tmp;

  @BeforeAll
  static void breakTwoFiles() throws IOException {
    try (var dirs = Files.list(dataset.dir())) {
      Path someClass = dirs.filter(Files::isDirectory).sorted().findFirst().orElseThrow();
      broken.add(Files.writeString(someClass.resolve("broken1.jpg"), "this is not a JPEG"));
      broken.add(Files.writeString(someClass.resolve("broken2.jpg"), "nor is this"));
    }
  }

  private int bench(String... extra) {
    List<String> args = new ArrayList<>(List.of("bench", dataset.dir().toString(), "--threads", "2", "--batch", "4",
        "--size", "32", "--epochs", "1", "--json"));
    args.addAll(List.of(extra));
    return StokerCli.run(args.toArray(String[]::new));
  }

  private static List<JsonNode> lines(Path file) throws IOException {
    ObjectMapper mapper = new ObjectMapper();
    List<JsonNode> nodes = new ArrayList<>();
    for (String line : Files.readAllLines(file)) {
      nodes.add(mapper.readTree(line));
    }
    return nodes;
  }

  @Test
  void bench_unwritableFailuresPath_refusedInOneSentenceBeforeTheRun() {
    Path nowhere = tmp.resolve("no-such-dir").resolve("failures.jsonl");

    assertThat(bench("--failures", nowhere.toString())).as("bad usage").isEqualTo(2);
    assertThat(console.err().lines().toList()).as(console.err()).singleElement().asString()
        .startsWith("stoker: --failures " + nowhere + ": cannot write there");
  }

  @Test
  void bench_failFast_fileHoldsTheFailureAndJsonLineHasError() throws IOException {
    Path file = tmp.resolve("failures.jsonl");

    assertThat(bench("--on-failure", "fail-fast", "--failures", file.toString())).isEqualTo(1);

    assertThat(lines(file)).isNotEmpty()
        .allSatisfy(f -> assertThat(f.get("source").asText()).isIn(broken.stream().map(Path::toString).toList()));
    JsonNode json = console.lastJson();
    assertThat(json.get("error").asText()).startsWith("fail-fast: ");
    assertThat(json.has("images")).isTrue();
    assertThat(json.get("failed").asLong()).isPositive();
    assertThat(console.err()).contains("stoker: fail-fast: ");
  }

  @Test
  void bench_failureBudgetExceeded_fileHoldsBothFailuresAndJsonLineHasError() throws IOException {
    Path file = tmp.resolve("failures.jsonl");

    assertThat(bench("--on-failure", "1", "--failures", file.toString())).isEqualTo(1);

    assertThat(lines(file)).extracting(f -> f.get("source").asText())
        .containsExactlyInAnyOrderElementsOf(broken.stream().map(Path::toString).toList());
    assertThat(console.lastJson().get("error").asText()).startsWith("failure budget exceeded");
  }

  /** Negative control: a run that ends normally lists the timed epochs' failures only, as before. */
  @Test
  void bench_skip_fileListsTheTimedEpochsFailuresAndJsonHasNoError() throws IOException {
    Path file = tmp.resolve("failures.jsonl");

    assertThat(bench("--failures", file.toString())).as(console.err()).isZero();

    assertThat(lines(file)).hasSize(2).allSatisfy(f -> assertThat(f.get("epoch").asInt()).isEqualTo(1));
    assertThat(console.lastJson().has("error")).isFalse();
  }

  @Test
  void demo_failFast_jsonLineHasError() {
    int status = StokerCli.run("demo", dataset.dir().toString(), "--threads", "2", "--batch", "4", "--size", "32",
        "--epochs", "1", "--on-failure", "fail-fast", "--json");

    assertThat(status).isEqualTo(1);
    assertThat(console.lastJson().get("error").asText()).startsWith("fail-fast: ");
  }

  /** The Ctrl-C hook's work, run directly instead of signalling the test JVM. */
  @Test
  void interrupted_midRun_endsTheLinePrintsInterruptedWithCountsFlushesFileAndPrintsJson() throws IOException {
    Path file = tmp.resolve("failures.jsonl");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Progress progress = new Progress(120, 1, 2.5, 1, 4, 10);
    try (RunRecord record = RunRecord.open("bench", file, true, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8))) {
      ProgressLine line = new ProgressLine("bench", () -> progress, 0, System.err);
      record.watch(() -> progress, line, true);
      record.failed(new SampleFailure(1, 7, "/data/x.jpg", new IllegalStateException("bad")));

      assertThat(lines(file)).as("written and flushed as it happened").singleElement()
          .satisfies(f -> assertThat(f.get("index").asInt()).isEqualTo(7));

      record.interrupted();
    }

    assertThat(err.toString(StandardCharsets.UTF_8))
        .isEqualTo("bench: interrupted after 120 images (1 failed) in 2.50 s; failures so far are in " + file
            + System.lineSeparator());
    JsonNode json = new ObjectMapper().readTree(out.toString(StandardCharsets.UTF_8));
    assertThat(json.get("error").asText()).isEqualTo("interrupted");
    assertThat(json.get("images").asLong()).isEqualTo(120);
    assertThat(json.get("failed").asLong()).isEqualTo(1);
    assertThat(lines(file)).hasSize(1);
  }
}
