package dev.stoker.cuda.standin;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * TEST FIXTURE: controls the CUDA driver stand-in (this module's {@code libcuda.so.1}) loaded in this
 * process, through FFM. Nothing the stand-in measures is a GPU figure; see the package documentation.
 *
 * <pre>{@code
 * assumeTrue(CudaStandin.active());
 * runSomethingOnCuda();
 * assertThat(CudaStandin.problems()).isEmpty();   // or register StandinCheck
 * }</pre>
 */
public final class CudaStandin {
  private static final Linker LINKER = Linker.nativeLinker();
  private static final Optional<SymbolLookup> LIBRARY = load();

  private CudaStandin() {}

  private static Optional<SymbolLookup> load() {
    try {
      SymbolLookup lookup = SymbolLookup.libraryLookup("libcuda.so.1", Arena.global());
      return lookup.find("stoker_standin_active").isPresent() ? Optional.of(lookup) : Optional.empty();
    } catch (IllegalArgumentException e) {  // no libcuda.so.1 at all
      return Optional.empty();
    }
  }

  /** Whether the {@code libcuda.so.1} of this process is the stand-in (not a real driver, not absent). */
  public static boolean active() {
    return LIBRARY.isPresent();
  }

  /**
   * What the stand-in found wrong since the last {@link #clearProblems()}: double frees, use after free, frees
   * under queued stream work, bad kernel parameters, unknown handles, calls of driver functions it does not
   * model. Leaks are listed by {@link #leaks()} instead.
   */
  public static List<String> problems() {
    return lines(handle("stoker_standin_problems", FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.ADDRESS,
        ValueLayout.JAVA_LONG)));
  }

  /** Forgets the problems recorded so far. */
  public static void clearProblems() {
    invokeVoid("stoker_standin_clear_problems");
  }

  /**
   * Leaks the stand-in reported when a primary context was released to zero with allocations, streams, events
   * or modules still live (the driver frees them then; the program forgot to).
   */
  public static List<String> leaks() {
    return lines(handle("stoker_standin_leaks", FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.ADDRESS,
        ValueLayout.JAVA_LONG)));
  }

  /** Forgets the leaks reported so far. */
  public static void clearLeaks() {
    invokeVoid("stoker_standin_clear_leaks");
  }

  /** Device and pinned allocations, streams, events and modules now live, over all devices. */
  public static long liveAllocations() {
    try {
      return (long) handle("stoker_standin_live_allocations", FunctionDescriptor.of(ValueLayout.JAVA_LONG))
          .invokeExact();
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /**
   * What {@code cuDriverGetVersion} reports from now on, and the version modules are checked against (CUDA's
   * encoding: 1000 * major + 10 * minor, so 12080 is 12.8).
   *
   * @throws IllegalArgumentException if {@code version} is not positive
   */
  public static void setDriverVersion(int version) {
    if (version <= 0) {
      throw new IllegalArgumentException("version must be positive, got " + version);
    }
    try {
      handle("stoker_standin_set_driver_version", FunctionDescriptor.ofVoid(ValueLayout.JAVA_INT))
          .invokeExact(version);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /**
   * Makes every later call in a context fail with {@code cudaErrorCode}, as a kernel fault does on a real GPU:
   * the calling thread's current context, or every retained primary context when the thread has none. A
   * release of the primary context to zero clears it.
   *
   * @throws IllegalArgumentException if {@code cudaErrorCode} is not positive (0 is CUDA_SUCCESS)
   */
  public static void injectStickyError(int cudaErrorCode) {
    if (cudaErrorCode <= 0) {
      throw new IllegalArgumentException("cudaErrorCode must be a CUDA error (positive), got " + cudaErrorCode);
    }
    try {
      handle("stoker_standin_inject_sticky_error", FunctionDescriptor.ofVoid(ValueLayout.JAVA_INT))
          .invokeExact(cudaErrorCode);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  private static MethodHandle handle(String name, FunctionDescriptor descriptor) {
    SymbolLookup lookup = LIBRARY.orElseThrow(() -> new IllegalStateException(
        "the CUDA driver stand-in is not loaded: put cuda-standin/target/standin on LD_LIBRARY_PATH"));
    return LINKER.downcallHandle(lookup.findOrThrow(name), descriptor);
  }

  private static void invokeVoid(String name) {
    try {
      handle(name, FunctionDescriptor.ofVoid()).invokeExact();
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  private static List<String> lines(MethodHandle read) {
    try (Arena arena = Arena.ofConfined()) {
      for (long capacity = 4096; ; ) {
        MemorySegment buffer = arena.allocate(capacity);
        long needed = (long) read.invokeExact(buffer, capacity);
        if (needed <= capacity) {
          String all = buffer.getString(0);
          return all.isEmpty() ? List.of() : Arrays.asList(all.split("\n"));
        }
        capacity = needed;
      }
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  private static RuntimeException rethrow(Throwable t) {
    if (t instanceof RuntimeException r) {
      return r;
    }
    if (t instanceof Error e) {
      throw e;
    }
    return new IllegalStateException(t);
  }
}
