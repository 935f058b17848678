package dev.stoker.cuda.internal;

import static jcuda.driver.JCudaDriver.cuLaunchKernel;
import static jcuda.driver.JCudaDriver.cuModuleGetFunction;
import static jcuda.driver.JCudaDriver.cuModuleLoadData;
import static jcuda.driver.JCudaDriver.cuModuleUnload;

import dev.stoker.cuda.PixelType;
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
 * {@code .cu} file under a module's {@code src/main/cuda}; see {@code scripts/build-kernels.sh}). Call only on
 * a thread whose current context is the one the module is for. Internal: public for the reference
 * trainer and the GPU checks, not part of the API.
 *
 * <pre>{@code
 * CudaModule module = CudaModule.load("normalize.fatbin");
 * module.launch("stoker_normalize_f32", blocks, 256, stream, in, out, n, 1.5f);
 * }</pre>
 */
public final class CudaModule implements AutoCloseable {
  private final String name;
  private final CUmodule module;

  private CudaModule(String name, CUmodule module) {
    this.name = name;
    this.module = module;
  }

  /** Loads {@code dev/stoker/cuda/RESOURCE} (loader-cuda's kernels) into the current context. */
  public static CudaModule load(String resource) {
    return load(PixelType.class, resource);
  }

  /**
   * Loads {@code resource}, named relative to {@code owner}'s package as in
   * {@link Class#getResourceAsStream}, into the current context.
   */
  public static CudaModule load(Class<?> owner, String resource) {
    byte[] image = resourceBytes(owner, resource);
    CUmodule module = new CUmodule();
    Cuda.check(() -> cuModuleLoadData(module, image), "cuModuleLoadData(" + resource + ")");
    return new CudaModule(resource, module);
  }

  /** The bytes of one of loader-cuda's kernel resources, for tests that check that every module is packaged. */
  public static byte[] resourceBytes(String resource) {
    return resourceBytes(PixelType.class, resource);
  }

  /** The bytes of the kernel resource {@code resource} next to {@code owner}. */
  public static byte[] resourceBytes(Class<?> owner, String resource) {
    String path = owner.getPackageName().replace('.', '/') + "/" + resource;
    try (InputStream in = owner.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("kernel resource " + path
            + " is missing from the class path; run scripts/build-kernels.sh");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read kernel resource " + path, e);
    }
  }

  /** Looks up an {@code extern "C"} kernel by name. */
  public CUfunction function(String kernel) {
    CUfunction function = new CUfunction();
    Cuda.check(() -> cuModuleGetFunction(function, module, kernel), "cuModuleGetFunction(" + name + ", " + kernel + ")");
    return function;
  }

  /**
   * Launches {@code kernel} on a 1-D grid. Each argument is a {@link CUdeviceptr}, {@link Integer},
   * {@link Long} or {@link Float}, passed by value in order.
   */
  public static void launch(CUfunction kernel, int blocks, int threads, CUstream stream, Object... args) {
    launch(kernel, blocks, 1, threads, 0, stream, args);
  }

  /** Launches {@code kernel} on a {@code blocksX x blocksY} grid with dynamic shared memory. */
  public static void launch(CUfunction kernel, int blocksX, int blocksY, int threads, int sharedBytes, CUstream stream,
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
    Cuda.check(() -> cuLaunchKernel(kernel, blocksX, blocksY, 1, threads, 1, 1, sharedBytes, stream,
        Pointer.to(params), null), "cuLaunchKernel");
  }

  /** The number of blocks of {@code threads} that cover {@code work} items, at least 1. */
  public static int blocksFor(long work, int threads) {
    long blocks = Math.max(1, (work + threads - 1) / threads);
    return (int) Math.min(blocks, 65_535L * 32);
  }

  /** Unloads the module; throws if the driver refuses (a sticky error, for one). */
  @Override
  public void close() {
    Cuda.check(() -> cuModuleUnload(module), "cuModuleUnload(" + name + ")");
  }

  @Override
  public String toString() {
    return "CudaModule[" + name + "]";
  }
}
