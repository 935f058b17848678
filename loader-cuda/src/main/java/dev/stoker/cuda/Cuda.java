package dev.stoker.cuda;

import jcuda.CudaException;
import jcuda.driver.CUresult;

/** Checks driver-API return codes; JCuda's global exception flag stays off (it throws on NOT_READY too). */
final class Cuda {
  /** {@code CUDA_SUCCESS}. */
  static final int SUCCESS = 0;
  /** {@code CUDA_ERROR_NOT_READY}: an event or stream query whose work is still pending. */
  static final int NOT_READY = 600;

  private Cuda() {}

  /**
   * Throws a {@link CudaException} naming {@code what} and the driver's error unless {@code rc} is
   * {@code CUDA_SUCCESS}.
   */
  static void check(int rc, String what) {
    if (rc != SUCCESS) {
      throw new CudaException(what + " failed: " + CUresult.stringFor(rc) + " (" + rc + ")");
    }
  }
}
