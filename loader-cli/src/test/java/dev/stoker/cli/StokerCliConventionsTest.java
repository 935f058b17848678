package dev.stoker.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stoker.api.Progress;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The command line's conventions: exit status 0 / 1 (a run that failed) / 2 (bad usage), errors
 * naming the option as typed, choices listed in {@code --help}, the progress line, {@code --log-level}.
 */
class StokerCliConventionsTest {
  @RegisterExtension
  static final CliDataset dataset = CliDataset.demo(2);

  @RegisterExtension
  final ConsoleCapture console = new ConsoleCapture();

  private int bench(String... extra) {
    String[] args = new String[extra.length + 2];
    args[0] = "bench";
    args[1] = dataset.dir().toString();
    System.arraycopy(extra, 0, args, 2, extra.length);
    return StokerCli.run(args);
  }

  /** The one {@code stoker: ...} line of a refusal. */
  private String refusal() {
    return console.err().lines().filter(l -> l.startsWith("stoker: ")).findFirst().orElse(console.err());
  }

  @Test
  void bench_valuesTheBuilderRefuses_exitTwoNamingTheOptionAsTyped() {
    String[][] cases = {
        {"--batch", "0"}, {"--threads", "0"}, {"--size", "0"}, {"--ring-slots", "3"}, {"--world-size", "0"},
        {"--rank", "2", "--world-size", "2"}, {"--max-boxes", "-1"}, {"--epochs", "0"}};
    for (String[] args : cases) {
      console.resetErr();
      assertThat(bench(args)).as(String.join(" ", args) + ": " + console.err()).isEqualTo(2);
      assertThat(refusal()).as(String.join(" ", args)).startsWith("stoker: " + args[0] + ": ")
          .doesNotContain("batchSize").doesNotContain("stoker: slots").doesNotContain("worldSize");
    }
  }

  @Test
  void bench_unparsableOrUnknownChoice_exitsTwoListingTheChoices() {
    assertThat(bench("--batch", "many")).isEqualTo(2);
    assertThat(console.err()).contains("--batch");
    console.resetErr();
    assertThat(bench("--decoder", "turbo")).isEqualTo(2);
    assertThat(console.err()).contains("'--decoder'").contains("auto").contains("imageio");
    console.resetErr();
    assertThat(bench("--preset", "fancy")).isEqualTo(2);
    assertThat(console.err()).contains("'--preset'").contains("imagenet-eval");
  }

  @Test
  void bench_choiceInAnyCase_isAccepted() {
    assertThat(bench("--threads", "1", "--size", "16", "--epochs", "1", "--batch", "4", "--decoder", "ImageIO",
        "--preset", "DECODE-ONLY", "--last-batch", "Drop", "--json"))
        .as(console.err()).isZero();
    assertThat(console.lastJson().get("decoder").asText()).isEqualTo("imageio");
    assertThat(console.lastJson().get("preset").asText()).isEqualTo("decode-only");
  }

  @Test
  void bench_missingDataset_exitsOneAsARunThatFailed(@TempDir Path empty) {
    assertThat(StokerCli.run("bench", empty.resolve("nope").toString())).isEqualTo(1);
  }

  @Test
  void demo_outOfRangeDemoOptions_exitTwoNamingThem() {
    assertThat(StokerCli.run("demo", dataset.dir().toString(), "--per-class", "0")).isEqualTo(2);
    assertThat(refusal()).startsWith("stoker: --per-class: ");
    console.resetErr();
    assertThat(StokerCli.run("demo", dataset.dir().toString(), "--learning-rate", "-1")).isEqualTo(2);
    assertThat(refusal()).startsWith("stoker: --learning-rate: ");
  }

  @Test
  void serve_outOfRangeWorkersOrPort_exitTwoNamingThem() {
    assertThat(StokerCli.run("serve", "--data", dataset.dir().toString(), "--port", "0", "--workers", "0")).isEqualTo(2);
    assertThat(refusal()).startsWith("stoker: --workers: ");
    console.resetErr();
    assertThat(StokerCli.run("serve", "--data", dataset.dir().toString(), "--port", "70000")).isEqualTo(2);
    assertThat(refusal()).startsWith("stoker: --port: ");
  }

  @Test
  void named_builderParameterNames_becomeTheOptions() {
    assertThat(LoaderOptions.named(new IllegalArgumentException("batchSize: must be positive, got 0")))
        .isInstanceOf(UsageException.class).hasMessage("--batch: must be positive, got 0");
    assertThat(LoaderOptions.named(new IllegalArgumentException("rank: must be in [0, worldSize=2), got 3")))
        .hasMessage("--rank: must be in [0, --world-size 2), got 3");
    assertThat(LoaderOptions.named(new IllegalArgumentException("slots: must be a positive power of two, got 3")))
        .hasMessage("--ring-slots: must be a positive power of two, got 3");
    assertThat(LoaderOptions.named(new IllegalArgumentException("batchSize: 100 with lastBatch DROP on worldSize 2 "
        + "ranks leaves every epoch empty; use a batchSize of at most 30, or lastBatch PARTIAL or FILL")))
        .hasMessage("--batch: 100 with --last-batch drop on --world-size 2 ranks leaves every epoch empty; use a "
            + "--batch of at most 30, or --last-batch partial or fill");
    assertThat(LoaderOptions.named(new dev.stoker.api.MemoryLimitException("maxOffHeapBytes: too much")))
        .isInstanceOf(dev.stoker.api.MemoryLimitException.class).hasMessage("--max-off-heap: too much");
    assertThat(LoaderOptions.named(new IllegalArgumentException("the dataset is empty")))
        .as("negative control: nothing to rename").hasMessage("the dataset is empty");
  }

  @Test
  void help_everyChoiceListsItsValues() {
    String help = new CommandLine(new StokerCli()).getSubcommands().get("bench").getUsageMessage();
    assertThat(help.replaceAll("\\s+", " "))
        .contains("imagenet-train, imagenet-eval, decode-only, ssd300-train")
        .contains("auto, imageio")
        .contains("partial, drop, fill")
        .contains("encoded, decoded")
        .contains("error, warn, info, debug, trace, off");
  }

  @Test
  void help_root_namesTheExitStatusesAndTheEnvironment() {
    String help = new CommandLine(new StokerCli()).getUsageMessage();
    assertThat(help).contains("STOKER_JAVA ").contains("STOKER_JAVA_OPTS").contains("STOKER_DEBUG")
        .contains("0 success, 1 a run that failed, 2 bad usage");
  }

  @Test
  void progressText_onATerminal_showsPercentAndTimeLeft() {
    Progress p = new Progress(250, 0, 10.0, 2, 4, 12.5);
    assertThat(ProgressLine.text("bench", p, 1000, true)).startsWith("bench:  25%  ETA 0:30  250 images  25 images/s");
    assertThat(ProgressLine.text("bench", p, 1000, false)).as("plain: no percent, no ETA")
        .isEqualTo("bench: 250 images  25 images/s  ring 2/4  consumer wait 12.5%");
    assertThat(ProgressLine.text("bench", p, 0, true)).as("unknown total").doesNotContain("%  ETA");
    assertThat(ProgressLine.text("demo", new Progress(0, 0, 0, 0, 4, 0), 100, true)).contains("0%  ETA -:--");
    assertThat(ProgressLine.clock(3725)).isEqualTo("1:02:05");
  }

  @Test
  void progressLine_notATerminal_printsPlainLinesWithoutRedrawCodes() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    try (ProgressLine line = new ProgressLine("bench", () -> new Progress(5, 0, 1, 1, 4, 0), 10, out, false)) {
      assertThat(line).isNotNull();
    }
    assertThat(bytes.toString(StandardCharsets.UTF_8)).doesNotContain("\r").doesNotContain("\u001b");
    bytes.reset();
    try (ProgressLine line = new ProgressLine("bench", () -> new Progress(5, 0, 1, 1, 4, 0), 10, out, true)) {
      Thread.sleep(400);   // one redraw, every 250 ms on a terminal
    }
    assertThat(bytes.toString(StandardCharsets.UTF_8)).contains("\rbench:  50%  ETA 0:01");
  }

  @Test
  void presetLogLevel_eitherSpelling_setsTheSimpleLoggersDefaultLevel() {
    String saved = System.getProperty(StokerCli.LOG_LEVEL_PROPERTY);
    try {
      StokerCli.presetLogLevel("bench", "DIR", "--log-level", "debug");
      assertThat(System.getProperty(StokerCli.LOG_LEVEL_PROPERTY)).isEqualTo("debug");
      StokerCli.presetLogLevel("serve", "--log-level=WARN");
      assertThat(System.getProperty(StokerCli.LOG_LEVEL_PROPERTY)).isEqualTo("warn");
      StokerCli.presetLogLevel("bench", "--", "--log-level", "trace");
      assertThat(System.getProperty(StokerCli.LOG_LEVEL_PROPERTY)).as("after --, an argument").isEqualTo("warn");
      assertThat(StokerCli.run("list", "--log-level", "loud", dataset.dir().toString())).isEqualTo(2);
      assertThat(console.err()).contains("'--log-level'");
    } finally {
      if (saved == null) {
        System.clearProperty(StokerCli.LOG_LEVEL_PROPERTY);
      } else {
        System.setProperty(StokerCli.LOG_LEVEL_PROPERTY, saved);
      }
    }
  }
}
