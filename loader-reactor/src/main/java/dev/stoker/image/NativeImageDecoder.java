package dev.stoker.image;

import dev.stoker.api.internal.Checks;
import dev.stoker.api.DecodeException;
import dev.stoker.api.DecodeRequest;
import dev.stoker.api.ImageBuffer;
import dev.stoker.api.ImageDecoder;
import dev.stoker.api.ImageHeader;
import dev.stoker.api.Region;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.LongAdder;

/**
 * Decodes JPEG through libjpeg-turbo and PNG through libpng, via Stoker's C library
 * ({@link NativeImageLibrary}), straight into the {@link ImageBuffer}'s memory.
 *
 * <p>JPEG: a region is decoded by cropping to iMCU columns, skipping the rows above and stopping
 * after the rows below; a DCT scale of 1/2, 1/4 or 1/8 is used when the region stays at least
 * the requested minimum size. EXIF orientation is applied: width, height and regions are in
 * displayed coordinates. Grayscale becomes RGB; Adobe CMYK/YCCK is converted to RGB. libjpeg's
 * corrupt-data warnings (bad Huffman code, premature end of file, ...) fail the image unless the
 * decoder is lenient, in which case libjpeg's best effort is kept and counted in
 * {@link #warnings()}. A strict decoder reads the whole scan whatever the region (the rows below
 * it are entropy-decoded only), so a corrupt file fails under every crop; a lenient one stops
 * after the region and sees only the corruption above or inside it. The same holds for a region
 * of a progressive (multi-scan) file, whose scans are all read before the first row comes out:
 * a strict decode reads every scan to its end; a lenient one, or a request for a file
 * {@linkplain DecodeRequest#knownSound() known sound}, skips each scan's data below the region's
 * rows, and the region's pixels are those of a full decode.
 *
 * <p>PNG: 1 to 16 bits, palette, gray, gray+alpha, RGB, RGBA, interlaced or not; never scaled.
 * Alpha is dropped, not composited (as PIL's {@code convert("RGB")} does), 16-bit samples are
 * rounded to 8 bits, gamma and ICC chunks are ignored. A non-interlaced region stops reading after
 * its last row, so corruption below it goes unnoticed.
 *
 * <p>Decompression bombs: a JPEG with more than {@link #DEFAULT_MAX_SCANS} scans (each a pass over
 * the whole image; a small progressive file can hold thousands) fails as soon as the scan after
 * the limit starts, and one whose decode needs more than {@link #DEFAULT_MAX_DECODER_MEMORY} bytes
 * of libjpeg working memory (a progressive or multi-scan file keeps the coefficients of the whole
 * image, about 2 bytes a pixel at 4:2:0 and 6 at 4:4:4, whatever the region) fails before that
 * memory is allocated. Each is a {@link DecodeException} naming the file and the limit. The memory
 * limit holds per decode call, so per decode worker.
 *
 * <p>Encoded bytes in a heap buffer are passed to C without copying (a "critical" downcall, which
 * holds off the JVM's safepoints while it runs) only when the header says the decode is short:
 * a sequential single-scan JPEG or a non-interlaced PNG of at most {@link #CRITICAL_MAX_PIXELS}
 * stored pixels, in at most {@link #CRITICAL_MAX_BYTES} bytes ({@link EncodedShape}). Anything
 * else (progressive, multi-scan, large, unreadable header) is copied to native memory first (a
 * per-thread buffer, {@link DecodeScratch}, for inputs up to 1 MiB) and decoded by a plain downcall,
 * during which a GC can run. Thread-safe; its one state is the warning count.
 *
 * <pre>{@code
 * ImageDecoder decoder = new NativeImageDecoder(NativeImageLibrary.get(), 100_000_000L, false);
 * }</pre>
 */
public final class NativeImageDecoder implements ImageDecoder {
  /**
   * Largest heap input decoded by a critical (no-copy) call: 256 KB of JPEG is about 3 MP, some
   * 10 ms of decode on one core, as long as we let a safepoint (and so a GC) wait for a decode.
   * Measured on 4000 ImageNet-sized JPEGs the copy costs under 2% anyway.
   */
  static final int CRITICAL_MAX_BYTES = 256 << 10;

  /**
   * Largest stored image, in pixels, decoded by a critical call: one pass over 2 MP is some 10 ms
   * on one core. Larger or multi-pass images go through a plain call whatever their file size.
   */
  static final long CRITICAL_MAX_PIXELS = 2_000_000;

  /**
   * The most scans a JPEG may have: 100. libjpeg's default progressive script has 10 (6 for
   * grayscale), mozjpeg's optimised ones a few dozen; each scan is a pass over the whole image.
   */
  public static final int DEFAULT_MAX_SCANS = 100;

  /**
   * The most libjpeg working memory one decode may use: 128 MiB, enough for a progressive 4:2:0
   * JPEG of about 44 MP (22 MP at 4:4:4); sequential single-scan files need only a few rows.
   */
  public static final long DEFAULT_MAX_DECODER_MEMORY = 128L << 20;

  private static final int[] SCALES = {8, 4, 2, 1};
  private static final String CORRUPT_PREFIX = "Corrupt JPEG data: ";

  private final NativeImageLibrary library;
  private final long maxPixels;
  private final boolean lenient;
  private final long criticalMaxBytes;
  private final boolean criticalByHeader;
  private final int maxScans;
  private final long maxDecoderMemory;
  /** Flags every decode passes on: {@code DECODE_JPEG_LIBJPEG_ENTROPY} or 0. */
  private final int entropyFlags;
  private final LongAdder warned = new LongAdder();

  /**
   * Creates a decoder over a loaded library.
   *
   * @param library the loaded native library, not null
   * @param maxPixels images whose header claims more pixels are refused before decoding
   * @param lenient whether to keep JPEGs with corrupt-data warnings instead of failing them
   */
  public NativeImageDecoder(NativeImageLibrary library, long maxPixels, boolean lenient) {
    this(library, maxPixels, lenient, DEFAULT_MAX_SCANS, DEFAULT_MAX_DECODER_MEMORY);
  }

  /**
   * Creates a decoder with its own decompression-bomb limits.
   *
   * @param library the loaded native library, not null
   * @param maxPixels images whose header claims more pixels are refused before decoding
   * @param lenient whether to keep JPEGs with corrupt-data warnings instead of failing them
   * @param maxScans JPEGs with more scans fail
   * @param maxDecoderMemory JPEGs whose decode needs more libjpeg working memory, in bytes, fail
   */
  public NativeImageDecoder(NativeImageLibrary library, long maxPixels, boolean lenient, int maxScans,
      long maxDecoderMemory) {
    this(library, maxPixels, lenient, CRITICAL_MAX_BYTES, true, maxScans, maxDecoderMemory);
  }

  /** As above, with the largest heap input passed without a copy; for tests. */
  NativeImageDecoder(NativeImageLibrary library, long maxPixels, boolean lenient, long criticalMaxBytes) {
    this(library, maxPixels, lenient, criticalMaxBytes, true, DEFAULT_MAX_SCANS, DEFAULT_MAX_DECODER_MEMORY);
  }

  /**
   * All knobs; for tests. {@code criticalByHeader} false restores the old choice of a critical
   * call by file size alone (the negative control of the safepoint test).
   */
  NativeImageDecoder(NativeImageLibrary library, long maxPixels, boolean lenient, long criticalMaxBytes,
      boolean criticalByHeader, int maxScans, long maxDecoderMemory) {
    this.library = Checks.notNull(library, "library");
    Checks.argument(maxPixels > 0, "maxPixels", "must be positive, got " + maxPixels);
    Checks.argument(maxScans > 0, "maxScans", "must be positive, got " + maxScans);
    Checks.argument(maxDecoderMemory > 0, "maxDecoderMemory", "must be positive, got " + maxDecoderMemory);
    this.maxPixels = maxPixels;
    this.lenient = lenient;
    this.criticalMaxBytes = criticalMaxBytes;
    this.criticalByHeader = criticalByHeader;
    this.maxScans = maxScans;
    this.maxDecoderMemory = maxDecoderMemory;
    this.entropyFlags = 0;
  }

  private NativeImageDecoder(NativeImageDecoder limits, int entropyFlags) {
    this.library = limits.library;
    this.maxPixels = limits.maxPixels;
    this.lenient = limits.lenient;
    this.criticalMaxBytes = limits.criticalMaxBytes;
    this.criticalByHeader = limits.criticalByHeader;
    this.maxScans = limits.maxScans;
    this.maxDecoderMemory = limits.maxDecoderMemory;
    this.entropyFlags = entropyFlags;
  }

  /**
   * This decoder with libjpeg-turbo's own Huffman decoding in place of the library's faster entropy
   * decoders (progressive and single-scan sequential JPEGs): the same pixels for every valid file,
   * at the speed a loader that decodes with libjpeg-turbo gets. {@code stoker bench --floor} measures
   * that reference floor with it; a user may also take it to rule those decoders out.
   *
   * <pre>{@code
   * ImageDecoder reference = new NativeImageDecoder(NativeImageLibrary.get(), 100_000_000L, false)
   *     .withLibjpegEntropy();
   * }</pre>
   *
   * @return a decoder with the same limits and leniency
   */
  public NativeImageDecoder withLibjpegEntropy() {
    return new NativeImageDecoder(this, NativeImageLibrary.DECODE_JPEG_LIBJPEG_ENTROPY);
  }

  /** The flags a decode of {@code request} passes to {@code stoker_decode}. */
  int flags(DecodeRequest request) {
    return (lenient || request.knownSound() ? 0 : NativeImageLibrary.DECODE_CHECK_ALL) | entropyFlags;
  }

  @Override
  public String name() {
    return "libjpeg-turbo";
  }

  /** Images a lenient decoder delivered despite libjpeg's corrupt-data warnings; 0 when strict. */
  @Override
  public long warnings() {
    return warned.sum();
  }

  @Override
  public ImageHeader readHeader(ByteBuffer encoded, String source) {
    Checks.notNull(encoded, "encoded");
    Checks.notNull(source, "source");
    DecodeScratch scratch = DecodeScratch.get();
    int status = library.readHeader(segment(encoded), scratch.info(), scratch.heapError());
    if (status != NativeImageLibrary.OK) {
      throw failure(source, status, scratch.heapMessage());
    }
    int[] info = scratch.infoArray();
    int width = info[NativeImageLibrary.INFO_WIDTH];
    int height = info[NativeImageLibrary.INFO_HEIGHT];
    if ((long) width * height > maxPixels) {
      throw new DecodeException(source, "image is " + width + "x" + height + " = " + (long) width * height
          + " pixels, over the limit of " + maxPixels);
    }
    if (width <= 0 || height <= 0) {
      throw new DecodeException(source, "header claims a " + width + "x" + height + " image");
    }
    String format = info[NativeImageLibrary.INFO_FORMAT] == NativeImageLibrary.FORMAT_JPEG ? "jpeg" : "png";
    return new ImageHeader(width, height, format);
  }

  @Override
  public void decode(ByteBuffer encoded, DecodeRequest request, ImageBuffer destination, String source) {
    Checks.notNull(encoded, "encoded");
    Checks.notNull(request, "request");
    Checks.notNull(destination, "destination");
    Checks.notNull(source, "source");
    Region region = request.region();
    if ((long) region.width() * region.height() > maxPixels) {
      throw new DecodeException(source, "region " + region.width() + "x" + region.height()
          + " is over the limit of " + maxPixels + " pixels");
    }
    int scale = isJpeg(encoded) ? scaleFor(request) : 1;
    int outWidth = scaled(region.width(), scale);
    int outHeight = scaled(region.height(), scale);
    // The C library checks the image's own size against maxPixels before it allocates anything;
    // the destination is at most the region, which is within the limit.
    MemorySegment out = destination.reshape(outWidth, outHeight, 3);
    int flags = flags(request);
    boolean critical = !encoded.isDirect() && encoded.remaining() <= criticalMaxBytes
        && (!criticalByHeader || EncodedShape.of(encoded).isShort(CRITICAL_MAX_PIXELS));
    Outcome outcome = call(critical, segment(encoded), region, scale, out, outWidth, outHeight, flags);
    if (outcome.status() != NativeImageLibrary.OK) {
      throw failure(source, outcome.status(), outcome.message());
    }
    if (outcome.warnings() > 0 && lenient) {
      warned.increment();
    } else if (outcome.warnings() > 0) {
      String first = outcome.message();
      if (first.regionMatches(true, 0, CORRUPT_PREFIX, 0, CORRUPT_PREFIX.length())) {
        first = first.substring(CORRUPT_PREFIX.length());
      }
      int more = outcome.warnings() - 1;
      throw new DecodeException(source, "corrupt JPEG data: " + first + (more > 0 ? " (and " + more + (more == 1 ? " more warning)" : " more warnings)") : ""));
    }
  }

  /** What {@code stoker_decode} said: a status, a count of corrupt-data warnings, a message. */
  private record Outcome(int status, int warnings, String message) {}

  private Outcome call(boolean critical, MemorySegment data, Region region, int scale, MemorySegment out,
      int outWidth, int outHeight, int flags) {
    long stride = (long) outWidth * 3;
    DecodeScratch scratch = DecodeScratch.get();
    if (critical && !data.isNative()) {
      int status = library.decode(true, data, region.x(), region.y(), region.width(), region.height(), scale,
          out, stride, outWidth, outHeight, maxPixels, maxScans, maxDecoderMemory, flags,
          scratch.heapWarnings(), scratch.heapError());
      int warnings = scratch.heapWarningCount();
      return new Outcome(status, warnings, hasMessage(status, warnings) ? scratch.heapMessage() : "");
    }
    MemorySegment nativeData = data.isNative() ? data : scratch.copyOf(data);
    if (nativeData == null) { // too large to keep per thread: a copy for this call only
      try (Arena arena = Arena.ofConfined()) {
        return plainCall(scratch, arena.allocate(data.byteSize()).copyFrom(data), region, scale, out, outWidth,
            outHeight, flags);
      }
    }
    return plainCall(scratch, nativeData, region, scale, out, outWidth, outHeight, flags);
  }

  private Outcome plainCall(DecodeScratch scratch, MemorySegment nativeData, Region region, int scale,
      MemorySegment out, int outWidth, int outHeight, int flags) {
    MemorySegment warnings = scratch.nativeWarnings();
    MemorySegment error = scratch.nativeError();
    int status = library.decode(false, nativeData, region.x(), region.y(), region.width(), region.height(), scale,
        out, (long) outWidth * 3, outWidth, outHeight, maxPixels, maxScans, maxDecoderMemory, flags, warnings, error);
    int count = warnings.get(ValueLayout.JAVA_INT, 0);
    return new Outcome(status, count, hasMessage(status, count) ? error.getString(0) : "");
  }

  /** Whether the library left a message worth reading: a failure or a warning (a clean decode leaves none). */
  private static boolean hasMessage(int status, int warnings) {
    return status != NativeImageLibrary.OK || warnings > 0;
  }

  /** The largest DCT scale denominator that keeps the region at least the minimum size. */
  static int scaleFor(DecodeRequest request) {
    Region region = request.region();
    for (int s : SCALES) {
      if (region.width() >= (long) request.minWidth() * s && region.height() >= (long) request.minHeight() * s) {
        return s;
      }
    }
    return 1;
  }

  /** {@code size / scale} rounded to nearest, halves up: the size contract with the C library. */
  static int scaled(int size, int scale) {
    return (int) (((long) size + scale / 2) / scale);
  }

  @Override
  public String toString() {
    return "NativeImageDecoder[maxPixels=" + maxPixels + ", lenient=" + lenient + "]";
  }

  private static MemorySegment segment(ByteBuffer encoded) {
    return MemorySegment.ofBuffer(encoded);
  }

  private static boolean isJpeg(ByteBuffer b) {
    int p = b.position();
    return b.remaining() >= 3 && (b.get(p) & 0xFF) == 0xFF && (b.get(p + 1) & 0xFF) == 0xD8
        && (b.get(p + 2) & 0xFF) == 0xFF;
  }

  private static DecodeException failure(String source, int status, String message) {
    String text = switch (status) {
      case NativeImageLibrary.E_CORRUPT -> "cannot decode: " + message;
      case NativeImageLibrary.E_NOMEM -> "out of memory: " + message;
      case NativeImageLibrary.E_FORMAT, NativeImageLibrary.E_LIMIT, NativeImageLibrary.E_UNSUPPORTED,
           NativeImageLibrary.E_ARG -> message;
      default -> "native decoder failed with status " + status + ": " + message;
    };
    return new DecodeException(source, text);
  }
}
