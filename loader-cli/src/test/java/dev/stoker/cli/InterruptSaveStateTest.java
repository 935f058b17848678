package dev.stoker.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stoker.api.LoaderState;
import dev.stoker.pipeline.LoaderStateJson;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ctrl-C (SIGINT) of a real child JVM running {@code bench --save-state}: the state it writes is
 * the one after the last batch it finished (its flushed index trace ends exactly there), and
 * {@code bench --resume} continues from it with exactly the batches an uninterrupted run delivers.
 * Also {@code demo --save-state/--resume}: a demo stopped by a failure resumes after its last batch.
 */
@Timeout(120)
class InterruptSaveStateTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @RegisterExtension
  static final CliDataset dataset = CliDataset.demo(5);   // 30 images

  @RegisterExtension
  final ConsoleCapture console = new ConsoleCapture();

  @TempDir
  Path tmp;

  private static final List<String> SETTINGS = List.of("--threads", "2", "--size", "32", "--batch", "4", "--seed",
      "3", "--decoder", "imageio");

  private static boolean killWorks() {
    try {
      return new ProcessBuilder("kill", "-l").redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .start().waitFor(10, TimeUnit.SECONDS);
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }

  /** Each trace line of {@code epoch}: its batch number and indices. */
  private static List<String> batchesOf(Path trace, int epoch) throws IOException {
    List<String> out = new ArrayList<>();
    for (String line : Files.readAllLines(trace)) {
      JsonNode node = JSON.readTree(line);
      if (node.get("epoch").asInt() == epoch) {
        out.add(node.get("batch").asLong() + ":" + node.get("indices"));
      }
    }
    return out;
  }

  private static long lastNextPosition(Path trace, int epoch) throws IOException {
    long last = 0;
    for (String line : Files.readAllLines(trace)) {
      JsonNode node = JSON.readTree(line);
      if (node.get("epoch").asInt() == epoch) {
        last = node.get("next_position").asLong();
      }
    }
    return last;
  }

  private int bench(String... extra) {
    List<String> args = new ArrayList<>(List.of("bench", dataset.dir().toString()));
    args.addAll(SETTINGS);
    args.addAll(List.of(extra));
    return StokerCli.run(args.toArray(String[]::new));
  }

  /** Runs bench in a child JVM, sends it SIGINT after {@code millis} of its run, and returns its output. */
  private String interruptedChild(Path state, Path trace, long millis) throws Exception {
    Path log = tmp.resolve("child.txt");
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElseThrow());
    command.addAll(ModularLaunchTest.launcherFlags());
    command.addAll(List.of("--module-path", modulePath(), "-m", "dev.stoker.cli/dev.stoker.cli.StokerCli",
        "bench", dataset.dir().toString()));
    command.addAll(SETTINGS);
    command.addAll(List.of("--epochs", "100000", "--save-state", state.toString(), "--trace-indices",
        trace.toString()));
    Process child = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (!Files.readString(log).contains("bench: ") && child.isAlive() && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertThat(child.isAlive()).as(Files.readString(log)).isTrue();
      Thread.sleep(millis);
      Process kill = new ProcessBuilder("kill", "-INT", Long.toString(child.pid())).start();
      assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
      assertThat(child.waitFor(30, TimeUnit.SECONDS)).as("the child ends on SIGINT: %s", Files.readString(log))
          .isTrue();
    } finally {
      child.destroyForcibly();
    }
    return Files.readString(log);
  }

  @Test
  void bench_sigintOfAChildJvm_savesTheStateAfterTheLastFinishedBatchAndResumeContinuesExactly() throws Exception {
    Assumptions.assumeTrue(killWorks(), "no `kill` command to send SIGINT with on this machine");
    Path state = tmp.resolve("state.json");
    Path first = tmp.resolve("first.jsonl");
    String output = "";
    LoaderState saved = null;
    // Usually mid-epoch at the first try; an interrupt that falls on an epoch's start is tried again.
    for (int attempt = 0; attempt < 3 && (saved == null || saved.position() == 0); attempt++) {
      output = interruptedChild(state, first, 1500 + 300L * attempt);
      assertThat(output).contains("bench: run interrupted; state saved to " + state);
      saved = LoaderStateJson.read(state);
    }
    int epoch = saved.epoch();   // 0 if the child was still in its (traced) warm-up
    // The trace was flushed up to the state: its last batch of the epoch ends where the state stands.
    assertThat(lastNextPosition(first, epoch)).as(output).isEqualTo(saved.position());
    assertThat(batchesOf(first, epoch)).as(output).hasSize((int) saved.batch());

    Path second = tmp.resolve("second.jsonl");
    assertThat(bench("--epochs", "1", "--resume", state.toString(), "--trace-indices", second.toString()))
        .as(console.err()).isZero();
    Path whole = tmp.resolve("whole.jsonl");
    assertThat(bench("--epochs", Integer.toString(Math.max(1, epoch)), "--trace-indices", whole.toString()))
        .as(console.err())
        .isZero();

    List<String> resumed = new ArrayList<>(batchesOf(first, epoch));
    resumed.addAll(batchesOf(second, epoch));
    assertThat(resumed).isEqualTo(batchesOf(whole, epoch));
    assertThat(batchesOf(second, epoch)).as("the resumed run delivers the rest of the epoch, no more")
        .hasSize(batchesOf(whole, epoch).size() - (int) saved.batch());
  }

  @Test
  void demo_saveStateThenResume_continuesAfterTheLastBatchAndCountsTheRest() throws Exception {
    Path state = tmp.resolve("demo-state.json");
    List<String> demo = new ArrayList<>(List.of("demo", dataset.dir().toString(), "--threads", "2", "--size", "32",
        "--batch", "4", "--seed", "3", "--json"));
    List<String> firstRun = new ArrayList<>(demo);
    firstRun.addAll(List.of("--epochs", "1", "--save-state", state.toString()));
    assertThat(StokerCli.run(firstRun.toArray(String[]::new))).as(console.err()).isZero();
    assertThat(console.err()).contains("demo: run ended; state saved to " + state + ": epoch 1, sample 0, batch 0");

    // A state mid-epoch 1, as Ctrl-C or a failure would leave it: the rest of that epoch, then epoch 2.
    LoaderState saved = LoaderStateJson.read(state);
    LoaderStateJson.write(state, saved.at(1, 12, 3));
    List<String> resumedRun = new ArrayList<>(demo);
    resumedRun.addAll(List.of("--epochs", "2", "--resume", state.toString(), "--save-state", state.toString()));
    console.resetOut();
    assertThat(StokerCli.run(resumedRun.toArray(String[]::new))).as(console.err()).isZero();

    assertThat(console.err()).contains("demo: resuming epoch 1 at sample 12 (batch 3) of 30");
    JsonNode line = console.lastJson();
    assertThat(line.get("delivered").asLong() + line.get("failed").asLong()).isEqualTo(30 - 12 + 30);
    assertThat(console.err()).contains("state saved to " + state + ": epoch 3, sample 0, batch 0");
    // Negative control: another seed is refused, naming the field.
    List<String> otherSeed = new ArrayList<>(resumedRun);
    otherSeed.set(otherSeed.indexOf("3"), "4");
    assertThat(StokerCli.run(otherSeed.toArray(String[]::new))).isEqualTo(StokerCli.USAGE);
    assertThat(console.err()).contains("--resume " + state + ": state: saved with seed=3");
  }

  /** loader-cli's own classes (an exploded module) and its runtime dependencies. */
  private static String modulePath() {
    return String.join(File.pathSeparator, Stream.concat(Stream.of(Path.of("target", "classes")),
        RuntimeModulePath.entries().stream()).map(Path::toString).toList());
  }
}
