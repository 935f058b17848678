package dev.stoker.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import org.junit.jupiter.api.Test;

class CudaStatusTest {
  @Test
  void detect_propertyTurnsCudaOff_isUnusableAndSaysWhy() {
    String before = System.getProperty(CudaStatus.PROPERTY);
    System.setProperty(CudaStatus.PROPERTY, "off");
    try {
      CudaStatus status = CudaStatus.detect(0);

      assertThat(status.usable()).isFalse();
      assertThat(status.reason()).contains("stoker.cuda=off");
    } finally {
      if (before == null) {
        System.clearProperty(CudaStatus.PROPERTY);
      } else {
        System.setProperty(CudaStatus.PROPERTY, before);
      }
    }
  }

  @Test
  void probe_withoutAGpu_fallsBackWithAReasonInsteadOfThrowing() {
    CudaStatus status = CudaStatus.probe();
    assumeFalse(status.usable(), "this machine has a usable GPU");

    assertThat(status.reason()).isNotBlank();
    assertThat(status.device()).isEmpty();
    // the verdict is cached: asking again neither throws nor changes it
    assertThat(CudaStatus.probe()).isSameAs(status);
  }

  @Test
  void describeInitFailure_knownCodes_sayWhatIsWrong() {
    assertThat(CudaStatus.describeInitFailure(100)).contains("no CUDA-capable device");
    assertThat(CudaStatus.describeInitFailure(34)).contains("stub");
    assertThat(CudaStatus.describeInitFailure(803)).contains("driver does not match");
    assertThat(CudaStatus.describeInitFailure(999)).contains("999");
  }

  @Test
  void probe_negativeDevice_isRefusedNamingTheParameter() {
    assertThatThrownBy(() -> CudaStatus.probe(-1)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("device");
  }

  @Test
  void localRank_unsetOrAnOrdinal_namesTheDevice() {
    assertThat(CudaStatus.localRank(null)).isZero();
    assertThat(CudaStatus.localRank("0")).isZero();
    assertThat(CudaStatus.localRank(" 3 ")).isEqualTo(3);
  }

  @Test
  void localRank_notANumber_failsNamingLocalRankAndItsValue() {
    assertThatThrownBy(() -> CudaStatus.localRank("gpu1")).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("LOCAL_RANK").hasMessageContaining("gpu1");
    assertThatThrownBy(() -> CudaStatus.localRank("")).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("LOCAL_RANK");
  }

  @Test
  void localRank_negative_failsNamingLocalRank() {
    assertThatThrownBy(() -> CudaStatus.localRank("-1")).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("LOCAL_RANK=-1");
  }

  @Test
  void driverTooOld_cuda12_saysWhatTheDriverHasAndWhatTheKernelsNeed() {
    assertThat(CudaStatus.driverTooOld(12_040))
        .isEqualTo("the driver supports CUDA 12.4; Stoker's kernels need 13.0 or newer");
    assertThat(CudaStatus.MIN_DRIVER_VERSION).as("the committed fatbins come from nvcc 13").isEqualTo(13_000);
  }

  @Test
  void kernelsDoNotLoad_namesTheDeviceItsCapabilityAndTheDriversError() {
    assertThat(CudaStatus.kernelsDoNotLoad("Tesla V100", 70, "normalize.fatbin: CUDA_ERROR_NO_BINARY_FOR_GPU"))
        .isEqualTo("the kernels do not load on Tesla V100 (compute 7.0): normalize.fatbin: CUDA_ERROR_NO_BINARY_FOR_GPU");
  }

  @Test
  void missingDevice_onlyForAnOrdinalTheDriverDoesNotHave() {
    assertThat(new CudaStatus(false, CudaStatus.NO_SUCH_DEVICE + "3: the driver sees 2 devices (0 to 1)", "", 13000, 0,
        3).missingDevice()).isTrue();
    assertThat(CudaStatus.unusable("no CUDA driver: libcuda.so.1 cannot be loaded").missingDevice()).isFalse();
  }
}
