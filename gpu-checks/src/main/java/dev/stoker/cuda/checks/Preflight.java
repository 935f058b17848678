package dev.stoker.cuda.checks;

import static jcuda.driver.JCudaDriver.cuMemcpyHtoD;
import static jcuda.driver.JCudaDriver.cuStreamCreate;
import static jcuda.driver.JCudaDriver.cuStreamDestroy;
import static jcuda.driver.JCudaDriver.cuStreamSynchronize;

import dev.stoker.api.internal.Checks;
import dev.stoker.cuda.DeviceFeed;
import dev.stoker.cuda.DeviceTransform;
import dev.stoker.cuda.PixelType;
import dev.stoker.cuda.internal.Cuda;
import dev.stoker.cuda.internal.CudaModule;
import dev.stoker.cuda.internal.NormalizeKernels;
import dev.stoker.cuda.trainer.ReferenceTrainer;
import dev.stoker.cuda.trainer.TrainerDevice;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUfunction;
import jcuda.driver.CUstream;
import jcuda.driver.CUstream_flags;

/**
 * Before any check: loads every kernel module the project ships (loader-cuda's
 * {@code normalize.fatbin} and {@code trainer.fatbin}, this module's {@code checks.fatbin}), looks
 * up each kernel and launches it once on tiny zeroed inputs, synchronizing after each launch so
 * that a failure names its kernel. A driver too old for the fatbins, a missing kernel or a wrong
 * parameter list stops the run here, with one clear line, instead of in the middle of a check.
 *
 * <pre>{@code
 * Verdict v = Preflight.run(env, Preflight.KERNELS);
 * }</pre>
 */
final class Preflight {
  /** Zeroed device scratch every launch reads and writes: tiny inputs at fixed offsets. */
  private static final int SCRATCH_BYTES = 64 * 1024;
  private static final int THREADS = 256;
  /** The tiny trainer problem: 1 sample, 3 x 4 x 4 pixels, 2 classes. */
  private static final int FEATURES = 3 * ReferenceTrainer.DEFAULT_GRID * ReferenceTrainer.DEFAULT_GRID;
  private static final int CLASSES = 2;

  private Preflight() {}

  /** Launches {@code kernel} once on {@code stream} with pointers into the zeroed {@code scratch}. */
  @FunctionalInterface
  interface Launch {
    void launch(CUfunction kernel, CUstream stream, CUdeviceptr scratch);
  }

  /**
   * One kernel to preflight.
   *
   * @param module the fatbin resource
   * @param owner the class next to which the resource lies
   * @param function the {@code extern "C"} kernel's name
   * @param launch one launch on tiny inputs
   */
  record Kernel(String module, Class<?> owner, String function, Launch launch) {
    Kernel {
      Checks.notNull(module, "module");
      Checks.notNull(owner, "owner");
      Checks.notNull(function, "function");
      Checks.notNull(launch, "launch");
    }
  }

  private static CUdeviceptr at(CUdeviceptr scratch, long offset) {
    return scratch.withByteOffset(offset);
  }

  private static Launch normalizeLaunch() {
    return (k, stream, s) -> CudaModule.launch(k, 1, THREADS, stream, at(s, 0), at(s, 1024), null, at(s, 2048), 1, 2,
        2, 3);
  }

  /** Every kernel of every module the project ships, in the order they are loaded. */
  static final List<Kernel> KERNELS = List.of(
      new Kernel(NormalizeKernels.RESOURCE, PixelType.class, NormalizeKernels.KERNELS.get(0), normalizeLaunch()),
      new Kernel(NormalizeKernels.RESOURCE, PixelType.class, NormalizeKernels.KERNELS.get(1), normalizeLaunch()),
      new Kernel(NormalizeKernels.RESOURCE, PixelType.class, NormalizeKernels.KERNELS.get(2),
          (k, stream, s) -> CudaModule.launch(k, 1, THREADS, stream, at(s, 0), at(s, 1024), at(s, 2048), 1, 1, 4f)),
      new Kernel("trainer.fatbin", PixelType.class, "stoker_pool",
          (k, stream, s) -> CudaModule.launch(k, FEATURES, TrainerDevice.POOL_THREADS, stream, at(s, 0), at(s, 4096), 1,
              3, 4, 4, ReferenceTrainer.DEFAULT_GRID)),
      new Kernel("trainer.fatbin", PixelType.class, "stoker_softmax_grad",
          (k, stream, s) -> CudaModule.launch(k, 1, 1, THREADS, (FEATURES + 1 + CLASSES) * Float.BYTES, stream,
              at(s, 4096), at(s, 8192), at(s, 12288), 1, FEATURES, CLASSES, at(s, 16384), at(s, 20480))),
      new Kernel("trainer.fatbin", PixelType.class, "stoker_sgd",
          (k, stream, s) -> CudaModule.launch(k, 1, THREADS, stream, at(s, 8192), at(s, 16384),
              CLASSES * (FEATURES + 1), 0.5f)),
      new Kernel("checks.fatbin", FeedChecks.class, "stoker_spin",
          (k, stream, s) -> CudaModule.launch(k, 1, 1, stream, 1_000L)));

  /** Loads, looks up and launches each of {@code kernels} on the thread of a feed of its own. */
  static Verdict run(CheckEnv env, List<Kernel> kernels) {
    Checks.notNull(kernels, "kernels");
    try (DeviceFeed feed = DeviceFeed.open(DeviceTransform.imagenet(PixelType.FLOAT32))) {
      return feed.call(() -> launchAll(env, kernels));
    }
  }

  private static Verdict launchAll(CheckEnv env, List<Kernel> kernels) {
    Map<String, CudaModule> modules = new LinkedHashMap<>();
    CUstream stream = new CUstream();
    CUdeviceptr scratch = null;
    boolean streamMade = false;
    List<String> done = new ArrayList<>();
    try {
      Cuda.check(cuStreamCreate(stream, CUstream_flags.CU_STREAM_NON_BLOCKING), "cuStreamCreate");
      streamMade = true;
      scratch = Cuda.alloc(SCRATCH_BYTES, "preflight scratch");
      Cuda.check(cuMemcpyHtoD(scratch, Pointer.to(new byte[SCRATCH_BYTES]), SCRATCH_BYTES), "cuMemcpyHtoD");
      for (Kernel kernel : kernels) {
        String step = "load";
        try {
          CudaModule module = modules.get(kernel.module());
          if (module == null) {
            module = CudaModule.load(kernel.owner(), kernel.module());
            modules.put(kernel.module(), module);
          }
          step = "look up";
          CUfunction function = module.function(kernel.function());
          step = "launch";
          kernel.launch().launch(function, stream, scratch);
          Cuda.check(cuStreamSynchronize(stream), "cuStreamSynchronize after " + kernel.function());
          done.add(kernel.function());
        } catch (RuntimeException e) {
          env.out().printf("  %s %s: %s failed: %s%n", kernel.module(), kernel.function(), step, e.getMessage());
          return Verdict.fail(kernel.module() + " " + kernel.function() + ": " + step + " failed: " + e.getMessage());
        }
      }
      env.out().printf("  %d modules loaded, %d kernels looked up and launched: %s%n", modules.size(), done.size(),
          String.join(", ", done));
      return done.isEmpty() ? Verdict.fail("no kernels to preflight")
          : Verdict.pass(modules.size() + " modules, " + done.size() + " kernels launched");
    } finally {
      if (streamMade) {
        cuStreamSynchronize(stream);
        cuStreamDestroy(stream);
      }
      Cuda.free(scratch);
      for (CudaModule m : modules.values()) {
        m.close();
      }
    }
  }
}
