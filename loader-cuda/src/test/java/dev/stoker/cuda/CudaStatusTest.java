package dev.stoker.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import org.junit.jupiter.api.Test;

class CudaStatusTest {
  @Test
  void detect_propertyTurnsCudaOff_isUnusableAndSaysWhy() {
    String before = System.getProperty(CudaStatus.PROPERTY);
    System.setProperty(CudaStatus.PROPERTY, "off");
    try {
      CudaStatus status = CudaStatus.detect();

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
}
