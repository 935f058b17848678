package dev.stoker.cuda.checks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.stoker.cuda.CudaStatus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The exit status of the check program, in JVMs of their own (here CUDA is absent). */
class GpuChecksExitTest {
  private record Exit(int code, String output) {}

  private static Exit java(String mainClass, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), mainClass));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    boolean ended = p.waitFor(120, TimeUnit.SECONDS);
    if (!ended) {
      p.destroyForcibly();
    }
    assertThat(ended).as("the JVM ended by itself: " + out).isTrue();
    return new Exit(p.exitValue(), out);
  }

  @Test
  void main_withoutCuda_exitsOne() throws Exception {
    assumeFalse(CudaStatus.probe().usable(), "this machine has a GPU");

    Exit exit = java(GpuChecks.class.getName());

    assertThat(exit.code()).as(exit.output()).isEqualTo(1);
    assertThat(exit.output()).contains("CUDA unavailable").contains("0 passed, 1 failed: cuda");
  }

  @Test
  void main_withoutCudaAllowed_exitsZero() throws Exception {
    assumeFalse(CudaStatus.probe().usable(), "this machine has a GPU");

    Exit exit = java(GpuChecks.class.getName(), "--allow-no-gpu");

    assertThat(exit.code()).as(exit.output()).isZero();
    assertThat(exit.output()).contains("0 passed, 0 failed");
  }

  @Test
  void main_unknownFlag_exitsTwo() throws Exception {
    Exit exit = java(GpuChecks.class.getName(), "--allow-no-gpu", "--frobnicate");

    assertThat(exit.code()).as(exit.output()).isEqualTo(2);
    assertThat(exit.output()).contains("unknown flag --frobnicate");
  }

  @Test
  void exit_checkThreadStuckForGood_theJvmStillEndsWithStatusOne() throws Exception {
    Exit exit = java(StuckCheckMain.class.getName());

    assertThat(exit.code()).as(exit.output()).isEqualTo(1);
    assertThat(exit.output()).contains("FAIL stuck").contains("\"gpu-check stuck\"")
        .contains("1 passed, 2 failed: stuck, after");
  }
}
