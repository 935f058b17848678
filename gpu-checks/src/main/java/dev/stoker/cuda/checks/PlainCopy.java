package dev.stoker.cuda.checks;

import static jcuda.driver.JCudaDriver.cuEventCreate;
import static jcuda.driver.JCudaDriver.cuEventDestroy;
import static jcuda.driver.JCudaDriver.cuEventElapsedTime;
import static jcuda.driver.JCudaDriver.cuEventRecord;
import static jcuda.driver.JCudaDriver.cuEventSynchronize;
import static jcuda.driver.JCudaDriver.cuMemFreeHost;
import static jcuda.driver.JCudaDriver.cuMemHostAlloc;
import static jcuda.driver.JCudaDriver.cuMemcpyHtoD;

import dev.stoker.cuda.internal.Cuda;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUevent;

/**
 * The yardstick for the feed's bandwidth: plain synchronous {@code cuMemcpyHtoD}s from one pinned
 * buffer, timed by events around the whole window (after one untimed warm-up copy). Runs on a
 * thread whose current context is the device's.
 *
 * <pre>{@code
 * double gbs = feed.call(() -> PlainCopy.gigabytesPerSecond(layout.batchBytes(), 28));
 * }</pre>
 */
final class PlainCopy {
  private PlainCopy() {}

  /** GB/s (1e9 bytes per second) of {@code copies} copies of {@code bytes} pinned bytes to the device. */
  static double gigabytesPerSecond(long bytes, int copies) {
    Pointer host = new Pointer();
    Cuda.check(cuMemHostAlloc(host, bytes, 0), "cuMemHostAlloc");
    CUdeviceptr device = null;
    CUevent start = null;
    CUevent end = null;
    try {
      device = KernelChecks.alloc(bytes);
      start = event();
      end = event();
      Cuda.check(cuMemcpyHtoD(device, host, bytes), "cuMemcpyHtoD");
      Cuda.check(cuEventRecord(start, null), "cuEventRecord");
      for (int i = 0; i < copies; i++) {
        Cuda.check(cuMemcpyHtoD(device, host, bytes), "cuMemcpyHtoD");
      }
      Cuda.check(cuEventRecord(end, null), "cuEventRecord");
      Cuda.check(cuEventSynchronize(end), "cuEventSynchronize");
      float[] ms = {0};
      Cuda.check(cuEventElapsedTime(ms, start, end), "cuEventElapsedTime");
      return bytes * (double) copies / (ms[0] / 1e3) / 1e9;
    } finally {
      if (start != null) {
        cuEventDestroy(start);
      }
      if (end != null) {
        cuEventDestroy(end);
      }
      KernelChecks.free(device);
      cuMemFreeHost(host);
    }
  }

  private static CUevent event() {
    CUevent e = new CUevent();
    Cuda.check(cuEventCreate(e, 0), "cuEventCreate");
    return e;
  }
}
