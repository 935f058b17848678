package dev.stoker.cuda;

import static jcuda.driver.JCudaDriver.cuLaunchKernel;
import static jcuda.driver.JCudaDriver.cuModuleGetFunction;
import static jcuda.driver.JCudaDriver.cuModuleLoadData;
import static jcuda.driver.JCudaDriver.cuModuleUnload;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;
import jcuda.driver.CUstream;

/**
 * A compiled kernel module loaded from a class-path resource (a fatbin that nvcc made from a
 * {@code .cu} file under {@code src/main/cuda}; see {@code scripts/build-kernels.sh}). Call only on
 * a thread whose current context is the one the module is for.
 *
 * <pre>{@code
 * CudaModule module = CudaModule.load("normalize.fatbin");
 * module.launch("stoker_normalize_f32", blocks, 256, stream, in, out, n, 1.5f);
 * }</pre>
 */
final class CudaModule implements AutoCloseable {
  private final String name;
  private final CUmodule module;

  private CudaModule(String name, CUmodule module) {
    this.name = name;
    this.module = module;
  }

  /** Loads {@code dev/stoker/cuda/RESOURCE} into the current context. */
  static CudaModule load(String resource) {
    byte[] image = resourceBytes(resource);
    CUmodule module = new CUmodule();
    Cuda.check(cuModuleLoadData(module, image), "cuModuleLoadData(" + resource + ")");
    return new CudaModule(resource, module);
  }

  /** The bytes of a kernel resource, for tests that check that every module is packaged. */
  static byte[] resourceBytes(String resource) {
    try (InputStream in = CudaModule.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("kernel resource dev/stoker/cuda/" + resource
            + " is missing from the class path; run scripts/build-kernels.sh");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read kernel resource " + resource, e);
    }
  }

  /** Looks up an {@code extern "C"} kernel by name. */
  CUfunction function(String kernel) {
    CUfunction function = new CUfunction();
    Cuda.check(cuModuleGetFunction(function, module, kernel), "cuModuleGetFunction(" + name + ", " + kernel + ")");
    return function;
  }

  /**
   * Launches {@code kernel} on a 1-D grid. Each argument is a {@link CUdeviceptr}, {@link Integer},
   * {@link Long} or {@link Float}, passed by value in order.
   */
  static void launch(CUfunction kernel, int blocks, int threads, CUstream stream, Object... args) {
    launch(kernel, blocks, 1, threads, 0, stream, args);
  }

  /** Launches {@code kernel} on a {@code blocksX x blocksY} grid with dynamic shared memory. */
  static void launch(CUfunction kernel, int blocksX, int blocksY, int threads, int sharedBytes, CUstream stream,
      Object... args) {
    Pointer[] params = new Pointer[args.length];
    for (int i = 0; i < args.length; i++) {
      params[i] = switch (args[i]) {
        case CUdeviceptr p -> Pointer.to(p);
        case Integer v -> Pointer.to(new int[] {v});
        case Long v -> Pointer.to(new long[] {v});
        case Float v -> Pointer.to(new float[] {v});
        case null -> Pointer.to(new CUdeviceptr());
        default -> throw new IllegalArgumentException("kernel argument " + i + " has unsupported type "
            + args[i].getClass().getName());
      };
    }
    Cuda.check(cuLaunchKernel(kernel, blocksX, blocksY, 1, threads, 1, 1, sharedBytes, stream,
        Pointer.to(params), null), "cuLaunchKernel");
  }

  /** The number of blocks of {@code threads} that cover {@code work} items, at least 1. */
  static int blocksFor(long work, int threads) {
    long blocks = Math.max(1, (work + threads - 1) / threads);
    return (int) Math.min(blocks, 65_535L * 32);
  }

  @Override
  public void close() {
    cuModuleUnload(module);
  }

  @Override
  public String toString() {
    return "CudaModule[" + name + "]";
  }
}
