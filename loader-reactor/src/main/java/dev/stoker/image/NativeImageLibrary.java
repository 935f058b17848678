package dev.stoker.image;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.stoker.api.LoaderException;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The FFM binding of {@code libstokerimage.so} (src/main/c/stoker_image.h), loaded once per JVM:
 * the jar carries it with the libjpeg-turbo, libpng and zlib it was linked against
 * ({@link NativeBundle}, resource folder {@code dev/stoker/image/native/linux-x86_64/}), copied once
 * into a cache folder and checked against their SHA-256 there, then opened with
 * {@link SymbolLookup#libraryLookup(Path, Arena)} in the global arena. The library's
 * {@code DT_RPATH $ORIGIN} makes the dynamic linker take the bundled libraries beside it before
 * {@code LD_LIBRARY_PATH} and the system's, so no libjpeg or libpng need be installed.
 *
 * <p>The cache folder is {@code $XDG_CACHE_HOME/stoker/native} (else {@code ~/.cache/stoker/native}),
 * or the system property {@code stoker.native.cache}, or the environment variable
 * {@code STOKER_NATIVE_CACHE}; where it cannot be written a private temporary folder is used.
 * Where the library cannot load (another platform, a jar built with {@code -Dstoker.native.skip},
 * a damaged file, a {@code dlopen} error), {@link #unavailableReason()} says why.
 *
 * <pre>{@code
 * String why = NativeImageLibrary.unavailableReason(); // null where the native decoder loads
 * }</pre>
 *
 * <p>Two flavours of each call: "critical" handles ({@link Linker.Option#critical(boolean)} with
 * heap access) take heap segments without copying but hold off safepoints while they run, so
 * they are used only for short calls; "plain" handles need native segments and let the JVM reach
 * a safepoint meanwhile.
 */
@SuppressWarnings("restricted") // binding native code is this class's purpose
public final class NativeImageLibrary {
  static final String RESOURCE = NativeBundle.FOLDER + NativeBundle.LINUX_X86_64 + "/" + NativeBundle.LIBRARY;
  private static final Logger log = LoggerFactory.getLogger(NativeImageLibrary.class);
  private static final int ABI_VERSION = 4;

  // Status codes and layout of stoker_image.h.
  static final int OK = 0;
  static final int E_ARG = -1;
  static final int E_FORMAT = -2;
  static final int E_CORRUPT = -3;
  static final int E_NOMEM = -4;
  static final int E_LIMIT = -5;
  static final int E_UNSUPPORTED = -6;
  static final int FORMAT_JPEG = 1;
  static final int FORMAT_PNG = 2;
  static final int INFO_WIDTH = 0;
  static final int INFO_HEIGHT = 1;
  static final int INFO_FORMAT = 2;
  static final int INFO_ORIENTATION = 3;
  static final int INFO_LENGTH = 8;
  /** {@code stoker_decode} flag: a JPEG's scan is entropy-decoded to its end, below the region too. */
  static final int DECODE_CHECK_ALL = 1;
  /** {@code stoker_decode} flag: a PNG is decoded by libpng even where the libdeflate reader could (tests compare). */
  static final int DECODE_PNG_LIBPNG = 2;
  /** {@code stoker_decode} flag, for tests: {@link #E_UNSUPPORTED} where the libdeflate PNG reader declines a file. */
  static final int DECODE_PNG_NO_FALLBACK = 4;
  /** {@code stoker_decode} flag: a JPEG's Huffman data is decoded by libjpeg, not stoker_phuff.c or stoker_shuff.c (tests compare). */
  static final int DECODE_JPEG_LIBJPEG_ENTROPY = 8;
  /** {@code stoker_decode} flag, for tests: {@link #E_UNSUPPORTED} where stoker_phuff.c or stoker_shuff.c declines a JPEG. */
  static final int DECODE_JPEG_NO_FALLBACK = 16;
  /** Bytes of the error message buffer. */
  static final int ERROR_CAPACITY = 256;

  private static final FunctionDescriptor READ_HEADER =
      FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, ADDRESS, ADDRESS, JAVA_INT);
  private static final FunctionDescriptor DECODE = FunctionDescriptor.of(JAVA_INT,
      ADDRESS, JAVA_LONG, // data, len
      JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, // x, y, w, h, scale
      ADDRESS, JAVA_LONG, JAVA_LONG, JAVA_INT, JAVA_INT, // out, stride, cap, out_w, out_h
      JAVA_LONG, JAVA_INT, JAVA_LONG, // max_pixels, max_scans, max_memory
      JAVA_INT, ADDRESS, ADDRESS, JAVA_INT); // flags, warnings, err, err_cap

  private static final FunctionDescriptor RESAMPLE = FunctionDescriptor.of(JAVA_INT,
      ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, // src, src_width, first_col, cols
      ADDRESS, ADDRESS, ADDRESS, JAVA_INT, // row start, count, weights, stride
      ADDRESS, ADDRESS, ADDRESS, JAVA_INT, // column start, count, weights, stride
      ADDRESS, JAVA_INT, JAVA_INT); // out, out_w, out_h

  private final MethodHandle resampleCritical;
  private final MethodHandle readHeaderCritical;
  private final MethodHandle decodeCritical;
  private final MethodHandle decodePlain;
  private final String pngReader;
  private final SymbolLookup lookup;

  private NativeImageLibrary(SymbolLookup lookup) {
    this.lookup = lookup;
    Linker linker = Linker.nativeLinker();
    Linker.Option critical = Linker.Option.critical(true);
    MethodHandle version = linker.downcallHandle(find(lookup, "stoker_abi_version"),
        FunctionDescriptor.of(JAVA_INT), critical);
    int abi;
    try {
      abi = (int) version.invokeExact();
    } catch (Throwable t) {
      throw new IllegalStateException("stoker_abi_version failed", t);
    }
    if (abi != ABI_VERSION) {
      throw new IllegalStateException("library has ABI version " + abi + ", this code needs " + ABI_VERSION);
    }
    MemorySegment readHeader = find(lookup, "stoker_read_header");
    MemorySegment decode = find(lookup, "stoker_decode");
    this.readHeaderCritical = linker.downcallHandle(readHeader, READ_HEADER, critical);
    this.decodeCritical = linker.downcallHandle(decode, DECODE, critical);
    this.decodePlain = linker.downcallHandle(decode, DECODE);
    this.resampleCritical = linker.downcallHandle(find(lookup, "stoker_resample"), RESAMPLE, critical);
    MethodHandle reader = linker.downcallHandle(find(lookup, "stoker_png_reader"), FunctionDescriptor.of(ADDRESS));
    try {
      this.pngReader = ((MemorySegment) reader.invokeExact()).reinterpret(64).getString(0);
    } catch (Throwable t) {
      throw new IllegalStateException("stoker_png_reader failed", t);
    }
  }

  /**
   * Which reader decodes PNGs, as the library was built (src/main/c/build.sh).
   *
   * @return {@code "libdeflate"} (the library's own reader of non-interlaced PNGs, inflating with
   *     libdeflate; libpng for the rest) or {@code "libpng"} (libpng and zlib for every PNG)
   */
  public String pngReader() {
    return pngReader;
  }

  /** The library if it loads, else null: for optional fast paths that have a Java fallback. */
  static NativeImageLibrary orNull() {
    return Holder.LIBRARY;
  }

  /**
   * {@code stoker_resample}: the Resampler's two passes in C, same arithmetic, same bytes. Critical:
   * the tap arrays are heap segments; one call takes about a tenth of a millisecond.
   */
  int resample(MemorySegment source, int sourceWidth, int firstCol, int cols,
      MemorySegment rowStart, MemorySegment rowCount, MemorySegment rowWeights, int rowStride,
      MemorySegment colStart, MemorySegment colCount, MemorySegment colWeights, int colStride,
      MemorySegment out, int outWidth, int outHeight) {
    try {
      return (int) resampleCritical.invokeExact(source, sourceWidth, firstCol, cols,
          rowStart, rowCount, rowWeights, rowStride, colStart, colCount, colWeights, colStride,
          out, outWidth, outHeight);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /**
   * The library, loaded on first use.
   *
   * @return the loaded library, the same instance on every call
   * @throws LoaderException saying why if it cannot be loaded on this machine
   */
  public static NativeImageLibrary get() {
    if (Holder.LIBRARY == null) {
      throw new LoaderException("native image decoder unavailable: " + Holder.FAILURE);
    }
    return Holder.LIBRARY;
  }

  /**
   * Why the library cannot be loaded, or null if it loads.
   *
   * @return the reason, or null where the library loads
   */
  public static String unavailableReason() {
    return Holder.FAILURE;
  }

  /** {@code stoker_read_header}; short, so always critical: data, info and err may be heap segments. */
  int readHeader(MemorySegment data, MemorySegment info, MemorySegment error) {
    try {
      return (int) readHeaderCritical.invokeExact(data, data.byteSize(), info, error, (int) error.byteSize());
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /**
   * {@code stoker_decode}. With {@code critical} every segment may be on the heap; without it,
   * all must be native.
   */
  int decode(boolean critical, MemorySegment data, int x, int y, int w, int h, int scale,
      MemorySegment out, long stride, int outWidth, int outHeight, long maxPixels, int maxScans,
      long maxMemory, int flags, MemorySegment warnings, MemorySegment error) {
    MethodHandle handle = critical ? decodeCritical : decodePlain;
    try {
      return (int) handle.invokeExact(data, data.byteSize(), x, y, w, h, scale,
          out, stride, out.byteSize(), outWidth, outHeight, maxPixels, maxScans, maxMemory, flags, warnings, error,
          (int) error.byteSize());
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /**
   * A symbol of the library, for bindings of functions added after this class's ABI version
   * ({@link NativeJpegEncoder}): empty where an older library lacks it.
   */
  java.util.Optional<MemorySegment> symbol(String name) {
    return lookup.find(name);
  }

  private static MemorySegment find(SymbolLookup lookup, String name) {
    return lookup.find(name).orElseThrow(() -> new IllegalStateException("symbol " + name + " missing"));
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

  /** Loads on first access of {@link #get()}; holds the library or why it failed. */
  private static final class Holder {
    static final NativeImageLibrary LIBRARY;
    static final String FAILURE;

    static {
      NativeImageLibrary library = null;
      String failure;
      try {
        library = load();
        failure = null;
      } catch (IOException | RuntimeException | LinkageError e) {
        failure = e.getMessage() == null ? e.toString() : e.getMessage();
      }
      LIBRARY = library;
      FAILURE = failure;
    }

    private Holder() {}
  }

  private static NativeImageLibrary load() throws IOException {
    String platform = NativeBundle.platform(System.getProperty("os.name"), System.getProperty("os.arch"));
    Path root = NativeBundle.cacheRoot(System.getProperty(NativeBundle.CACHE_PROPERTY), System.getenv(),
        System.getProperty("user.home"));
    NativeBundle.Extracted bundle;
    try {
      bundle = NativeBundle.extract(NativeBundle.jarResources(platform), root);
    } catch (IOException e) {
      // an unwritable cache (read-only home, full disk): a private folder of this JVM instead
      Path temporary = Files.createTempDirectory("stoker-native");
      log.info("Native image decoder: cannot use the cache folder {} ({}); copying it into {}", root, e, temporary);
      bundle = NativeBundle.extract(NativeBundle.jarResources(platform), temporary);
    }
    log.debug("Native image decoder in {}: {} file(s) written, {} reused", bundle.directory(),
        bundle.written().size(), bundle.reused().size());
    return open(bundle.library());
  }

  /**
   * Opens the library at {@code file} for the lifetime of the JVM.
   *
   * @throws IllegalStateException with the dynamic linker's message where it does not load
   */
  static NativeImageLibrary open(Path file) {
    SymbolLookup lookup;
    try {
      lookup = SymbolLookup.libraryLookup(file, Arena.global());
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException("cannot load " + file + ": " + dlopenError(file, e));
    }
    return new NativeImageLibrary(lookup);
  }

  /**
   * The dynamic linker's own words for a library that does not load (FFM's message only names the
   * file): System.load reports dlerror(), and loads nothing when it fails.
   */
  private static String dlopenError(Path file, IllegalArgumentException ffm) {
    try {
      System.load(file.toString());
      return ffm.getMessage();
    } catch (UnsatisfiedLinkError e) {
      return e.getMessage();
    }
  }
}
