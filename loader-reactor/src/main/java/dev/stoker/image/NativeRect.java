package dev.stoker.image;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * The FFM bindings of {@code stoker_resample_rect} and {@code stoker_resample_taps}
 * (src/main/c/stoker_resample.c): the {@link Resampler}'s taps and passes in one native call, so
 * that a sample spends no Java time on the taps (computed in C with the same double arithmetic as
 * {@link Resampler.Taps#build}, bit for bit) and allocates nothing for them. Critical calls: the
 * segments may be on the heap, and one call takes about a tenth of a millisecond.
 */
@SuppressWarnings("restricted") // binding native code is this class's purpose
final class NativeRect {
  /** The status for arguments outside the native bounds: nothing was written, Java does the work. */
  static final int OUTSIDE = -1;

  private static final FunctionDescriptor RECT = FunctionDescriptor.of(JAVA_INT,
      ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, // src, src_bytes, src_width, src_height
      JAVA_DOUBLE, JAVA_DOUBLE, JAVA_DOUBLE, JAVA_DOUBLE, // x, y, w, h
      ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, // out, out_bytes, out_w, out_h
      JAVA_INT, JAVA_INT); // flip, flip_v

  private static final FunctionDescriptor TAPS = FunctionDescriptor.of(JAVA_INT,
      JAVA_INT, JAVA_DOUBLE, JAVA_DOUBLE, JAVA_INT, JAVA_INT, // out_size, offset, span, src_size, reverse
      ADDRESS, ADDRESS, ADDRESS, JAVA_LONG); // start, count, weights, weights_cap

  private final MethodHandle rect;
  private final MethodHandle taps;

  private NativeRect(MemorySegment rectSymbol, MemorySegment tapsSymbol) {
    Linker linker = Linker.nativeLinker();
    Linker.Option critical = Linker.Option.critical(true);
    this.rect = linker.downcallHandle(rectSymbol, RECT, critical);
    this.taps = linker.downcallHandle(tapsSymbol, TAPS, critical);
  }

  /** The bindings where {@code library} is non-null and has both symbols, else null. */
  static NativeRect of(NativeImageLibrary library) {
    if (library == null) {
      return null;
    }
    var rectSymbol = library.symbol("stoker_resample_rect");
    var tapsSymbol = library.symbol("stoker_resample_taps");
    return rectSymbol.isPresent() && tapsSymbol.isPresent() ? new NativeRect(rectSymbol.get(), tapsSymbol.get())
        : null;
  }

  /**
   * Resamples the rectangle {@code (x, y, width, height)} of the packed RGB {@code source}
   * ({@code sourceWidth x sourceHeight}) into {@code out} ({@code outWidth x outHeight}), mirrored as
   * asked. Returns 0, {@link #OUTSIDE} (nothing written), or another negative status (no memory).
   */
  int resample(MemorySegment source, int sourceWidth, int sourceHeight, double x, double y, double width,
      double height, MemorySegment out, int outWidth, int outHeight, boolean flip, boolean flipVertical) {
    try {
      return (int) rect.invokeExact(source, source.byteSize(), sourceWidth, sourceHeight, x, y, width, height,
          out, out.byteSize(), outWidth, outHeight, flip ? 1 : 0, flipVertical ? 1 : 0);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /**
   * One axis' taps as C computes them, into {@code start} and {@code count} ({@code outSize} ints
   * each) and {@code weights} (their capacity in ints): returns the stride, or a negative status.
   */
  int taps(int outSize, double offset, double span, int sourceSize, boolean reverse, int[] start, int[] count,
      int[] weights) {
    if (start.length < outSize || count.length < outSize) {
      throw new IllegalArgumentException("start and count need " + outSize + " ints");
    }
    try {
      return (int) taps.invokeExact(outSize, offset, span, sourceSize, reverse ? 1 : 0, MemorySegment.ofArray(start),
          MemorySegment.ofArray(count), MemorySegment.ofArray(weights), (long) weights.length);
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
