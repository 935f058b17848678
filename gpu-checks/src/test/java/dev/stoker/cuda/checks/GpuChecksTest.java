package dev.stoker.cuda.checks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.stoker.cuda.CudaStatus;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The GPU checks as tests on a real GPU, full sizes: they run where a real CUDA device is usable and
 * are skipped (by assumption, not silently passed) everywhere else, including CI and the driver
 * stand-in (whose run of every check is {@code GpuChecksStandinTest}).
 */
class GpuChecksTest {
  private final ByteArrayOutputStream log = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(log, true, StandardCharsets.UTF_8);
  /** Full sizes, no speed targets: unit tests assert no speed. */
  private final CheckEnv env = new CheckEnv(out, Sizes.full(), false, "", new ConcurrentHashMap<>(), -1);

  @BeforeEach
  void requireGpu() {
    CudaStatus cuda = CudaStatus.probe();
    assumeTrue(cuda.usable() && !Device.of(cuda).standin(), () -> "no GPU: " + cuda.reason() + " " + cuda.device());
  }

  @Test
  void roundTrip_pinnedRing_everyPixelLabelAndBoxMatchesTheCpuReference() {
    assertThat(FeedChecks.roundTrip(env).passed()).as(log::toString).isTrue();
  }

  @Test
  void kernels_randomInputs_matchTheirCpuReferences() {
    assertThat(KernelChecks.normalize(env).passed()).as(log::toString).isTrue();
    assertThat(KernelChecks.trainer(env).passed()).as(log::toString).isTrue();
  }

  @Test
  void overlap_fiveMillisecondStep_timelineKeepsTheFeedsOrder() {
    assertThat(FeedChecks.overlap(env).passed()).as(log::toString).isTrue();
  }
}
