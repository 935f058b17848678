package dev.stoker.cuda.internal;

import static jcuda.driver.JCudaDriver.cuMemAlloc;
import static jcuda.driver.JCudaDriver.cuMemFree;

import jcuda.CudaException;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUresult;

/** Checks driver-API return codes; JCuda's global exception flag stays off (it throws on NOT_READY too). */
public final class Cuda {
  /** {@code CUDA_SUCCESS}. */
  public static final int SUCCESS = 0;
  /** {@code CUDA_ERROR_NOT_READY}: an event or stream query whose work is still pending. */
  public static final int NOT_READY = 600;

  private Cuda() {}

  /**
   * Throws a {@link CudaException} naming {@code what} and the driver's error unless {@code rc} is
   * {@code CUDA_SUCCESS}.
   */
  public static void check(int rc, String what) {
    if (rc != SUCCESS) {
      throw new CudaException(what + " failed: " + CUresult.stringFor(rc) + " (" + rc + ")");
    }
  }

  /** Allocates {@code bytes} of device memory; {@code what} names it in the error. */
  public static CUdeviceptr alloc(long bytes, String what) {
    CUdeviceptr p = new CUdeviceptr();
    check(cuMemAlloc(p, bytes), "cuMemAlloc(" + what + ", " + bytes + " bytes)");
    return p;
  }

  /** Frees device memory, ignoring nulls; returns the driver's code so a cleanup can go on. */
  public static int free(CUdeviceptr p) {
    return p == null ? SUCCESS : cuMemFree(p);
  }
}
