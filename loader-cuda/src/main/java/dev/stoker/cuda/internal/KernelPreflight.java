package dev.stoker.cuda.internal;

import static jcuda.driver.JCudaDriver.cuCtxGetCurrent;
import static jcuda.driver.JCudaDriver.cuCtxSetCurrent;

import java.util.ArrayList;
import java.util.List;
import dev.stoker.cuda.PixelType;
import jcuda.CudaException;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;

/**
 * Loads each of loader-cuda's kernel modules into a device's primary context and looks up each of
 * their kernels, then unloads them and releases the context: what the CUDA probe does before
 * anything is allocated, so that kernels the driver cannot load (too old a driver, no binary for
 * the GPU) turn into a fallback with a reason instead of a failure in the middle of a run.
 *
 * <pre>{@code
 * String failure = KernelPreflight.check(PrimaryContext.device(0));   // "" when every kernel loads
 * }</pre>
 */
public final class KernelPreflight {
  /** The reference trainer's module under {@code dev/stoker/cuda}. */
  public static final String TRAINER_RESOURCE = "trainer.fatbin";
  /** The {@code extern "C"} kernels of {@link #TRAINER_RESOURCE}: pool, softmax gradient, SGD. */
  public static final List<String> TRAINER_KERNELS = List.of("stoker_pool", "stoker_softmax_grad", "stoker_sgd");
  /** Every module of loader-cuda with the kernels looked up in it, in the order the preflight loads them. */
  public static final List<Module> MODULES = List.of(
      new Module(PixelType.class, NormalizeKernels.RESOURCE, NormalizeKernels.KERNELS),
      new Module(PixelType.class, TRAINER_RESOURCE, TRAINER_KERNELS));

  /**
   * One kernel module: its resource, named relative to {@code owner}'s package as in
   * {@link Class#getResourceAsStream}, and its kernels.
   */
  public record Module(Class<?> owner, String resource, List<String> kernels) {}

  private KernelPreflight() {}

  /**
   * Retains {@code device}'s primary context, makes it current on the calling thread, loads every
   * {@link #MODULES module}, looks up its kernels and unloads it, then restores the thread's
   * previous context and releases the primary one.
   *
   * @return {@code ""} when every kernel loads, else what failed, e.g.
   *     {@code "trainer.fatbin: CUDA_ERROR_NO_BINARY_FOR_GPU"}
   */
  public static String check(CUdevice device) {
    return check(device, MODULES);
  }

  /** {@link #check(CUdevice)} for {@code modules} (the GPU checks add their own). */
  public static String check(CUdevice device, List<Module> modules) {
    CUcontext previous = new CUcontext();
    Cuda.check(() -> cuCtxGetCurrent(previous), "cuCtxGetCurrent");
    CUcontext context;
    try {
      context = PrimaryContext.retain(device);
    } catch (CudaException e) {
      return e.getMessage();
    }
    List<String> failures = new ArrayList<>();
    try {
      Cuda.check(() -> cuCtxSetCurrent(context), "cuCtxSetCurrent");
      try {
        for (Module module : modules) {
          String failure = load(module);
          if (!failure.isEmpty()) {
            failures.add(failure);
            break;
          }
        }
      } finally {
        int rc = Cuda.rc(() -> cuCtxSetCurrent(previous));
        if (rc != Cuda.SUCCESS && failures.isEmpty()) {
          failures.add("restoring the thread's context: " + jcuda.driver.CUresult.stringFor(rc));
        }
      }
    } catch (CudaException e) {
      failures.add(e.getMessage());
    } finally {
      int rc = PrimaryContext.release(device);
      if (rc != Cuda.SUCCESS && failures.isEmpty()) {
        failures.add("cuDevicePrimaryCtxRelease: " + jcuda.driver.CUresult.stringFor(rc));
      }
    }
    return failures.isEmpty() ? "" : failures.getFirst();
  }

  /** Loads one module, looks up its kernels and unloads it; {@code ""} or what failed. */
  private static String load(Module module) {
    CudaModule loaded;
    try {
      loaded = CudaModule.load(module.owner(), module.resource());
    } catch (CudaException e) {
      return module.resource() + ": " + codeName(e);
    }
    Cuda.Errors errors = new Cuda.Errors();
    String failure = "";
    try {
      for (String kernel : module.kernels()) {
        loaded.function(kernel);
      }
    } catch (CudaException e) {
      failure = module.resource() + ": " + codeName(e);
    } finally {
      errors.run(loaded::close);
    }
    if (failure.isEmpty()) {
      errors.throwIfAny();
    }
    return failure;
  }

  /** The driver error's name out of a {@link Cuda#check} message ("... failed: NAME (code)"), else the message. */
  private static String codeName(CudaException e) {
    String message = String.valueOf(e.getMessage());
    int at = message.lastIndexOf(" failed: ");
    String tail = at < 0 ? message : message.substring(at + " failed: ".length());
    int paren = tail.lastIndexOf(" (");
    String name = paren < 0 ? tail : tail.substring(0, paren);
    String what = at < 0 ? "" : message.substring(0, at);
    return what.startsWith("cuModuleGetFunction") ? name + " (" + what + ")" : name;
  }
}
