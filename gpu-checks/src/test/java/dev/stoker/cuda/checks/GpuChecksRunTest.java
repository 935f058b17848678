package dev.stoker.cuda.checks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stoker.cuda.CudaStatus;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The runner without a GPU: a fake device status and fake checks. */
@Timeout(60)
class GpuChecksRunTest {
  private static final Device NO_CUDA = Device.unusable("no CUDA driver: libcuda.so.1 cannot be loaded");
  private static final Device FAKE_GPU = new Device(true, "", "Fake GPU", 13000, 90);
  private static final GpuChecks.Body PASS = env -> Verdict.pass("ok");

  @TempDir
  Path dir;
  private final ByteArrayOutputStream log = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(log, true, StandardCharsets.UTF_8);

  private String output() {
    return log.toString(StandardCharsets.UTF_8);
  }

  private GpuChecks checks(String... args) {
    return new GpuChecks(Options.parse(args), out).withDevice(() -> FAKE_GPU).withPreflight(PASS);
  }

  @Test
  void run_cudaUnusable_failsWithExitOne() {
    int code = new GpuChecks(Options.parse(new String[0]), out).withDevice(() -> NO_CUDA).execute();

    assertThat(code).isEqualTo(1);
    assertThat(output()).contains("CUDA unavailable: no CUDA driver").contains("--allow-no-gpu")
        .contains("0 passed, 1 failed: cuda");
  }

  @Test
  void run_cudaUnusableAllowNoGpu_exitsZeroCheckingNothing() {
    int code = new GpuChecks(Options.parse(new String[] {"--allow-no-gpu"}), out).withDevice(() -> NO_CUDA).execute();

    assertThat(code).isZero();
    assertThat(output()).contains("CUDA unavailable").contains("0 passed, 0 failed");
  }

  @Test
  void run_noDriverOnThisMachine_exitsNonZero() {
    assumeFalse(CudaStatus.probe().usable(), "this machine has a GPU");

    int code = GpuChecks.run(new String[] {"--json", dir.resolve("r.json").toString()}, out);

    assertThat(code).isEqualTo(1);
    assertThat(output()).contains("0 passed, 1 failed");
  }

  @Test
  void run_cudaUnusable_jsonSaysWhy() throws Exception {
    Path json = dir.resolve("sub/r.json");

    new GpuChecks(Options.parse(new String[] {"--json", json.toString()}), out).withDevice(() -> NO_CUDA).execute();

    JsonNode node = new ObjectMapper().readTree(json.toFile());
    assertThat(node.get("cuda_usable").asBoolean()).isFalse();
    assertThat(node.get("cuda_reason").asText()).contains("libcuda.so.1");
    assertThat(node.get("exit_code").asInt()).isEqualTo(1);
    assertThat(node.get("failed").asInt()).isEqualTo(1);
    assertThat(node.get("device").isNull()).isTrue();
  }

  @Test
  void run_everyCheckPasses_exitZeroAndCountsPreflightAndChecks() throws Exception {
    Path json = dir.resolve("r.json");
    int code = checks("--json", json.toString()).withChecks(List.of(
        new GpuChecks.Check("a", env -> {
          env.measure("h2d_gb_s_feed", 20.5);
          env.measure("consumer_wait_pct", Double.NaN);
          return Verdict.pass("measured");
        }),
        new GpuChecks.Check("b", PASS))).execute();

    assertThat(code).isZero();
    assertThat(output()).contains("GPU: Fake GPU, compute 9.0, driver CUDA 13.0").contains("PASS a")
        .contains("3 passed, 0 failed");
    JsonNode node = new ObjectMapper().readTree(json.toFile());
    assertThat(node.get("device").asText()).isEqualTo("Fake GPU");
    assertThat(node.get("driver").asText()).isEqualTo("13.0");
    assertThat(node.get("checks")).hasSize(3);
    assertThat(node.get("checks").get(1).get("name").asText()).isEqualTo("a");
    assertThat(node.get("checks").get(1).get("detail").asText()).isEqualTo("measured");
    assertThat(node.get("h2d_gb_s_feed").asDouble()).isEqualTo(20.5);
    assertThat(node.get("consumer_wait_pct").isNull()).isTrue();
    assertThat(node.get("speed_targets").asBoolean()).isTrue();
    assertThat(node.get("sizes").asText()).isEqualTo("full");
  }

  @Test
  void run_oneCheckFails_exitOneAndTheOthersStillRun() {
    AtomicInteger after = new AtomicInteger();
    int code = checks().withChecks(List.of(
        new GpuChecks.Check("bad", env -> Verdict.fail("3 pixels differ")),
        new GpuChecks.Check("later", env -> {
          after.incrementAndGet();
          return Verdict.pass("ok");
        }))).execute();

    assertThat(code).isEqualTo(1);
    assertThat(after).hasValue(1);
    assertThat(output()).contains("FAIL bad").contains("3 pixels differ").contains("2 passed, 1 failed: bad");
  }

  @Test
  void run_checkThrows_failsNamingTheException() {
    int code = checks().withChecks(List.of(new GpuChecks.Check("throws", env -> {
      throw new IllegalStateException("slot freed");
    }))).execute();

    assertThat(code).isEqualTo(1);
    assertThat(output()).contains("FAIL throws").contains("IllegalStateException: slot freed")
        .contains("1 passed, 1 failed: throws");
  }

  @Test
  void run_checkHangs_failsWithThreadDumpAndTheRunStopsWithTheRestNotRun() {
    CountDownLatch never = new CountDownLatch(1);
    AtomicInteger after = new AtomicInteger();
    int code = checks("--timeout", "1").withChecks(List.of(
        new GpuChecks.Check("hangs", env -> {
          never.await();
          return Verdict.pass("unreachable");
        }),
        new GpuChecks.Check("later", env -> {
          after.incrementAndGet();
          return Verdict.pass("ok");
        }))).execute();

    assertThat(code).isEqualTo(1);
    assertThat(after).hasValue(0);
    assertThat(output()).contains("FAIL hangs").contains("timed out after").contains("\"gpu-check hangs\"")
        .contains("CountDownLatch.await").contains("stopping: hangs hung; 1 checks not run")
        .contains("1 passed, 2 failed: hangs, later");
  }

  @Test
  void run_preflightFails_noCheckRuns() {
    AtomicInteger ran = new AtomicInteger();
    int code = checks().withPreflight(env -> Verdict.fail("checks.fatbin stoker_spin: look up failed"))
        .withChecks(List.of(new GpuChecks.Check("a", env -> {
          ran.incrementAndGet();
          return Verdict.pass("ok");
        }))).execute();

    assertThat(code).isEqualTo(1);
    assertThat(ran).hasValue(0);
    assertThat(output()).contains("preflight failed: checks.fatbin stoker_spin: look up failed; no checks run")
        .contains("0 passed, 1 failed: preflight");
  }

  @Test
  void run_preflightOnly_runsOnlyThePreflight() {
    AtomicInteger ran = new AtomicInteger();
    int code = checks("--preflight-only").withChecks(List.of(new GpuChecks.Check("a", env -> {
      ran.incrementAndGet();
      return Verdict.pass("ok");
    }))).execute();

    assertThat(code).isZero();
    assertThat(ran).hasValue(0);
    assertThat(output()).contains("PASS preflight").contains("1 passed, 0 failed");
  }

  @Test
  void run_standinDevice_quickSizesNoSpeedTargetsAndLabeled() {
    Device standin = new Device(true, "", "Stoker CUDA stand-in (test fixture)", 13000, 90);
    Sizes[] seen = {null};
    boolean[] targets = {true};
    String[] note = {""};
    new GpuChecks(Options.parse(new String[0]), out).withDevice(() -> standin).withPreflight(PASS)
        .withChecks(List.of(new GpuChecks.Check("a", env -> {
          seen[0] = env.sizes();
          targets[0] = env.speedTargets();
          note[0] = env.figureNote();
          return Verdict.pass("ok");
        }))).execute();

    assertThat(seen[0]).isEqualTo(Sizes.quick());
    assertThat(targets[0]).isFalse();
    assertThat(note[0]).contains("stand-in");
    assertThat(output()).contains("GPU: Stoker CUDA stand-in").contains("nothing it measures is a GPU figure");
  }

  @Test
  void run_realDeviceFullSizes_speedTargetsAsserted() {
    Sizes[] seen = {null};
    boolean[] targets = {false};
    checks().withChecks(List.of(new GpuChecks.Check("a", env -> {
      seen[0] = env.sizes();
      targets[0] = env.speedTargets();
      return Verdict.pass("ok");
    }))).execute();

    assertThat(seen[0]).isEqualTo(Sizes.full());
    assertThat(targets[0]).isTrue();
  }
}
