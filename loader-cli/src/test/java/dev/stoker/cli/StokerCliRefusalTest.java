package dev.stoker.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Settings that cannot work are refused before any work starts, in one sentence and with a
 * non-zero exit: no empty epochs reported as success, no raw stack trace.
 */
class StokerCliRefusalTest {
  /** 6 classes x 10: the 60 images of the examples. */
  @RegisterExtension
  static final CliDataset dataset = CliDataset.demo(10);

  @RegisterExtension
  final ConsoleCapture console = new ConsoleCapture();

  private int run(String command, String... extra) {
    List<String> args = new java.util.ArrayList<>(List.of(command, dataset.dir().toString(), "--threads", "1",
        "--size", "32"));
    args.addAll(List.of(extra));
    return StokerCli.run(args.toArray(String[]::new));
  }

  /** The one line the refusal printed, after checking nothing ran and nothing else was said about it. */
  private String refusal() {
    List<String> lines = console.err().lines().filter(l -> l.startsWith("stoker: ")).toList();
    assertThat(lines).as(console.err()).hasSize(1);
    assertThat(console.err()).as("no stack trace").doesNotContain("\tat ").doesNotContain("Exception");
    assertThat(console.err()).as("nothing ran").doesNotContain("images in").doesNotContain("warm-up");
    assertThat(console.out()).as("no result line").isEmpty();
    return lines.getFirst();
  }

  @Test
  void bench_moreRanksThanImages_refusesNamingWorldSize() {
    int status = run("bench", "--world-size", "100", "--rank", "99", "--json");

    assertThat(status).isNotZero();
    assertThat(refusal()).isEqualTo("stoker: worldSize: 100 ranks share 60 samples, so ranks 60 to 99 would get no "
        + "sample in any epoch; use at most 60 ranks");
  }

  @Test
  void bench_dropWithABatchLargerThanTheDataset_refusesNamingBatchSize() {
    int status = run("bench", "--batch", "100", "--last-batch", "drop", "--json");

    assertThat(status).isNotZero();
    assertThat(refusal()).startsWith("stoker: batchSize: 100 with lastBatch DROP leaves every epoch empty")
        .contains("60 samples").contains("lastBatch PARTIAL or FILL");
  }

  @Test
  void demo_dropWithABatchLargerThanTheDataset_refusesToo() {
    int status = run("demo", "--batch", "100", "--last-batch", "drop", "--epochs", "1");

    assertThat(status).isNotZero();
    assertThat(refusal()).startsWith("stoker: batchSize: 100 with lastBatch DROP leaves every epoch empty");
  }

  @Test
  void bench_oneFullBatchOnEveryRank_runs() throws Exception {
    // the negative control: 60 = 2 ranks x 30
    int status = run("bench", "--batch", "30", "--last-batch", "drop", "--world-size", "2", "--rank", "1",
        "--epochs", "1", "--json");

    assertThat(status).as(console.err()).isZero();
    assertThat(console.lastJson().get("images").asLong()).isEqualTo(30);
  }
}
