package dev.stoker.cuda.standin;

import static jcuda.driver.JCudaDriver.cuLaunchKernel;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoH;
import static jcuda.driver.JCudaDriver.cuModuleGetFunction;
import static jcuda.driver.JCudaDriver.cuModuleLoadData;
import static jcuda.driver.JCudaDriver.cuModuleUnload;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;
import jcuda.driver.CUresult;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The stand-in's own test kernels (cuda-standin/src/test/cuda/standin_test.cu), handed to it in a minimal fatbin
 * that names them: each misbehaviour is reported, each well-behaved twin launch is not.
 */
@Tag("standin")
@ExtendWith(StandinCheck.class)
class MisbehavingKernelStandinTest {
  @Test
  void kernelWritingOnePastItsAllocation_isReported() {
    try (Driver d = new Driver(0); TestModule m = new TestModule()) {
      Kernels k = m.kernels;
      CUdeviceptr p = k.alloc(4 * 4);
      assertThat(Kernels.launch(m.function("standin_test_write_past_end"), 1, 32, 0, Pointer.to(p), ints(3)))
          .isZero();
      assertThat(CudaStandin.problems()).as("negative control: the last element").isEmpty();

      assertThat(Kernels.launch(m.function("standin_test_write_past_end"), 1, 32, 0, Pointer.to(p), ints(4)))
          .isZero();

      assertThat(CudaStandin.problems()).singleElement().asString()
          .contains("kernel standin_test_write_past_end wrote past the end of device allocation");
      CudaStandin.clearProblems();
    }
  }

  @Test
  void kernelUsingMoreDynamicSharedMemoryThanLaunchedWith_isReported() {
    try (Driver d = new Driver(0); TestModule m = new TestModule()) {
      CUfunction f = m.function("standin_test_shared_past_end");
      assertThat(Kernels.launch(f, 1, 32, 16, ints(3))).isZero();
      assertThat(CudaStandin.problems()).as("negative control: inside the 16 bytes").isEmpty();

      assertThat(Kernels.launch(f, 1, 32, 16, ints(4))).isZero();

      assertThat(CudaStandin.problems()).singleElement().asString()
          .contains("beyond the 16 bytes it was launched with");
      CudaStandin.clearProblems();
    }
  }

  @Test
  void launch_withMoreThan48KiBOfDynamicSharedMemory_isRefused() {
    try (Driver d = new Driver(0); TestModule m = new TestModule()) {
      int rc = cuLaunchKernel(m.function("standin_test_shared_past_end"), 1, 1, 1, 32, 1, 1, 48 * 1024 + 4, null,
          Pointer.to(ints(0)), null);

      assertThat(rc).isEqualTo(CUresult.CUDA_ERROR_INVALID_VALUE);
      assertThat(CudaStandin.problems()).singleElement().asString().contains("dynamic shared memory");
      CudaStandin.clearProblems();
    }
  }

  @Test
  void barrierThatOneThreadSkips_isReported() {
    try (Driver d = new Driver(0); TestModule m = new TestModule()) {
      assertThat(Kernels.launch(m.function("standin_test_divergent_barrier"), 1, 32, 0)).isZero();

      assertThat(CudaStandin.problems()).singleElement().asString()
          .contains("31 thread(s) of a block wait at __syncthreads while 1 already returned");
      CudaStandin.clearProblems();
    }
  }

  @Test
  void barrier_heldByEveryThreadOfEachBlock_letsThreadsReadEachOthersSharedWrites() {
    try (Driver d = new Driver(0); TestModule m = new TestModule()) {
      Kernels k = m.kernels;
      int threads = 256;
      CUdeviceptr out = k.alloc(2L * threads * 4);
      assertThat(Kernels.launch(m.function("standin_test_mirror"), 2, threads, 0, Pointer.to(out))).isZero();

      int[] seen = new int[2 * threads];
      Driver.ok(cuMemcpyDtoH(Pointer.to(seen), out, seen.length * 4L));
      for (int i = 0; i < seen.length; i++) {
        assertThat(seen[i]).as("thread %d", i).isEqualTo(threads - 1 - i % threads);
      }
    }
  }

  @Test
  void moduleGetFunction_kernelNamedInTheImageWithoutAHostBuild_isNotFoundAndReported() {
    try (Driver d = new Driver(0)) {
      CUmodule module = new CUmodule();
      Driver.ok(cuModuleLoadData(module, fatbin("standin_test_mirror", "no_such_host_kernel")));

      int rc = cuModuleGetFunction(new CUfunction(), module, "no_such_host_kernel");
      int known = cuModuleGetFunction(new CUfunction(), module, "standin_test_mirror");
      Driver.ok(cuModuleUnload(module));

      assertThat(rc).isEqualTo(CUresult.CUDA_ERROR_NOT_FOUND);
      assertThat(known).as("negative control").isZero();
      assertThat(CudaStandin.problems()).singleElement().asString().contains("no host build");
      CudaStandin.clearProblems();
    }
  }

  /**
   * The least fatbin the stand-in loads: its header and one CUDA 13 cubin entry for sm_86 whose bytes hold the
   * section names {@code .text.KERNEL}.
   */
  static byte[] fatbin(String... kernels) {
    ByteArrayOutputStream elf = new ByteArrayOutputStream();
    elf.writeBytes(new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1, 0x41, 8, 0, 0, 0, 0, 0, 0, 0});
    for (String k : kernels) {
      elf.writeBytes((".text." + k + "\0").getBytes(StandardCharsets.US_ASCII));
    }
    while (elf.size() % 8 != 0) {
      elf.write(0);
    }
    byte[] payload = elf.toByteArray();
    ByteBuffer b = ByteBuffer.allocate(16 + 64 + payload.length).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(0xBA55ED50).putShort((short) 1).putShort((short) 16).putLong(64 + payload.length);
    b.putShort((short) 2).putShort((short) 0x101).putInt(64).putLong(payload.length);
    b.putInt(0).putInt(0).putInt(0x10008).putInt(86);
    b.position(16 + 64);
    b.put(payload);
    return b.array();
  }

  private static Pointer ints(int v) {
    return Pointer.to(new int[] {v});
  }

  /** The test kernels' module. */
  static final class TestModule implements AutoCloseable {
    final Kernels kernels = new Kernels(fatbin("standin_test_write_past_end", "standin_test_shared_past_end",
        "standin_test_divergent_barrier", "standin_test_mirror"));

    CUfunction function(String name) {
      return kernels.function(name);
    }

    @Override
    public void close() {
      kernels.close();
    }
  }
}
