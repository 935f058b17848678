package dev.stoker.cuda;

import static jcuda.driver.JCudaDriver.cuDriverGetVersion;
import static jcuda.driver.JCudaDriver.cuInit;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoker.api.BatchRing;
import dev.stoker.cuda.standin.CudaStandin;
import dev.stoker.cuda.standin.StandinCheck;
import java.util.concurrent.TimeUnit;
import jcuda.driver.JCudaDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The CUDA probe on the driver stand-in: usable on its devices, and a decisive fallback with a
 * one-line reason when the driver is too old for the kernels (the stand-in checks each fatbin's
 * PTX ISA and ELF ABI against the driver version it reports, as a real driver does).
 */
@Tag("standin")
@ExtendWith(StandinCheck.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CudaStatusStandinTest {
  private int driverVersion;

  @BeforeEach
  void rememberDriverVersion() {
    int[] version = {0};
    cuInit(0);
    cuDriverGetVersion(version);
    driverVersion = version[0];
  }

  @AfterEach
  void restoreDriverVersion() {
    CudaStandin.setDriverVersion(driverVersion);
    JCudaDriver.setExceptionsEnabled(false);
  }

  @Test
  void detect_standinDevice_isUsableAndLeavesNothingAllocated() {
    long before = CudaStandin.liveAllocations();

    CudaStatus status = CudaStatus.detect(1);

    assertThat(status.usable()).as(status.reason()).isTrue();
    assertThat(status.reason()).isEmpty();
    assertThat(status.ordinal()).isEqualTo(1);
    assertThat(status.device()).isNotBlank();
    assertThat(status.computeCapability()).isPositive();
    assertThat(status.driverVersion()).isGreaterThanOrEqualTo(CudaStatus.MIN_DRIVER_VERSION);
    assertThat(CudaStandin.liveAllocations()).as("modules and contexts after the probe").isEqualTo(before);
  }

  @Test
  void detect_cuda12Driver_fallsBackToTheHostWithOneLineSayingWhatTheKernelsNeed() {
    CudaStandin.setDriverVersion(12_040);

    CudaStatus status = CudaStatus.detect(0);

    assertThat(status.usable()).isFalse();
    assertThat(status.reason()).isEqualTo("the driver supports CUDA 12.4; Stoker's kernels need 13.0 or newer")
        .doesNotContain("\n");
    assertThat(status.driverVersion()).isEqualTo(12_040);
    try (DeviceFeed feed = new DeviceFeed(StandinRoundTrip.transform(PixelType.FLOAT32), status, 0);
        BatchRing ring = feed.rings().create(StandinRoundTrip.LAYOUT, 2)) {
      assertThat(feed.backend()).isEqualTo("host");
      assertThat(ring.memoryKind()).isEqualTo("direct");
    }
  }

  @Test
  void detect_oldFloorOfTwelveWithACuda12Driver_theKernelPreflightAloneCatchesIt() {
    // What the probe used to do (accept any driver from 12.0): the kernel modules then fail to
    // load. The preflight finds that before anything is allocated.
    CudaStandin.setDriverVersion(12_040);
    long before = CudaStandin.liveAllocations();

    CudaStatus status = CudaStatus.detect(0, 12_000);

    assertThat(status.usable()).isFalse();
    assertThat(status.reason()).startsWith("the kernels do not load on " + status.device() + " (compute ")
        .contains("normalize.fatbin: CUDA_ERROR_").doesNotContain("\n");
    assertThat(CudaStandin.liveAllocations()).isEqualTo(before);
  }

  @Test
  void detect_withJCudaExceptionsOn_probesAndLeavesTheProgramsSettingAlone() {
    JCudaDriver.setExceptionsEnabled(true);

    CudaStatus usable = CudaStatus.detect(0);
    CudaStandin.setDriverVersion(12_040);
    CudaStatus old = CudaStatus.detect(0, 12_000);

    assertThat(usable.usable()).as(usable.reason()).isTrue();
    assertThat(old.reason()).contains("the kernels do not load");
    assertThat(exceptionsEnabled()).as("JCuda's global exception flag after the probe").isTrue();
  }

  @Test
  void open_deviceTheDriverDoesNotHave_isRefusedNamingTheParameterAndTheDevices() {
    CudaStatus status = CudaStatus.detect(2);

    assertThat(status.usable()).isFalse();
    assertThat(status.reason()).isEqualTo("no CUDA device 2: the driver sees 2 devices (0 to 1)");
    assertThatThrownBy(() -> DeviceFeed.open(StandinRoundTrip.transform(PixelType.FLOAT32), 2))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("device")
        .hasMessageContaining("the driver sees 2 devices");
  }

  /** JCuda's global exception flag, which it has no getter for. */
  static boolean exceptionsEnabled() {
    try {
      java.lang.reflect.Field flag = JCudaDriver.class.getDeclaredField("exceptionsEnabled");
      flag.setAccessible(true);
      return flag.getBoolean(null);
    } catch (ReflectiveOperationException e) {
      throw new AssertionError("JCudaDriver.exceptionsEnabled cannot be read", e);
    }
  }
}
