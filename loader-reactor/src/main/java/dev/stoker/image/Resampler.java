package dev.stoker.image;

import dev.stoker.api.ImageBuffer;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Separable fixed-point resampling of a rectangle of an RGB image to an output size, with optional
 * mirrors left to right and top to bottom (each reverses one axis' taps, so a mirror costs
 * nothing). A triangle filter whose support widens with the downscale factor: bilinear when
 * enlarging, area-like (antialiased) when shrinking.
 *
 * <p>When the native library is loaded, the taps and the two passes run there in one call
 * ({@link NativeRect}); else Java computes the taps and runs the passes, with the same arithmetic
 * and the same bytes. Not thread-safe; one per worker thread, it
 * keeps its scratch arrays between calls so steady state allocates nothing.
 */
final class Resampler {
  /**
   * Weights have 13 fraction bits so that one pixel's three channels, each at most
   * {@code 255 << 13} after weighting, fit side by side in one long (21 bits each): each pass does
   * one multiply per tap for all three channels. Between the passes values are rounded to 8 bits.
   */
  private static final int BITS = 13;
  private static final int ONE = 1 << BITS;
  private static final int SHIFT_21 = 21;
  private static final int SHIFT_42 = 42;
  private static final long FIELD = (1L << SHIFT_21) - 1;
  private static final long ROUND = (1L << (BITS - 1)) * (1L | 1L << SHIFT_21 | 1L << SHIFT_42);

  private final NativeImageLibrary library;
  /** Taps and passes in one native call, or null (no library, or one without the symbols). */
  private final NativeRect rect;
  private final Taps columns = new Taps();
  private final Taps rows = new Taps();
  private long[] packed = new long[0];
  private byte[] rowBytes = new byte[0];
  private long[] vertical = new long[0];
  private long[] column = new long[0];
  private long[] horizontal = new long[0];
  private byte[] outLine = new byte[0];

  /** A resampler that runs the passes in the native library when it is loaded. */
  Resampler() {
    this(true);
  }

  /** A resampler that uses the native passes only if {@code allowNative} and the library loads. */
  Resampler(boolean allowNative) {
    this.library = allowNative && !Boolean.getBoolean("stoker.resample.java") ? NativeImageLibrary.orNull() : null;
    this.rect = NativeRect.of(library);
  }

  /** Bytes of scratch held now: the passes' arrays and both axes' taps. */
  long scratchBytes() {
    return 8L * (packed.length + vertical.length + column.length + horizontal.length) + rowBytes.length
        + outLine.length + columns.scratchBytes() + rows.scratchBytes();
  }

  /** Drops the scratch arrays (they grow again as needed). */
  void trim() {
    packed = new long[0];
    rowBytes = new byte[0];
    vertical = new long[0];
    column = new long[0];
    horizontal = new long[0];
    outLine = new byte[0];
    columns.trim();
    rows.trim();
  }

  /** Whether the passes run in the native library. */
  boolean isNative() {
    return library != null;
  }

  /**
   * Resamples the rectangle {@code (x, y, width, height)} of {@code source} (in source pixel
   * units, fractional) into {@code out}, a packed {@code outWidth x outHeight} RGB image, mirrored
   * left to right if {@code flip}.
   */
  void resample(ImageBuffer source, double x, double y, double width, double height,
      int outWidth, int outHeight, boolean flip, MemorySegment out) {
    resample(source, x, y, width, height, outWidth, outHeight, flip, false, out);
  }

  /**
   * Resamples the rectangle {@code (x, y, width, height)} of {@code source} (in source pixel
   * units, fractional) into {@code out}, a packed {@code outWidth x outHeight} RGB image, mirrored
   * left to right if {@code flip} and top to bottom if {@code flipVertical}.
   */
  void resample(ImageBuffer source, double x, double y, double width, double height,
      int outWidth, int outHeight, boolean flip, boolean flipVertical, MemorySegment out) {
    if (source.channels() != 3) {
      throw new IllegalArgumentException("source must be RGB, has " + source.channels() + " channels");
    }
    if (out.byteSize() < (long) outWidth * outHeight * 3) {
      throw new IllegalArgumentException("out holds " + out.byteSize() + " bytes, the output needs "
          + (long) outWidth * outHeight * 3);
    }
    if (rect != null && rect.resample(source.pixels(), source.width(), source.height(), x, y, width, height, out,
        outWidth, outHeight, flip, flipVertical) == 0) {
      return;
    }
    columns.build(outWidth, x, width, source.width(), flip);
    rows.build(outHeight, y, height, source.height(), flipVertical);
    int firstRow = rows.first();
    int firstCol = columns.first();
    int cols = columns.last() - firstCol;
    if (library != null && library.resample(source.pixels(), source.width(), firstCol, cols,
            MemorySegment.ofArray(rows.start), MemorySegment.ofArray(rows.count),
            MemorySegment.ofArray(rows.weights), rows.stride,
            MemorySegment.ofArray(columns.start), MemorySegment.ofArray(columns.count),
            MemorySegment.ofArray(columns.weights), columns.stride, out, outWidth, outHeight) == 0) {
      return;
    }
    javaPasses(source, firstRow, firstCol, cols, outWidth, outHeight, out);
  }

  private void javaPasses(ImageBuffer source, int firstRow, int firstCol, int cols, int outWidth,
      int outHeight, MemorySegment out) {
    columns.buildTapMajor();
    int rowCount = rows.last() - firstRow;
    if (packed.length < rowCount * cols) {
      packed = new long[rowCount * cols];
    }
    if (vertical.length < cols) {
      vertical = new long[cols];
    }
    if (column.length < cols + columns.stride) {
      column = new long[cols + columns.stride];
    }
    if (horizontal.length < outWidth) {
      horizontal = new long[outWidth];
      outLine = new byte[outWidth * 3];
    }
    MemorySegment pixels = source.pixels();
    long srcStride = (long) source.width() * 3;
    for (int r = 0; r < rowCount; r++) {
      pack(pixels, (firstRow + r) * srcStride + firstCol * 3L, cols, packed, r * cols);
    }
    int outBytes = outWidth * 3;
    for (int oy = 0; oy < outHeight; oy++) {
      verticalPass(oy, firstRow, cols);
      horizontalPass(firstCol, outWidth);
      MemorySegment.copy(outLine, 0, out, ValueLayout.JAVA_BYTE, (long) oy * outBytes, outBytes);
    }
  }

  /**
   * Packs {@code count} RGB pixels into longs: r, g and b at bits 0, 21 and 42. The row is first
   * copied in bulk into a heap array, where the loop runs without per-access segment checks.
   */
  private void pack(MemorySegment pixels, long offset, int count, long[] out, int at) {
    int bytes = count * 3;
    if (rowBytes.length < bytes) {
      rowBytes = new byte[bytes];
    }
    byte[] row = rowBytes;
    MemorySegment.copy(pixels, ValueLayout.JAVA_BYTE, offset, row, 0, bytes);
    for (int i = 0, b = 0; i < count; i++, b += 3) {
      out[at + i] = (row[b] & 0xFFL) | (row[b + 1] & 0xFFL) << SHIFT_21 | (row[b + 2] & 0xFFL) << SHIFT_42;
    }
  }

  /**
   * Output row {@code oy} of the vertical pass over all needed columns, rounded to 8 bits per
   * channel and repacked into {@code column}. Tap-outer, column-inner: the multiplies of one tap
   * are independent, so they pipeline instead of waiting on one another.
   */
  private void verticalPass(int oy, int firstRow, int cols) {
    int n = rows.count[oy];
    int base = (rows.start[oy] - firstRow) * cols;
    int wBase = oy * rows.stride;
    long[] p = packed;
    long[] acc = vertical;
    long w0 = rows.weights[wBase];
    for (int x = 0; x < cols; x++) {
      acc[x] = ROUND + p[base + x] * w0;
    }
    for (int k = 1; k < n; k++) {
      long w = rows.weights[wBase + k];
      int b = base + k * cols;
      for (int x = 0; x < cols; x++) {
        acc[x] += p[b + x] * w;
      }
    }
    long[] dst = column;
    for (int x = 0; x < cols; x++) {
      long sum = acc[x];
      dst[x] = ((sum & FIELD) >>> BITS) | (((sum >>> SHIFT_21) & FIELD) >>> BITS) << SHIFT_21
          | ((sum >>> SHIFT_42) >>> BITS) << SHIFT_42;
    }
  }

  /**
   * The horizontal pass over {@code column} into {@code outLine}. Every output uses {@code stride}
   * taps (unused ones weigh 0), tap-outer, so that the multiplies pipeline.
   */
  private void horizontalPass(int firstCol, int outWidth) {
    int[] start = columns.start;
    int[] weights = columns.byTap;
    int taps = columns.maxCount;
    long[] src = column;
    long[] acc = horizontal;
    for (int o = 0; o < outWidth; o++) {
      acc[o] = ROUND;
    }
    for (int k = 0; k < taps; k++) {
      int wBase = k * outWidth;
      int shift = k - firstCol;
      for (int o = 0; o < outWidth; o++) {
        acc[o] += src[start[o] + shift] * weights[wBase + o];
      }
    }
    byte[] out = outLine;
    for (int o = 0, d = 0; o < outWidth; o++, d += 3) {
      long sum = acc[o];
      out[d] = (byte) ((sum & FIELD) >>> BITS);
      out[d + 1] = (byte) (((sum >>> SHIFT_21) & FIELD) >>> BITS);
      out[d + 2] = (byte) ((sum >>> SHIFT_42) >>> BITS);
    }
  }

  /** Filter taps for one axis: for each output position, a run of source positions and weights. */
  static final class Taps {
    int[] start = new int[0];
    int[] count = new int[0];
    int[] weights = new int[0];
    /** The same weights tap-major, {@code byTap[k * size + o]}, 0 past an output's count. */
    int[] byTap = new int[0];
    /** The largest count of any output: the rows of {@link #byTap}. */
    int maxCount;
    int stride;
    private int size;
    private double[] raw = new double[0];

    long scratchBytes() {
      return 4L * (start.length + count.length + weights.length + byTap.length) + 8L * raw.length;
    }

    void trim() {
      start = new int[0];
      count = new int[0];
      weights = new int[0];
      byTap = new int[0];
      raw = new double[0];
      size = 0;
    }

    void build(int outSize, double offset, double span, int srcSize, boolean reverse) {
      double scale = span / outSize;
      double support = Math.max(1.0, scale);
      stride = (int) Math.ceil(support) * 2 + 1;
      if (start.length < outSize) {
        start = new int[outSize];
        count = new int[outSize];
      }
      if (weights.length < outSize * stride) {
        weights = new int[outSize * stride];
      }
      if (raw.length < stride) {
        raw = new double[stride];
      }
      size = outSize;
      for (int o = 0; o < outSize; o++) {
        int at = reverse ? outSize - 1 - o : o;
        double center = offset + (o + 0.5) * scale;
        int lo = Math.max(0, (int) Math.floor(center - support));
        int hi = Math.min(srcSize, (int) Math.ceil(center + support));
        int n = 0;
        double sum = 0;
        for (int j = lo; j < hi && n < stride; j++) {
          double w = 1.0 - Math.abs(j + 0.5 - center) / support;
          if (w > 0 || n > 0) {
            if (n == 0) {
              lo = j;
            }
            raw[n++] = Math.max(0.0, w);
            sum += Math.max(0.0, w);
          }
        }
        while (n > 1 && raw[n - 1] == 0) {
          n--;
        }
        if (n == 0 || sum == 0) {
          lo = Math.min(srcSize - 1, Math.max(0, (int) Math.floor(center)));
          raw[0] = 1;
          sum = 1;
          n = 1;
        }
        start[at] = lo;
        count[at] = n;
        int base = at * stride;
        int total = 0;
        int largest = 0;
        for (int k = 0; k < n; k++) {
          int w = (int) Math.round(raw[k] / sum * ONE);
          weights[base + k] = w;
          total += w;
          if (w > weights[base + largest]) {
            largest = k;
          }
        }
        weights[base + largest] += ONE - total;
      }
    }

    /** Fills {@link #byTap} and {@link #maxCount} from the last {@link #build}. */
    void buildTapMajor() {
      int outSize = size;
      maxCount = 0;
      for (int o = 0; o < outSize; o++) {
        maxCount = Math.max(maxCount, count[o]);
      }
      if (byTap.length < outSize * stride) {
        byTap = new int[outSize * stride];
      }
      for (int o = 0; o < outSize; o++) {
        for (int k = 0; k < maxCount; k++) {
          byTap[k * outSize + o] = k < count[o] ? weights[o * stride + k] : 0;
        }
      }
    }

    int first() {
      int min = Integer.MAX_VALUE;
      for (int o = 0; o < size; o++) {
        min = Math.min(min, start[o]);
      }
      return min;
    }

    int last() {
      int max = 0;
      for (int o = 0; o < size; o++) {
        max = Math.max(max, start[o] + count[o]);
      }
      return max;
    }
  }
}
