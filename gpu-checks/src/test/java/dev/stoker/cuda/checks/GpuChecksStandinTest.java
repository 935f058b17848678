package dev.stoker.cuda.checks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stoker.cuda.CudaStatus;
import dev.stoker.cuda.DeviceFeed;
import dev.stoker.cuda.DeviceTransform;
import dev.stoker.cuda.PixelType;
import dev.stoker.cuda.standin.CudaStandin;
import dev.stoker.cuda.standin.StandinCheck;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import jcuda.driver.CUresult;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * All of GpuChecks on the CUDA driver stand-in (a test fixture: nothing it measures is a GPU figure),
 * through the entry {@code main} uses, and the ways a run must fail instead of passing by accident.
 */
@Tag("standin")
@ExtendWith(StandinCheck.class)
@Timeout(180)
class GpuChecksStandinTest {
  /** The preflight and every check. */
  private static final int CHECKS = 1 + GpuChecks.CHECKS.size();
  /** A watchdog limit no stand-in check comes near, and that still ends a hang within the test's time. */
  private static final String TIMEOUT = "60";

  @TempDir
  Path dir;
  private final ByteArrayOutputStream log = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(log, true, StandardCharsets.UTF_8);

  private String output() {
    return log.toString(StandardCharsets.UTF_8);
  }

  private GpuChecks checks(String... args) {
    return new GpuChecks(Options.parse(Stream.concat(Stream.of("--timeout", TIMEOUT), Stream.of(args))
        .toArray(String[]::new)), out);
  }

  @Test
  void run_everyCheckOnTheStandin_allPassWithTheNumbersLabeled() throws Exception {
    long live = CudaStandin.liveAllocations();
    Path json = dir.resolve("gpu-checks.json");

    int code = GpuChecks.run(new String[] {"--json", json.toString(), "--timeout", TIMEOUT}, out);

    assertThat(code).as(this::output).isZero();
    assertThat(output()).contains("GPU: Stoker CUDA stand-in").contains("sizes: quick (the stand-in)")
        .contains(CHECKS + " passed, 0 failed").doesNotContain("FAIL").contains("[stand-in, not a GPU figure]");
    JsonNode report = new ObjectMapper().readTree(json.toFile());
    assertThat(report.get("device").asText()).contains("stand-in");
    assertThat(report.get("standin").asBoolean()).isTrue();
    assertThat(report.get("speed_targets").asBoolean()).isFalse();
    assertThat(report.get("sizes").asText()).isEqualTo("quick");
    assertThat(report.get("passed").asInt()).isEqualTo(CHECKS);
    assertThat(report.get("failed").asInt()).isZero();
    List<String> names = new ArrayList<>();
    report.get("checks").forEach(c -> {
      names.add(c.get("name").asText());
      assertThat(c.get("passed").asBoolean()).as(c.toString()).isTrue();
    });
    assertThat(names).containsExactlyElementsOf(Stream.concat(Stream.of(GpuChecks.PREFLIGHT),
        GpuChecks.CHECKS.stream().map(GpuChecks.Check::name)).toList());
    assertThat(report.get("h2d_gb_s_feed").asDouble()).isPositive();
    assertThat(report.get("h2d_gb_s_plain").asDouble()).isPositive();
    assertThat(report.get("h2d_ratio").asDouble()).isPositive();
    assertThat(report.get("consumer_wait_pct").asDouble()).isBetween(0.0, 100.0);
    assertThat(CudaStandin.liveAllocations()).as("device memory, pinned memory, streams, events, modules")
        .isEqualTo(live);
  }

  @Test
  void run_preflightOnly_loadsAndLaunchesEveryKernelAndStops() {
    int code = GpuChecks.run(new String[] {"--preflight-only", "--timeout", TIMEOUT}, out);

    assertThat(code).as(this::output).isZero();
    assertThat(output()).contains("3 modules loaded, " + Preflight.KERNELS.size() + " kernels looked up and launched")
        .contains("1 passed, 0 failed").doesNotContain("ring round trip");
  }

  @Test
  void run_preflightMissingKernel_stopsWithAClearLineBeforeAnyCheck() {
    List<Preflight.Kernel> kernels = new ArrayList<>(Preflight.KERNELS);
    kernels.add(new Preflight.Kernel("checks.fatbin", FeedChecks.class, "stoker_no_such_kernel",
        (k, stream, s) -> { }));

    int code = checks().withPreflight(kernels).execute();

    assertThat(code).isEqualTo(1);
    assertThat(output()).contains("preflight failed: checks.fatbin stoker_no_such_kernel: look up failed")
        .contains("no checks run").contains("0 passed, 1 failed: preflight").doesNotContain("ring round trip");
  }

  /** The checks that run a feed (the kernel checks have no batches to count). */
  private static List<GpuChecks.Check> feedChecks() {
    return GpuChecks.CHECKS.stream().filter(c -> FEED_CHECKS.contains(c.name())).toList();
  }

  private static final List<String> FEED_CHECKS = List.of("ring round trip", "copy/compute overlap", "H2D bandwidth",
      "consumer wait");

  @Test
  void run_zeroBatches_everyFeedCheckFails() {
    int code = checks().withSizes(Sizes.quick().withBatches(0)).withChecks(feedChecks()).execute();

    assertThat(code).isEqualTo(1);
    for (String check : FEED_CHECKS) {
      assertThat(output()).as(this::output).containsPattern("FAIL " + java.util.regex.Pattern.quote(check)
          + " \\([0-9.]+ s\\): zero batches");
    }
    assertThat(output()).contains("1 passed, 4 failed");
  }

  @Test
  void run_producerThrows_eachFeedCheckFailsNamingTheExceptionWithoutHanging() {
    int code = checks().withProducerFailingAt(2).withChecks(feedChecks()).execute();

    assertThat(code).isEqualTo(1);
    for (String check : FEED_CHECKS) {
      assertThat(output()).as(this::output).containsPattern("FAIL " + java.util.regex.Pattern.quote(check)
          + " \\([0-9.]+ s\\): .*synthetic producer failure at batch 2");
    }
    assertThat(output()).doesNotContain("timed out").contains("1 passed, 4 failed");
  }

  @Test
  void run_kernelFaultDuringACheck_thatCheckFailsWithTheCauseAndTheNextPasses() {
    int code = checks().withPreflight(env -> Verdict.pass("skipped")).withChecks(List.of(
        new GpuChecks.Check("round trip after a fault", env -> {
          try (DeviceFeed holder = DeviceFeed.open(DeviceTransform.imagenet(PixelType.FLOAT32))) {
            holder.call(() -> {
              CudaStandin.injectStickyError(CUresult.CUDA_ERROR_ILLEGAL_ADDRESS);
              return null;
            });
            return FeedChecks.roundTrip(env);
          }
        }),
        GpuChecks.CHECKS.get(1))).execute();

    assertThat(code).isEqualTo(1);
    assertThat(output()).as(this::output).containsPattern("FAIL round trip after a fault \\([0-9.]+ s\\): .*"
        + "CUDA_ERROR_ILLEGAL_ADDRESS").contains("PASS " + GpuChecks.CHECKS.get(1).name())
        .contains("2 passed, 1 failed");
  }

  @Test
  void run_driverTooOldForTheFatbins_preflightFailsAndNoCheckRuns() {
    CudaStatus.probe(); // probed at the stand-in's 13.0: the driver is found, the kernels then refused
    CudaStandin.setDriverVersion(12_040);
    int code;
    try {
      code = checks().execute();
    } finally {
      CudaStandin.setDriverVersion(13_000);
    }

    assertThat(code).isEqualTo(1);
    assertThat(output()).as(this::output).contains("FAIL preflight").contains("no checks run")
        .contains("0 passed, 1 failed: preflight").doesNotContain("ring round trip");
  }
}
