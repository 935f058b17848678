package dev.stoker.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code scripts/gpu-check.sh --run-bundle}'s verdicts, over a fake bundle whose {@code java} is a
 * shell script that plays each stage (preflight, GpuChecks, demo) as told by {@code FAKE_*}
 * variables: the run passes only when every stage did its job on the device the mode claims; no
 * GPU, the stand-in taken for a GPU, a problem the stand-in reported, a trainer that did not learn
 * or a stage past the overall timeout each fail it with exit status 1. The real bundle is built
 * and run by the script's {@code --emulated} mode (README, GPU).
 */
class GpuCheckScriptTest {
  private static final Path SCRIPT = Path.of("..", "scripts", "gpu-check.sh").toAbsolutePath().normalize();

  /** Plays GpuChecks and stoker demo; FAKE_CUDA=none is a machine without CUDA. */
  private static final String FAKE_JAVA = """
      #!/bin/bash
      args="$*"
      dev="${FAKE_DEVICE:-Stoker CUDA stand-in #0}"
      if [[ "$args" == *--preflight-only* ]]; then
        [ "${FAKE_HANG:-}" = preflight ] && exec sleep 100
        [ "${FAKE_CUDA:-}" = none ] && { echo "CUDA unavailable: no CUDA driver"; exit 1; }
        echo "PASS preflight"; exit 0
      fi
      if [[ "$args" == *GpuChecks*--json* ]]; then
        [ "${FAKE_CUDA:-}" = none ] && { echo "FAIL cuda: CUDA is unusable here"; exit 1; }
        f=${args##*--json }
        echo "{\\"device\\":\\"$dev\\",\\"driver_version\\":13000,\\"h2d_gb_s_feed\\":1.5,\\"h2d_gb_s_plain\\":2.0,\\"consumer_wait_pct\\":3.0}" > "$f"
        exit 0
      fi
      if [[ "$args" == *" demo "* ]]; then
        [ -n "${FAKE_PROBLEM:-}" ] && echo "[cuda-standin] PROBLEM: cuMemFree of a freed pointer" >&2
        if [ "${FAKE_CUDA:-}" = none ]; then
          echo '{"backend":"host","device":"","driver_version":null,"fallback_reason":"no CUDA driver","decoder":"libjpeg-turbo","loss_start":0.9,"loss_end":0.3,"accuracy":0.9,"chance":0.1667}'
        else
          end=0.3; [ -n "${FAKE_NOLEARN:-}" ] && end=1.2
          echo "{\\"backend\\":\\"cuda\\",\\"device\\":\\"$dev\\",\\"driver_version\\":13000,\\"decoder\\":\\"libjpeg-turbo\\",\\"loss_start\\":0.9,\\"loss_end\\":$end,\\"accuracy\\":0.9,\\"chance\\":0.1667}"
        fi
        exit 0
      fi
      exit 3
      """;

  @TempDir
  Path dir;

  private Path bundle;
  private Path standin;

  @BeforeEach
  void fakeBundle() throws IOException {
    bundle = dir.resolve("bundle");
    Files.createDirectories(bundle.resolve("jre/bin"));
    Files.createDirectories(bundle.resolve("app/lib"));
    Files.createDirectories(bundle.resolve("native"));
    Files.createFile(bundle.resolve("app/stoker-cli.jar"));
    Files.writeString(bundle.resolve("MANIFEST.txt"), "commit: test\nneeds: x86_64 Linux with glibc >= 2.34\n");
    Path java = bundle.resolve("jre/bin/java");
    Files.writeString(java, FAKE_JAVA);
    Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
    standin = Files.createDirectories(dir.resolve("standin"));
    Files.createFile(standin.resolve("libcuda.so.1"));
  }

  @Test
  void runBundle_emulatedAndEveryStageDidItsJob_passesAndSaysNoFigureIsAGpuFigure() throws Exception {
    Run run = run(Map.of(), "--standin", standin.toString());

    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.lastLine()).isEqualTo("5 passed, 0 failed");
    assertThat(run.summary().get("mode").asText()).isEqualTo("emulated");
    assertThat(run.summary().get("device_kind").asText()).isEqualTo("cuda-standin");
    assertThat(run.summary().get("figures_from").asText()).contains("no figure here is a GPU figure");
    assertThat(run.summary().get("h2d_gb_s_feed").asDouble()).isEqualTo(1.5);
  }

  @Test
  void runBundle_noCudaDevice_failsEveryStageAndExitsOne() throws Exception {
    Run run = run(Map.of("FAKE_CUDA", "none"));

    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.lastLine()).isEqualTo("0 passed, 5 failed");
    assertThat(run.summary().get("device_kind").asText()).isEqualTo("none");
    assertThat(run.stage("demo").get("reason").asText()).contains("backend is 'host'");
    assertThat(run.stage("device").get("reason").asText()).contains("no CUDA device");
  }

  @Test
  void runBundle_theStandinTakenForAGpu_failsTheDeviceStage() throws Exception {
    Run run = run(Map.of());

    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.lastLine()).isEqualTo("4 passed, 1 failed");
    assertThat(run.stage("device").get("reason").asText()).contains("is the stand-in");
    assertThat(run.summary().get("figures_from").asText()).contains("no figure here is a GPU figure");
  }

  @Test
  void runBundle_aGpu_passesAndNamesIt() throws Exception {
    Run run = run(Map.of("FAKE_DEVICE", "NVIDIA H100 80GB HBM3"));

    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.summary().get("device_kind").asText()).isEqualTo("gpu");
    assertThat(run.summary().get("figures_from").asText()).isEqualTo("this GPU: NVIDIA H100 80GB HBM3");
  }

  @Test
  void runBundle_emulatedOnAGpu_failsTheDeviceStage() throws Exception {
    Run run = run(Map.of("FAKE_DEVICE", "NVIDIA H100 80GB HBM3"), "--standin", standin.toString());

    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.stage("device").get("reason").asText()).contains("is not the stand-in");
  }

  @Test
  void runBundle_theStandinReportedAProblem_failsThatStage() throws Exception {
    Run run = run(Map.of("FAKE_PROBLEM", "1"), "--standin", standin.toString());

    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.stage("demo").get("status").asText()).isEqualTo("failed");
    assertThat(run.stage("demo").get("reason").asText()).contains("the stand-in reported 1 problem");
  }

  @Test
  void runBundle_theTrainerDidNotLearn_failsTheDemo() throws Exception {
    Run run = run(Map.of("FAKE_NOLEARN", "1"), "--standin", standin.toString());

    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.stage("demo").get("reason").asText()).contains("did not learn");
  }

  @Test
  void runBundle_aStageHangs_isStoppedByTheOverallTimeoutAndTheRestIsNotRun() throws Exception {
    Run run = run(Map.of("FAKE_HANG", "preflight"), "--standin", standin.toString(), "--timeout", "6");

    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.stage("preflight").get("status").asText()).isEqualTo("timed_out");
    assertThat(run.stage("gpu-checks").get("status").asText()).isEqualTo("timed_out");
    assertThat(run.stage("gpu-checks").get("reason").asText()).contains("not run");
    assertThat(run.lastLine()).isEqualTo("0 passed, 5 failed");
  }

  /** What one run printed: stdout's lines, stderr, and its exit status. */
  private record Run(int exit, List<String> out, String err) {
    String lastLine() {
      return out.getLast();
    }

    JsonNode summary() throws IOException {
      return new ObjectMapper().readTree(out.get(out.size() - 2));
    }

    JsonNode stage(String name) throws IOException {
      for (JsonNode stage : summary().get("stages")) {
        if (stage.get("name").asText().equals(name)) {
          return stage;
        }
      }
      throw new AssertionError("no stage " + name + " in " + summary());
    }
  }

  private Run run(Map<String, String> env, String... extra) throws Exception {
    List<String> command = new ArrayList<>(List.of("bash", SCRIPT.toString(), "--run-bundle", bundle.toString(),
        "--results", dir.resolve("results").toString()));
    command.addAll(List.of(extra));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().putAll(env);
    builder.environment().remove("LD_LIBRARY_PATH");
    builder.redirectError(dir.resolve("stderr.txt").toFile());
    Process process = builder.start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("the script ended").isTrue();
    String err = Files.readString(dir.resolve("stderr.txt"));
    return new Run(process.exitValue(), out.lines().toList(), err);
  }
}
