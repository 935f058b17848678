package dev.stoker.cuda.standin;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import jcuda.driver.CUresult;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@Tag("standin")
@ExtendWith(StandinCheck.class)
class InitStandinTest {
  @Test
  void deviceGetCount_beforeCuInit_isNotInitialized_andAfterItCountsTheConfiguredDevices() throws Exception {
    List<String> fields = List.of(runFreshJvm("3").split(" "));

    assertThat(fields).containsExactly(String.valueOf(CUresult.CUDA_ERROR_NOT_INITIALIZED), "0", "0", "3");
  }

  private static String runFreshJvm(String devices) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
        NotInitializedMain.class.getName());
    pb.environment().put("STOKER_STANDIN_DEVICES", devices);
    pb.redirectErrorStream(true);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    String[] lines = out.split("\n");
    return lines[lines.length - 1];
  }
}
