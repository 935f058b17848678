package dev.stoker.cuda.standin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Runs in the default surefire execution, where no libcuda.so.1 is on the library path. */
class CudaStandinTest {
  @Test
  void active_withoutTheStandinOnTheLibraryPath_isFalse() {
    assertThat(CudaStandin.active()).isFalse();
  }

  @Test
  void problems_withoutTheStandin_saysHowToLoadIt() {
    assertThatThrownBy(CudaStandin::problems).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("LD_LIBRARY_PATH");
  }

  @Test
  void setDriverVersion_notPositive_namesTheParameter() {
    assertThatThrownBy(() -> CudaStandin.setDriverVersion(0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("version");
  }

  @Test
  void injectStickyError_success_namesTheParameter() {
    assertThatThrownBy(() -> CudaStandin.injectStickyError(0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cudaErrorCode");
  }
}
