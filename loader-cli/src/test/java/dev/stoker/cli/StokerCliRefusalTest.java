package dev.stoker.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

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
    List<String> args = new java.util.ArrayList<>(List.of(command, dataset.dir().toString(), "--threads", "1"));
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
    int status = run("bench", "--size", "32", "--world-size", "100", "--rank", "99", "--json");

    assertThat(status).as("bad usage").isEqualTo(2);
    assertThat(refusal()).isEqualTo("stoker: --world-size: 100 ranks share 60 samples, so ranks 60 to 99 would get no "
        + "sample in any epoch; use at most 60 ranks");
  }

  @Test
  void bench_dropWithABatchLargerThanTheDataset_refusesNamingBatchSize() {
    int status = run("bench", "--size", "32", "--batch", "100", "--last-batch", "drop", "--json");

    assertThat(status).as("bad usage").isEqualTo(2);
    assertThat(refusal()).startsWith("stoker: --batch: 100 with --last-batch drop leaves every epoch empty")
        .contains("60 samples").contains("--last-batch partial or fill").doesNotContain("batchSize");
  }

  @Test
  void demo_dropWithABatchLargerThanTheDataset_refusesToo() {
    int status = run("demo", "--size", "32", "--batch", "100", "--last-batch", "drop", "--epochs", "1");

    assertThat(status).as("bad usage").isEqualTo(2);
    assertThat(refusal()).startsWith("stoker: --batch: 100 with --last-batch drop leaves every epoch empty");
  }

  @Test
  void bench_oneFullBatchOnEveryRank_runs() throws Exception {
    // the negative control: 60 = 2 ranks x 30
    int status = run("bench", "--size", "32", "--batch", "30", "--last-batch", "drop", "--world-size", "2", "--rank", "1",
        "--epochs", "1", "--json");

    assertThat(status).as(console.err()).isZero();
    assertThat(console.lastJson().get("images").asLong()).isEqualTo(30);
  }

  @Test
  void bench_size4096WithTheDefaultBatch_refusesWithExit2() {
    long physical = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getTotalMemorySize();
    long ring = 4L * 256 * 4096 * 4096 * 3;
    assumeTrue(ring > physical, "this machine has more than the " + ring + " bytes the ring needs");

    int status = StokerCli.run("bench", dataset.dir().toString(), "--size", "4096", "--json");

    assertThat(status).isEqualTo(2);
    assertThat(refusal()).startsWith("stoker: --max-off-heap: 4 ring slots of 256x4096x4096x3 uint8, "
        + "12,884,901,888 bytes each").contains("more than the ").contains("this machine allows");
  }

  @Test
  void bench_size100000_refusesWithExit2NamingTheSampleBytes() {
    int status = run("bench", "--size", "100000", "--json");

    assertThat(status).isEqualTo(2);
    assertThat(refusal()).startsWith("stoker: --size: an output of 100000x100000x3 uint8 is 30,000,000,000 bytes "
        + "per sample, more than the ");
  }

  @Test
  void bench_size2000000000BatchOne_refusesWithExit2InsteadOfANegativeAllocation() {
    int status = run("bench", "--size", "2000000000", "--batch", "1", "--json");

    assertThat(status).isEqualTo(2);
    assertThat(refusal()).startsWith("stoker: --size: an output of 2000000000x2000000000x3 uint8 needs more bytes")
        .doesNotContain("negative");
  }

  @Test
  void demo_size100000_refusesWithExit2Too() {
    int status = run("demo", "--size", "100000", "--epochs", "1");

    assertThat(status).isEqualTo(2);
    assertThat(refusal()).startsWith("stoker: --size: an output of 100000x100000x3 uint8");
  }

  @Test
  void bench_maxOffHeapBelowTheRing_refusesWithExit2AndAboveItRuns() throws Exception {
    // 1 thread: 4 slots of 16 x 32x32x3 (49,152 bytes) and 4 + 1 sample buffers of 3,072: 211,968 bytes
    int status = run("bench", "--size", "32", "--batch", "16", "--max-off-heap", "100k", "--json");

    assertThat(status).isEqualTo(2);
    assertThat(refusal()).contains("need 211,968 bytes off the heap, more than the 102,400 bytes --max-off-heap allows");

    console.resetOut();
    assertThat(run("bench", "--size", "32", "--batch", "16", "--max-off-heap", "207k", "--epochs", "1",
        "--json")).as(console.err()).isZero();
    assertThat(console.lastJson().get("images").asLong()).isEqualTo(60);
  }

  @Test
  void benchAndDemo_epochsZero_areRefusedBeforeTheDatasetIsOpened(@TempDir Path empty) {
    Path missing = empty.resolve("nope");
    for (String command : List.of("bench", "demo")) {
      int status = StokerCli.run(command, missing.toString(), "--epochs", "0");

      assertThat(status).as(command).isNotZero();
      assertThat(refusal()).as(command).isEqualTo("stoker: --epochs: must be at least 1, got 0");
      assertThat(console.err()).as("checked before listing").doesNotContain(missing.toString());
      console.resetErr();
    }
  }

  @Test
  void bench_cacheKindWithoutCacheBytes_isRefusedBeforeTheDatasetIsOpened(@TempDir Path empty) {
    Path missing = empty.resolve("nope");

    int status = StokerCli.run("bench", missing.toString(), "--cache-kind", "decoded");

    assertThat(status).isNotZero();
    assertThat(refusal()).isEqualTo("stoker: --cache-kind decoded has no effect without --cache-bytes SIZE "
        + "(the cache's size, e.g. 2g)");
  }

  @Test
  void bench_maxBoxesOnAClassificationSet_isRefusedNamingIt() {
    int status = run("bench", "--size", "32", "--max-boxes", "5", "--json");

    assertThat(status).isNotZero();
    assertThat(refusal()).startsWith("stoker: --max-boxes: ").contains("has no boxes");
  }

  @Test
  void bench_maxBoxesZeroOnAClassificationSet_runs() throws Exception {
    // the negative control: 0 boxes is what a classification set has anyway
    int status = run("bench", "--size", "32", "--batch", "30", "--max-boxes", "0", "--epochs", "1", "--json");

    assertThat(status).as(console.err()).isZero();
  }

  @Test
  void help_everyCommand_printsItsHelpWithoutPicocliWarnings() {
    for (String command : List.of("bench", "demo", "list", "serve")) {
      int status = StokerCli.run(command, "--help");

      assertThat(status).as(command).isZero();
      assertThat(console.out()).as(command).contains("Usage: stoker " + command);
      assertThat(console.err()).as(command + ": picocli warns on a bad format specifier").isEmpty();
    }
    assertThat(StokerCli.run("bench", "--threads", "x")).as("a usage error").isEqualTo(2);
    assertThat(console.err()).contains("Invalid value for option '--threads'").doesNotContain("WARN");
  }
}
