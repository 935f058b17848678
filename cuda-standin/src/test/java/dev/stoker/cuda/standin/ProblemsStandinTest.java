package dev.stoker.cuda.standin;

import static jcuda.driver.JCudaDriver.cuCtxGetFlags;
import static jcuda.driver.JCudaDriver.cuCtxSetCurrent;
import static jcuda.driver.JCudaDriver.cuDriverGetVersion;
import static jcuda.driver.JCudaDriver.cuLaunchKernel;
import static jcuda.driver.JCudaDriver.cuMemAlloc;
import static jcuda.driver.JCudaDriver.cuMemFree;
import static jcuda.driver.JCudaDriver.cuModuleGetFunction;
import static jcuda.driver.JCudaDriver.cuModuleLoadData;
import static jcuda.driver.JCudaDriver.cuModuleUnload;
import static jcuda.driver.JCudaDriver.cuStreamSynchronize;
import static org.assertj.core.api.Assertions.assertThat;

import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;
import jcuda.driver.CUresult;
import jcuda.driver.CUstream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** What the stand-in refuses or reports, each beside the call it accepts. */
@Tag("standin")
@ExtendWith(StandinCheck.class)
class ProblemsStandinTest {
  @Test
  void launch_withAParameterMissing_isRefusedAndRecorded() {
    try (Driver d = new Driver(0); Kernels k = new Kernels(Kernels.TRAINER)) {
      CUfunction sgd = k.function("stoker_sgd");
      CUdeviceptr w = k.floats(1, 2);
      CUdeviceptr g = k.floats(1, 1);
      assertThat(Kernels.launch(sgd, 1, 32, 0, Pointer.to(w), Pointer.to(g), ints(2), floats(0.5f)))
          .as("negative control: all four parameters").isZero();

      int rc = Kernels.launch(sgd, 1, 32, 0, Pointer.to(w), Pointer.to(g), ints(2));

      assertThat(rc).isEqualTo(CUresult.CUDA_ERROR_INVALID_VALUE);
      assertThat(CudaStandin.problems()).singleElement().asString()
          .contains("stoker_sgd").contains("3 parameters passed, the kernel takes 4");
      CudaStandin.clearProblems();
    }
  }

  @Test
  void launch_withAParameterOfTheWrongSize_isRefusedAndRecorded() {
    try (Driver d = new Driver(0); Kernels k = new Kernels(Kernels.TRAINER)) {
      CUfunction sgd = k.function("stoker_sgd");
      CUdeviceptr w = k.floats(1, 2);
      CUdeviceptr g = k.floats(1, 1);

      int asLong = Kernels.launch(sgd, 1, 32, 0, Pointer.to(w), Pointer.to(g), Pointer.to(new long[] {2}),
          floats(0.5f));
      int rawPointer = Kernels.launch(sgd, 1, 32, 0, w, Pointer.to(g), ints(2), floats(0.5f));

      assertThat(asLong).isEqualTo(CUresult.CUDA_ERROR_INVALID_VALUE);
      assertThat(rawPointer).as("a CUdeviceptr itself instead of Pointer.to(it)")
          .isEqualTo(CUresult.CUDA_ERROR_INVALID_VALUE);
      assertThat(CudaStandin.problems()).hasSize(2).allMatch(p -> p.contains("the kernel's has"));
      assertThat(CudaStandin.problems().get(0)).contains("parameter 2 has 8 bytes, the kernel's has 4");
      CudaStandin.clearProblems();
    }
  }

  @Test
  void launch_withAPointerIntoFreedMemory_isRefusedAndRecorded() {
    try (Driver d = new Driver(0); Kernels k = new Kernels(Kernels.TRAINER)) {
      CUfunction sgd = k.function("stoker_sgd");
      CUdeviceptr g = k.floats(1, 1);
      CUdeviceptr freed = new CUdeviceptr();
      Driver.ok(cuMemAlloc(freed, 8));
      Driver.ok(cuMemFree(freed));

      int rc = Kernels.launch(sgd, 1, 32, 0, Pointer.to(freed), Pointer.to(g), ints(2), floats(0.5f));

      assertThat(rc).isEqualTo(CUresult.CUDA_ERROR_INVALID_VALUE);
      assertThat(CudaStandin.problems()).singleElement().asString().contains("use after free");
      CudaStandin.clearProblems();
    }
  }

  @Test
  void launch_withAPointerIntoAnotherDevicesMemory_isRefusedAndRecorded() {
    CUdeviceptr other = new CUdeviceptr();
    try (Driver d1 = new Driver(1)) {
      Driver.ok(cuMemAlloc(other, 8));
      try (Driver d0 = new Driver(0); Kernels k = new Kernels(Kernels.TRAINER)) {
        CUdeviceptr g = k.floats(1, 1);
        int rc = Kernels.launch(k.function("stoker_sgd"), 1, 32, 0, Pointer.to(other), Pointer.to(g), ints(2),
            floats(0.5f));

        assertThat(rc).isEqualTo(CUresult.CUDA_ERROR_INVALID_VALUE);
        assertThat(CudaStandin.problems()).singleElement().asString().contains("device 1's memory");
        CudaStandin.clearProblems();
      }
      Driver.ok(cuCtxSetCurrent(d1.context));
      Driver.ok(cuMemFree(other));
    }
  }

  @Test
  void launch_blockOfMoreThan1024Threads_isRefused() {
    try (Driver d = new Driver(0); Kernels k = new Kernels(Kernels.TRAINER)) {
      CUdeviceptr w = k.floats(1, 2);
      CUdeviceptr g = k.floats(1, 1);
      int rc = cuLaunchKernel(k.function("stoker_sgd"), 1, 1, 1, 1025, 1, 1, 0, null,
          Pointer.to(Pointer.to(w), Pointer.to(g), ints(2), floats(0.5f)), null);

      assertThat(rc).isEqualTo(CUresult.CUDA_ERROR_INVALID_VALUE);
      assertThat(CudaStandin.problems()).singleElement().asString().contains("outside the device's limits");
      CudaStandin.clearProblems();
    }
  }

  @Test
  void moduleUnload_whileALaunchOfItsKernelIsQueued_isRecorded() {
    try (Driver d = new Driver(0); EventStandinTest.Gate gate = new EventStandinTest.Gate()) {
      CUmodule module = new CUmodule();
      Driver.ok(cuModuleLoadData(module, Driver.fatbin(Kernels.TRAINER)));
      CUfunction sgd = new CUfunction();
      Driver.ok(cuModuleGetFunction(sgd, module, "stoker_sgd"));
      CUdeviceptr w = new CUdeviceptr();
      Driver.ok(cuMemAlloc(w, 8));
      gate.hold();
      Driver.ok(cuLaunchKernel(sgd, 1, 1, 1, 32, 1, 1, 0, gate.stream,
          Pointer.to(Pointer.to(w), Pointer.to(w), ints(0), floats(0f)), null));

      Driver.ok(cuModuleUnload(module));
      gate.open();
      Driver.ok(cuStreamSynchronize(gate.stream));
      Driver.ok(cuMemFree(w));

      assertThat(CudaStandin.problems()).singleElement().asString()
          .contains("cuModuleUnload while 1 queued launch(es)");
      CudaStandin.clearProblems();
    }
  }

  @Test
  void unimplementedDriverFunction_isNotSupportedAndRecorded() {
    try (Driver d = new Driver(0)) {
      int rc = cuCtxGetFlags(new int[1]);

      assertThat(rc).isEqualTo(CUresult.CUDA_ERROR_NOT_SUPPORTED);
      assertThat(CudaStandin.problems()).singleElement().asString()
          .isEqualTo("unimplemented driver function cuCtxGetFlags called");
      CudaStandin.clearProblems();
    }
  }

  @Test
  void primaryContextReleasedToZero_withMemoryLive_reportsALeak() {
    int before = CudaStandin.leaks().size();
    long live;
    try (Driver d = new Driver(1)) {
      Driver.ok(cuMemAlloc(new CUdeviceptr(), 100));
      live = CudaStandin.liveAllocations();
    }

    assertThat(live).isPositive();
    assertThat(CudaStandin.leaks()).hasSize(before + 1).last().asString()
        .contains("device allocation").contains("100 bytes").contains("released to zero");
    CudaStandin.clearLeaks();
  }

  @Test
  void stickyError_failsEveryLaterCallUntilTheContextIsReleased() {
    try (Driver d = new Driver(0)) {
      CudaStandin.injectStickyError(CUresult.CUDA_ERROR_ILLEGAL_ADDRESS);

      assertThat(cuMemAlloc(new CUdeviceptr(), 16)).isEqualTo(CUresult.CUDA_ERROR_ILLEGAL_ADDRESS);
      assertThat(cuStreamSynchronize(new CUstream())).isEqualTo(CUresult.CUDA_ERROR_ILLEGAL_ADDRESS);
    }
    try (Driver d = new Driver(0)) {
      CUdeviceptr p = new CUdeviceptr();
      assertThat(cuMemAlloc(p, 16)).as("a fresh primary context").isZero();
      Driver.ok(cuMemFree(p));
    }
  }

  @Test
  void moduleLoad_onA12xDriver_refusesTheCuda13Fatbin() {
    try (Driver d = new Driver(0)) {
      CudaStandin.setDriverVersion(12080);
      int[] version = new int[1];
      Driver.ok(cuDriverGetVersion(version));
      CUmodule module = new CUmodule();
      int old = cuModuleLoadData(module, Driver.fatbin(Kernels.NORMALIZE));
      CudaStandin.setDriverVersion(13000);
      int current = cuModuleLoadData(module, Driver.fatbin(Kernels.NORMALIZE));
      Driver.ok(cuModuleUnload(module));

      assertThat(version[0]).isEqualTo(12080);
      assertThat(old).isEqualTo(CUresult.CUDA_ERROR_NO_BINARY_FOR_GPU);
      assertThat(current).as("negative control: a 13.0 driver").isZero();
    }
  }

  private static Pointer ints(int v) {
    return Pointer.to(new int[] {v});
  }

  private static Pointer floats(float v) {
    return Pointer.to(new float[] {v});
  }
}
