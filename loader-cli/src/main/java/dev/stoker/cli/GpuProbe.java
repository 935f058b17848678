package dev.stoker.cli;

import static jcuda.driver.JCudaDriver.cuCtxSetCurrent;
import static jcuda.driver.JCudaDriver.cuCtxSynchronize;
import static jcuda.driver.JCudaDriver.cuDeviceGet;
import static jcuda.driver.JCudaDriver.cuDevicePrimaryCtxRelease;
import static jcuda.driver.JCudaDriver.cuDevicePrimaryCtxRetain;
import static jcuda.driver.JCudaDriver.cuMemAlloc;
import static jcuda.driver.JCudaDriver.cuMemFree;
import static jcuda.driver.JCudaDriver.cuMemFreeHost;
import static jcuda.driver.JCudaDriver.cuMemGetInfo;
import static jcuda.driver.JCudaDriver.cuMemHostAlloc;
import static jcuda.driver.JCudaDriver.cuMemcpyHtoD;

import dev.stoker.cuda.CudaStatus;
import java.util.Locale;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import jcuda.CudaException;
import jcuda.Pointer;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUresult;

/**
 * {@code stoker doctor}'s GPU figures: when loader-cuda finds a usable device ({@link CudaStatus})
 * that is a real GPU, its memory ({@code cuMemGetInfo}) and host-to-device bandwidth (synchronous
 * copies of a {@value #COPY_MIB} MiB pinned buffer, {@value #COPIES} timed after one untimed).
 * The CUDA driver stand-in (the test fixture that lets the CUDA code run without a GPU) is never
 * measured: nothing timed on it is a GPU figure.
 *
 * @param usable whether a real GPU was measured
 * @param device its name, or {@code ""}
 * @param reason why there are no figures, or {@code ""}
 * @param totalBytes its memory, or -1
 * @param freeBytes its free memory now, or -1
 * @param hostToDeviceBytesPerSecond pinned copy bandwidth, or 0
 * @param method how the figures were measured, or {@code ""}
 */
record GpuProbe(boolean usable, String device, String reason, long totalBytes, long freeBytes,
    double hostToDeviceBytesPerSecond, String method) {
  /** The stand-in's devices are named so ({@code Stoker CUDA stand-in #N}). */
  static final String STANDIN_PREFIX = "Stoker CUDA stand-in";
  static final int COPY_MIB = 64;
  static final int COPIES = 8;

  static GpuProbe none(String reason) {
    return new GpuProbe(false, "", reason, -1, -1, 0, "");
  }

  /** What {@code status} allows: a measurement of a real GPU, or why there is none. */
  static GpuProbe measure(CudaStatus status, LongSupplier nanoClock) {
    if (!status.usable()) {
      return none("no usable GPU: " + status.reason());
    }
    if (status.device().startsWith(STANDIN_PREFIX)) {
      return none("no GPU: the CUDA driver loaded is Stoker's stand-in (" + status.device() + "), a test fixture; "
          + "nothing measured on it is a GPU figure");
    }
    try {
      return measureDevice(status, nanoClock);
    } catch (RuntimeException | LinkageError e) {   // LinkageError: JCuda's natives, should they not load now
      return none("GPU " + status.device() + " found, but measuring it failed: " + e.getMessage());
    }
  }

  private static GpuProbe measureDevice(CudaStatus status, LongSupplier nanoClock) {
    CUdevice device = new CUdevice();
    check(() -> cuDeviceGet(device, status.ordinal()), "cuDeviceGet");
    CUcontext context = new CUcontext();
    check(() -> cuDevicePrimaryCtxRetain(context, device), "cuDevicePrimaryCtxRetain");
    try {
      check(() -> cuCtxSetCurrent(context), "cuCtxSetCurrent");
      long[] free = {0};
      long[] total = {0};
      check(() -> cuMemGetInfo(free, total), "cuMemGetInfo");
      long bytes = (long) COPY_MIB << 20;
      Pointer host = new Pointer();
      CUdeviceptr target = new CUdeviceptr();
      check(() -> cuMemHostAlloc(host, bytes, 0), "cuMemHostAlloc");
      try {
        check(() -> cuMemAlloc(target, bytes), "cuMemAlloc");
        try {
          check(() -> cuMemcpyHtoD(target, host, bytes), "cuMemcpyHtoD");
          check(() -> cuCtxSynchronize(), "cuCtxSynchronize");
          long start = nanoClock.getAsLong();
          for (int i = 0; i < COPIES; i++) {
            check(() -> cuMemcpyHtoD(target, host, bytes), "cuMemcpyHtoD");
          }
          check(() -> cuCtxSynchronize(), "cuCtxSynchronize");
          double seconds = (nanoClock.getAsLong() - start) / 1e9;
          return new GpuProbe(true, status.device(), "", total[0], free[0], COPIES * (double) bytes / seconds,
              String.format(Locale.ROOT, "cuMemGetInfo on device %d; %d synchronous cuMemcpyHtoD of a %d MiB pinned "
                  + "buffer (cuMemHostAlloc), timed after one untimed", status.ordinal(), COPIES, COPY_MIB));
        } finally {
          cuMemFree(target);
        }
      } finally {
        cuMemFreeHost(host);
      }
    } finally {
      cuDevicePrimaryCtxRelease(device);
    }
  }

  private static void check(IntSupplier call, String what) {
    int rc;
    try {
      rc = call.getAsInt();
    } catch (CudaException e) {
      throw new IllegalStateException(what + " failed: " + e.getMessage(), e);
    }
    if (rc != CUresult.CUDA_SUCCESS) {
      throw new IllegalStateException(what + " failed: " + CUresult.stringFor(rc) + " (" + rc + ")");
    }
  }
}
