package dev.stoker.cuda.internal;

import static jcuda.driver.JCudaDriver.cuDeviceGet;
import static jcuda.driver.JCudaDriver.cuDevicePrimaryCtxRelease;
import static jcuda.driver.JCudaDriver.cuDevicePrimaryCtxRetain;
import static jcuda.driver.JCudaDriver.cuDevicePrimaryCtxSetFlags;

import jcuda.driver.CUcontext;
import jcuda.driver.CUctx_flags;
import jcuda.driver.CUdevice;

/**
 * A device's primary context (the one the CUDA runtime and JCublas share, so a trainer's buffers
 * are valid in it), retained with blocking synchronization so that a thread waiting for the GPU
 * sleeps instead of spinning a core.
 *
 * <pre>{@code
 * CUdevice device = PrimaryContext.device(1);
 * CUcontext context = PrimaryContext.retain(device);
 * try { ... } finally { PrimaryContext.release(device); }
 * }</pre>
 */
public final class PrimaryContext {
  /** {@code CUDA_ERROR_PRIMARY_CONTEXT_ACTIVE}: older drivers refuse new flags once a trainer activated the context. */
  private static final int PRIMARY_CONTEXT_ACTIVE = 708;

  private PrimaryContext() {}

  /** The device with ordinal {@code ordinal}. */
  public static CUdevice device(int ordinal) {
    CUdevice device = new CUdevice();
    Cuda.check(() -> cuDeviceGet(device, ordinal), "cuDeviceGet(" + ordinal + ")");
    return device;
  }

  /** Retains {@code device}'s primary context, asking for blocking synchronization first. */
  public static CUcontext retain(CUdevice device) {
    int rc = Cuda.rc(() -> cuDevicePrimaryCtxSetFlags(device, CUctx_flags.CU_CTX_SCHED_BLOCKING_SYNC));
    if (rc != PRIMARY_CONTEXT_ACTIVE) {
      Cuda.check(rc, "cuDevicePrimaryCtxSetFlags");
    }
    CUcontext context = new CUcontext();
    Cuda.check(() -> cuDevicePrimaryCtxRetain(context, device), "cuDevicePrimaryCtxRetain");
    return context;
  }

  /** Releases one retain of {@code device}'s primary context; returns the driver's code so a cleanup can go on. */
  public static int release(CUdevice device) {
    return Cuda.rc(() -> cuDevicePrimaryCtxRelease(device));
  }
}
