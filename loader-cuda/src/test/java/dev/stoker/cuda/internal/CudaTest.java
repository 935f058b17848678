package dev.stoker.cuda.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jcuda.CudaException;
import jcuda.driver.CUresult;
import org.junit.jupiter.api.Test;

/**
 * Driver calls behave the same with JCuda's exceptions on or off: a {@link CudaException} JCuda
 * threw for a code comes back as that code. No driver is needed: JCuda's exceptions are made here
 * the way JCuda makes them ({@code new CudaException(CUresult.stringFor(code))}).
 */
class CudaTest {
  private static int throwing(int code) {
    throw new CudaException(CUresult.stringFor(code));
  }

  @Test
  void rc_callThatThrowsJCudasExceptionForNotReady_returnsNotReady() {
    assertThat(Cuda.rc(() -> throwing(Cuda.NOT_READY))).isEqualTo(Cuda.NOT_READY);
  }

  @Test
  void rc_everyNamedCode_roundTrips() {
    for (int code : new int[] {1, 2, 100, 200, 209, 600, 700, 708, 719, 999}) {
      assertThat(Cuda.rc(() -> throwing(code))).as(CUresult.stringFor(code)).isEqualTo(code);
    }
  }

  @Test
  void rc_codeJCudaHasNoNameFor_roundTrips() {
    assertThat(Cuda.rc(() -> throwing(12_345))).isEqualTo(12_345);
  }

  @Test
  void rc_callReturningACode_returnsIt() {
    assertThat(Cuda.rc(() -> 0)).isZero();
    assertThat(Cuda.rc(() -> Cuda.NOT_READY)).isEqualTo(Cuda.NOT_READY);
  }

  @Test
  void rc_exceptionThatNamesNoCode_isThrownOn() {
    CudaException own = new CudaException("Pointer must not be null");

    assertThatThrownBy(() -> Cuda.rc(() -> {
      throw own;
    })).isSameAs(own);
  }

  @Test
  void check_failingCallEitherWay_namesTheCallAndTheError() {
    assertThatThrownBy(() -> Cuda.check(() -> throwing(700), "cuStreamSynchronize(copy)"))
        .isInstanceOf(CudaException.class)
        .hasMessage("cuStreamSynchronize(copy) failed: CUDA_ERROR_ILLEGAL_ADDRESS (700)");
    assertThatThrownBy(() -> Cuda.check(() -> 700, "cuStreamSynchronize(copy)"))
        .hasMessage("cuStreamSynchronize(copy) failed: CUDA_ERROR_ILLEGAL_ADDRESS (700)");
  }

  @Test
  void errors_severalFailures_throwsTheFirstWithTheOthersSuppressed() {
    Cuda.Errors errors = new Cuda.Errors();
    errors.check(700, "cuStreamSynchronize");
    errors.check(0, "cuMemFree");
    errors.run(() -> {
      throw new IllegalStateException("second");
    });

    assertThatThrownBy(errors::throwIfAny).hasMessageContaining("cuStreamSynchronize")
        .satisfies(e -> assertThat(e.getSuppressed()).singleElement()
            .satisfies(s -> assertThat(s).hasMessage("second")));
  }

  @Test
  void errors_withAPrimary_addsEveryFailureToItAndThrowsNothing() {
    RuntimeException primary = new RuntimeException("kernel fault");
    Cuda.Errors errors = new Cuda.Errors(primary);
    errors.check(700, "cuMemFree");
    errors.run(() -> {
      throw primary;   // the same error seen again is not suppressed in itself
    });

    errors.throwIfAny();
    assertThat(primary.getSuppressed()).singleElement()
        .satisfies(s -> assertThat(s).hasMessageContaining("cuMemFree failed: CUDA_ERROR_ILLEGAL_ADDRESS"));
  }

  @Test
  void errors_none_throwsNothing() {
    Cuda.Errors errors = new Cuda.Errors();
    errors.check(0, "cuMemFree");
    errors.run(() -> { });

    errors.throwIfAny();
  }
}
