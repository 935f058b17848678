package dev.stoker.cuda.standin;

import static jcuda.driver.JCudaDriver.cuMemAlloc;
import static jcuda.driver.JCudaDriver.cuMemFree;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoH;
import static jcuda.driver.JCudaDriver.cuMemcpyHtoD;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUresult;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@Tag("standin")
@ExtendWith(StandinCheck.class)
class MemoryStandinTest {
  @Test
  void copyRoundTrip_throughDeviceMemory_returnsTheBytes() {
    try (Driver d = new Driver(0)) {
      int[] in = new int[1000];
      for (int i = 0; i < in.length; i++) {
        in[i] = i * 31 + 7;
      }
      CUdeviceptr p = new CUdeviceptr();
      Driver.ok(cuMemAlloc(p, 4000));
      Driver.ok(cuMemcpyHtoD(p, Pointer.to(in), 4000));
      int[] out = new int[1000];
      Driver.ok(cuMemcpyDtoH(Pointer.to(out), p, 4000));
      Driver.ok(cuMemFree(p));

      assertThat(out).isEqualTo(in);
    }
  }

  @Test
  void memAlloc_onAThreadWithoutContext_isInvalidContext() throws Exception {
    try (Driver d = new Driver(0)) {
      int rc = CompletableFuture.supplyAsync(() -> cuMemAlloc(new CUdeviceptr(), 16)).get();
      CUdeviceptr p = new CUdeviceptr();
      int withContext = cuMemAlloc(p, 16);
      Driver.ok(cuMemFree(p));

      assertThat(rc).isEqualTo(CUresult.CUDA_ERROR_INVALID_CONTEXT);
      assertThat(withContext).as("negative control: the same call with a current context").isZero();
    }
  }

  @Test
  void memFree_twice_isRecordedAsDoubleFree() {
    try (Driver d = new Driver(0)) {
      CUdeviceptr p = new CUdeviceptr();
      Driver.ok(cuMemAlloc(p, 64));
      Driver.ok(cuMemFree(p));
      assertThat(CudaStandin.problems()).as("negative control: one free").isEmpty();

      int rc = cuMemFree(p);

      assertThat(rc).isEqualTo(CUresult.CUDA_ERROR_INVALID_VALUE);
      assertThat(CudaStandin.problems()).singleElement().asString().contains("double free");
      CudaStandin.clearProblems();
    }
  }

  @Test
  void memcpy_afterFree_isRecordedAsUseAfterFree() {
    try (Driver d = new Driver(0)) {
      CUdeviceptr p = new CUdeviceptr();
      Driver.ok(cuMemAlloc(p, 64));
      Driver.ok(cuMemFree(p));

      int rc = cuMemcpyHtoD(p, Pointer.to(new int[16]), 64);

      assertThat(rc).isEqualTo(CUresult.CUDA_ERROR_INVALID_VALUE);
      assertThat(CudaStandin.problems()).singleElement().asString().contains("use after free");
      CudaStandin.clearProblems();
    }
  }
}
