package dev.stoker.cuda.standin;

import static jcuda.driver.JCudaDriver.cuCtxSetCurrent;
import static jcuda.driver.JCudaDriver.cuDeviceGet;
import static jcuda.driver.JCudaDriver.cuDevicePrimaryCtxRelease;
import static jcuda.driver.JCudaDriver.cuDevicePrimaryCtxRetain;
import static jcuda.driver.JCudaDriver.cuInit;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.JCudaDriver;

/** Test helper: the primary context of one stand-in device, current on the calling thread while open. */
final class Driver implements AutoCloseable {
  final CUdevice device = new CUdevice();
  final CUcontext context = new CUcontext();
  private final int ordinal;

  Driver(int ordinal) {
    this.ordinal = ordinal;
    JCudaDriver.setExceptionsEnabled(false);
    ok(cuInit(0));
    ok(cuDeviceGet(device, ordinal));
    ok(cuDevicePrimaryCtxRetain(context, device));
    ok(cuCtxSetCurrent(context));
  }

  static void ok(int rc) {
    assertThat(rc).as("CUDA result").isZero();
  }

  /** A kernel image packaged by loader-cuda or gpu-checks, read from the source tree. */
  static byte[] fatbin(String path) {
    try (InputStream in = java.nio.file.Files.newInputStream(java.nio.file.Path.of(
        System.getProperty("basedir", "."), "..", path))) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    ok(cuDevicePrimaryCtxRelease(device));
    cuCtxSetCurrent(new CUcontext());
  }

  int ordinal() {
    return ordinal;
  }
}
