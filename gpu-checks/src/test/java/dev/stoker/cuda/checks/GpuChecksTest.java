package dev.stoker.cuda.checks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.stoker.cuda.CudaStatus;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The GPU checks as tests: they run where CUDA is usable and are skipped (by assumption, not
 * silently passed) everywhere else, which includes CI.
 */
class GpuChecksTest {
  private final ByteArrayOutputStream log = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(log, true, StandardCharsets.UTF_8);

  @BeforeEach
  void requireCuda() {
    CudaStatus cuda = CudaStatus.probe();
    assumeTrue(cuda.usable(), () -> "no usable GPU: " + cuda.reason());
  }

  @Test
  void roundTrip_pinnedRing_everyPixelLabelAndBoxMatchesTheCpuReference() throws Exception {
    assertThat(FeedChecks.roundTrip(out)).as(log::toString).isNull();
  }

  @Test
  void kernels_randomInputs_matchTheirCpuReferences() {
    assertThat(KernelChecks.all(out)).as(log::toString).isNull();
  }

  @Test
  void overlap_fiveMillisecondStep_copiesOverlapCompute() throws Exception {
    assertThat(FeedChecks.overlap(out)).as(log::toString).isNull();
  }
}
