package dev.stoker.cuda.standin;

import static jcuda.driver.JCudaDriver.cuLaunchKernel;
import static jcuda.driver.JCudaDriver.cuMemAlloc;
import static jcuda.driver.JCudaDriver.cuMemFree;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoH;
import static jcuda.driver.JCudaDriver.cuMemcpyHtoD;
import static jcuda.driver.JCudaDriver.cuModuleGetFunction;
import static jcuda.driver.JCudaDriver.cuModuleLoadData;
import static jcuda.driver.JCudaDriver.cuModuleUnload;
import static jcuda.driver.JCudaDriver.cuStreamSynchronize;

import java.util.ArrayList;
import java.util.List;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;
import jcuda.driver.CUstream;

/** Test helper: a module of the project's kernels and the device memory of one test, freed on close. */
final class Kernels implements AutoCloseable {
  static final String NORMALIZE = "loader-cuda/src/main/resources/dev/stoker/cuda/normalize.fatbin";
  static final String TRAINER = "loader-cuda/src/main/resources/dev/stoker/cuda/trainer.fatbin";
  static final String CHECKS = "gpu-checks/src/main/resources/dev/stoker/cuda/checks/checks.fatbin";

  final CUmodule module = new CUmodule();
  private final List<CUdeviceptr> memory = new ArrayList<>();

  Kernels(String fatbin) {
    this(Driver.fatbin(fatbin));
  }

  Kernels(byte[] image) {
    Driver.ok(cuModuleLoadData(module, image));
  }

  CUfunction function(String name) {
    CUfunction f = new CUfunction();
    Driver.ok(cuModuleGetFunction(f, module, name));
    return f;
  }

  CUdeviceptr floats(float... values) {
    CUdeviceptr p = alloc(values.length * 4L);
    Driver.ok(cuMemcpyHtoD(p, Pointer.to(values), values.length * 4L));
    return p;
  }

  CUdeviceptr ints(int... values) {
    CUdeviceptr p = alloc(values.length * 4L);
    Driver.ok(cuMemcpyHtoD(p, Pointer.to(values), values.length * 4L));
    return p;
  }

  CUdeviceptr bytes(byte... values) {
    CUdeviceptr p = alloc(values.length);
    Driver.ok(cuMemcpyHtoD(p, Pointer.to(values), values.length));
    return p;
  }

  CUdeviceptr alloc(long bytes) {
    CUdeviceptr p = new CUdeviceptr();
    Driver.ok(cuMemAlloc(p, bytes));
    memory.add(p);
    return p;
  }

  static float[] readFloats(CUdeviceptr p, int n) {
    float[] out = new float[n];
    Driver.ok(cuMemcpyDtoH(Pointer.to(out), p, n * 4L));
    return out;
  }

  static short[] readShorts(CUdeviceptr p, int n) {
    short[] out = new short[n];
    Driver.ok(cuMemcpyDtoH(Pointer.to(out), p, n * 2L));
    return out;
  }

  /** Launches on the legacy default stream and waits; returns the driver's code. */
  static int launch(CUfunction f, int blocks, int threads, int shared, Pointer... params) {
    int rc = cuLaunchKernel(f, blocks, 1, 1, threads, 1, 1, shared, null, Pointer.to(params), null);
    if (rc == 0) {
      Driver.ok(cuStreamSynchronize(new CUstream()));
    }
    return rc;
  }

  @Override
  public void close() {
    for (CUdeviceptr p : memory) {
      Driver.ok(cuMemFree(p));
    }
    Driver.ok(cuModuleUnload(module));
  }
}
