package dev.stoker.image;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.stoker.api.LoaderException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Optional;

/**
 * {@link JpegEncoder} on libjpeg-turbo: the FFM binding of {@code stoker_encode_jpeg}
 * (src/main/c/stoker_encode.c) in the library {@link NativeImageLibrary} loads. The call is a plain
 * downcall (not critical: a 12 MP encode takes a tenth of a second, too long to hold off
 * safepoints), so the pixels are copied into native memory first and the JPEG out of it.
 */
@SuppressWarnings("restricted") // binding native code is this class's purpose
final class NativeJpegEncoder implements JpegEncoder {
  static final String SYMBOL = "stoker_encode_jpeg";
  /** {@code STOKER_E_SPACE}: the output buffer was too small; out_len holds the size needed. */
  static final int E_SPACE = -7;

  private static final FunctionDescriptor ENCODE = FunctionDescriptor.of(JAVA_INT,
      ADDRESS, JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_INT, // rgb, w, h, stride, quality
      ADDRESS, JAVA_LONG, ADDRESS, // out, out_cap, out_len
      ADDRESS, JAVA_INT); // err, err_cap

  private final MethodHandle encode;

  private NativeJpegEncoder(MemorySegment symbol) {
    this.encode = Linker.nativeLinker().downcallHandle(symbol, ENCODE);
  }

  /** The encoder where the library loads and has the symbol, else null. */
  static NativeJpegEncoder orNull() {
    return Holder.ENCODER;
  }

  static String unavailableReason() {
    return Holder.FAILURE;
  }

  @Override
  public byte[] encode(MemorySegment rgb, int width, int height, int quality, String source) {
    ImageIoJpegEncoder.check(rgb, width, height, quality, source);
    long pixels = (long) width * height * 3;
    long cap = JpegEncoder.maxBytes(width, height);
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment in = arena.allocate(pixels);
      MemorySegment.copy(rgb, 0, in, 0, pixels);
      MemorySegment out = arena.allocate(cap);
      MemorySegment outLength = arena.allocate(JAVA_LONG);
      MemorySegment error = arena.allocate(NativeImageLibrary.ERROR_CAPACITY);
      int status = call(in, width, height, quality, out, outLength, error, source);
      long length = outLength.get(JAVA_LONG, 0);
      if (status != NativeImageLibrary.OK) {
        // E_SPACE cannot happen with a buffer of the bound; reported like any failure all the same
        throw new LoaderException(source + ": cannot encode a " + width + "x" + height + " JPEG (status " + status
            + "): " + error.getString(0));
      }
      if (length <= 0 || length > cap) {
        throw new LoaderException(source + ": native JPEG encoder reported " + length + " bytes for a buffer of " + cap);
      }
      return out.asSlice(0, length).toArray(ValueLayout.JAVA_BYTE);
    }
  }

  /**
   * One {@code stoker_encode_jpeg} call: {@code in} holds packed rows, {@code out} receives the JPEG
   * ({@code out.byteSize()} bytes at most), {@code outLength} (a native long) its size or the size
   * needed. All segments native.
   */
  int call(MemorySegment in, int width, int height, int quality, MemorySegment out, MemorySegment outLength,
      MemorySegment error, String source) {
    try {
      return (int) encode.invokeExact(in, width, height, (long) width * 3, quality, out, out.byteSize(), outLength,
          error, (int) error.byteSize());
    } catch (Throwable t) {
      throw new LoaderException(source + ": native JPEG encoder failed: " + t, t);
    }
  }

  @Override
  public String name() {
    return "libjpeg-turbo";
  }

  /** Binds on first use; holds the encoder or why there is none. */
  private static final class Holder {
    static final NativeJpegEncoder ENCODER;
    static final String FAILURE;

    static {
      NativeJpegEncoder encoder = null;
      String failure = NativeImageLibrary.unavailableReason();
      if (failure == null) {
        Optional<MemorySegment> symbol = NativeImageLibrary.get().symbol(SYMBOL);
        if (symbol.isPresent()) {
          encoder = new NativeJpegEncoder(symbol.get());
        } else {
          failure = "the native library has no " + SYMBOL + " (built before the encoder was added)";
        }
      }
      ENCODER = encoder;
      FAILURE = failure;
    }

    private Holder() {}
  }
}
