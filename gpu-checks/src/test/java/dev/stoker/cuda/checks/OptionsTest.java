package dev.stoker.cuda.checks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class OptionsTest {
  @Test
  void parse_noFlags_fullSizesCudaRequiredNoJson() {
    Options options = Options.parse(new String[0]);

    assertThat(options).isEqualTo(Options.defaults());
    assertThat(options.allowNoGpu()).isFalse();
    assertThat(options.timeout()).isEqualTo(Options.FULL_TIMEOUT);
  }

  @Test
  void parse_everyFlag_isRead() {
    Options options = Options.parse(new String[] {"--allow-no-gpu", "--preflight-only", "--quick", "--json", "r.json",
        "--timeout", "7"});

    assertThat(options).isEqualTo(new Options(true, true, Path.of("r.json"), true, Duration.ofSeconds(7)));
  }

  @Test
  void parse_quick_shorterWatchdog() {
    assertThat(Options.parse(new String[] {"--quick"}).timeout()).isEqualTo(Options.QUICK_TIMEOUT);
  }

  @Test
  void parse_unknownFlag_throwsNamingIt() {
    assertThatThrownBy(() -> Options.parse(new String[] {"--allow-no-gpus"}))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--allow-no-gpus");
  }

  @Test
  void parse_positionalArgument_throws() {
    assertThatThrownBy(() -> Options.parse(new String[] {"quick"})).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("quick");
  }

  @Test
  void parse_jsonWithoutFile_throws() {
    assertThatThrownBy(() -> Options.parse(new String[] {"--json"})).hasMessageContaining("--json needs a value");
    assertThatThrownBy(() -> Options.parse(new String[] {"--json", "--quick"}))
        .hasMessageContaining("--json needs a value");
  }

  @Test
  void parse_badTimeout_throws() {
    assertThatThrownBy(() -> Options.parse(new String[] {"--timeout", "0"})).hasMessageContaining("--timeout");
    assertThatThrownBy(() -> Options.parse(new String[] {"--timeout", "soon"})).hasMessageContaining("soon");
  }

  @Test
  void run_unknownFlag_exitsTwoWithUsageAndChecksNothing() {
    ByteArrayOutputStream log = new ByteArrayOutputStream();

    int code = GpuChecks.run(new String[] {"--fast"}, new PrintStream(log, true, StandardCharsets.UTF_8));

    assertThat(code).isEqualTo(2);
    assertThat(log.toString(StandardCharsets.UTF_8)).contains("unknown flag --fast").contains("usage: GpuChecks")
        .doesNotContain("passed");
  }
}
