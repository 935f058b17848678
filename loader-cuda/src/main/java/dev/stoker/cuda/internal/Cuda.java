package dev.stoker.cuda.internal;

import static jcuda.driver.JCudaDriver.cuMemAlloc;
import static jcuda.driver.JCudaDriver.cuMemFree;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.HashMap;
import java.util.Map;
import java.util.function.IntSupplier;
import jcuda.CudaException;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUresult;

/**
 * Calls the driver API and checks its return codes whichever way a program set JCuda's global
 * exception flag ({@code JCudaDriver.setExceptionsEnabled}): Stoker never changes that flag, and
 * with it on JCuda throws a {@link CudaException} for every code but {@code CUDA_SUCCESS}, even
 * {@code CUDA_ERROR_NOT_READY}. {@link #rc} turns such an exception back into its code, so every
 * Stoker call site sees codes, and {@link #check} throws one exception that names the call.
 *
 * <pre>{@code
 * int rc = Cuda.rc(() -> cuEventQuery(event));           // NOT_READY comes back as a code
 * Cuda.check(() -> cuStreamSynchronize(stream), "cuStreamSynchronize(copy)");
 * }</pre>
 */
public final class Cuda {
  /** {@code CUDA_SUCCESS}. */
  public static final int SUCCESS = 0;
  /** {@code CUDA_ERROR_NOT_READY}: an event or stream query whose work is still pending. */
  public static final int NOT_READY = 600;
  /** What {@link CUresult#stringFor} says for a code it has no name for. */
  private static final String UNNAMED = "INVALID CUresult: ";
  private static final Map<String, Integer> CODES = codes();

  private Cuda() {}

  /**
   * Runs one driver call and returns its code; with JCuda's exceptions on, the code of the
   * {@link CudaException} it threw. An exception that names no driver code (JCuda's own argument
   * checks) is thrown on.
   */
  public static int rc(IntSupplier call) {
    try {
      return call.getAsInt();
    } catch (CudaException e) {
      Integer code = codeOf(e);
      if (code == null) {
        throw e;
      }
      return code;
    }
  }

  /**
   * Throws a {@link CudaException} naming {@code what} and the driver's error unless {@code rc} is
   * {@code CUDA_SUCCESS}. Pass the call itself ({@link #check(IntSupplier, String)}) so that it also
   * works with JCuda's exceptions on.
   */
  public static void check(int rc, String what) {
    if (rc != SUCCESS) {
      throw new CudaException(what + " failed: " + CUresult.stringFor(rc) + " (" + rc + ")");
    }
  }

  /** Runs {@code call} and throws a {@link CudaException} naming {@code what} unless it succeeded. */
  public static void check(IntSupplier call, String what) {
    check(rc(call), what);
  }

  /** The driver code a {@link CudaException} thrown by JCuda stands for, or {@code null} if it names none. */
  static Integer codeOf(CudaException e) {
    String message = e.getMessage();
    if (message == null) {
      return null;
    }
    if (message.startsWith(UNNAMED)) {
      try {
        return Integer.parseInt(message.substring(UNNAMED.length()).strip());
      } catch (NumberFormatException notACode) {
        return null;
      }
    }
    return CODES.get(message);
  }

  /** Every {@code CUDA_*} constant of {@link CUresult} by name, as JCuda's exceptions spell it. */
  private static Map<String, Integer> codes() {
    Map<String, Integer> codes = new HashMap<>();
    for (Field field : CUresult.class.getFields()) {
      if (field.getType() == int.class && Modifier.isStatic(field.getModifiers())
          && field.getName().startsWith("CUDA_")) {
        try {
          int code = field.getInt(null);
          codes.putIfAbsent(CUresult.stringFor(code), code);
        } catch (IllegalAccessException e) {
          throw new IllegalStateException("cannot read " + field, e);
        }
      }
    }
    return Map.copyOf(codes);
  }

  /** Allocates {@code bytes} of device memory; {@code what} names it in the error. */
  public static CUdeviceptr alloc(long bytes, String what) {
    CUdeviceptr p = new CUdeviceptr();
    check(() -> cuMemAlloc(p, bytes), "cuMemAlloc(" + what + ", " + bytes + " bytes)");
    return p;
  }

  /** Frees device memory, ignoring nulls; returns the driver's code so a cleanup can go on. */
  public static int free(CUdeviceptr p) {
    return p == null ? SUCCESS : rc(() -> cuMemFree(p));
  }

  /**
   * Collects the failures of a cleanup that must go on after one: the first is kept and thrown at
   * the end, the later ones ride along as {@linkplain Throwable#addSuppressed suppressed}, so a
   * sticky error's real cause is never replaced by the cleanup's echo of it.
   *
   * <pre>{@code
   * Cuda.Errors errors = new Cuda.Errors(primaryOrNull);
   * errors.check(Cuda.free(buffer), "cuMemFree(buffer)");
   * errors.run(module::close);
   * errors.throwIfAny();
   * }</pre>
   */
  public static final class Errors {
    private final Throwable primary;
    private Throwable first;

    /** Errors of a cleanup that runs on its own. */
    public Errors() {
      this(null);
    }

    /**
     * Errors of a cleanup after {@code primary} (may be {@code null}): with one, every failure is
     * added to it as suppressed and {@link #throwIfAny} throws nothing.
     */
    public Errors(Throwable primary) {
      this.primary = primary;
    }

    /** Records a failure unless {@code rc} is {@code CUDA_SUCCESS}. */
    public void check(int rc, String what) {
      if (rc != SUCCESS) {
        add(new CudaException(what + " failed: " + CUresult.stringFor(rc) + " (" + rc + ")"));
      }
    }

    /** Runs {@code action}, recording what it throws. */
    public void run(Runnable action) {
      try {
        action.run();
      } catch (RuntimeException e) {
        add(e);
      }
    }

    /** Records {@code error}. */
    public void add(Throwable error) {
      if (primary != null) {
        if (error != primary) {
          primary.addSuppressed(error);
        }
      } else if (first == null) {
        first = error;
      } else if (error != first) {
        first.addSuppressed(error);
      }
    }

    /** Throws the first failure recorded (with the others suppressed), unless there is a primary or none. */
    public void throwIfAny() {
      if (first instanceof RuntimeException e) {
        throw e;
      }
      if (first instanceof Error e) {
        throw e;
      }
      if (first != null) {
        throw new CudaException(first.toString(), first);
      }
    }
  }
}
