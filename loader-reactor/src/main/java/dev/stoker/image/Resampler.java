package dev.stoker.image;

import dev.stoker.api.ImageBuffer;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Separable fixed-point resampling of a rectangle of an RGB image to an output size, with an
 * optional mirror. A triangle filter whose support widens with the downscale factor: bilinear when
 * enlarging, area-like (antialiased) when shrinking. Not thread-safe; one per worker thread, it
 * keeps its scratch arrays between calls so steady state allocates nothing.
 */
final class Resampler {
  private static final int BITS = 14;
  private static final int ONE = 1 << BITS;
  /** Extra fraction bits kept between the horizontal and the vertical pass. */
  private static final int MID_SHIFT = BITS - 7;
  private static final int OUT_SHIFT = BITS + 7;

  private final Taps columns = new Taps();
  private final Taps rows = new Taps();
  private byte[] line = new byte[0];
  private int[] horizontal = new int[0];
  private byte[] outLine = new byte[0];

  /**
   * Resamples the rectangle {@code (x, y, width, height)} of {@code source} (in source pixel
   * units, fractional) into {@code out}, a packed {@code outWidth x outHeight} RGB image.
   */
  void resample(ImageBuffer source, double x, double y, double width, double height,
      int outWidth, int outHeight, boolean flip, MemorySegment out) {
    if (source.channels() != 3) {
      throw new IllegalArgumentException("source must be RGB, has " + source.channels() + " channels");
    }
    int srcWidth = source.width();
    columns.build(outWidth, x, width, srcWidth, flip);
    rows.build(outHeight, y, height, source.height(), false);
    int firstRow = rows.first();
    int lastRow = rows.last();
    int rowLength = outWidth * 3;
    int rowCount = lastRow - firstRow;
    if (horizontal.length < rowCount * rowLength) {
      horizontal = new int[rowCount * rowLength];
    }
    if (line.length < srcWidth * 3) {
      line = new byte[srcWidth * 3];
    }
    MemorySegment pixels = source.pixels();
    long srcStride = (long) srcWidth * 3;
    for (int r = firstRow; r < lastRow; r++) {
      MemorySegment.copy(pixels, ValueLayout.JAVA_BYTE, r * srcStride, line, 0, srcWidth * 3);
      horizontalPass(line, horizontal, (r - firstRow) * rowLength, outWidth);
    }
    if (outLine.length < rowLength) {
      outLine = new byte[rowLength];
    }
    for (int oy = 0; oy < outHeight; oy++) {
      verticalPass(oy, firstRow, rowLength);
      MemorySegment.copy(outLine, 0, out, ValueLayout.JAVA_BYTE, (long) oy * rowLength, rowLength);
    }
  }

  private void horizontalPass(byte[] src, int[] dst, int dstOffset, int outWidth) {
    int[] start = columns.start;
    int[] count = columns.count;
    int[] weights = columns.weights;
    int stride = columns.stride;
    int round = 1 << (MID_SHIFT - 1);
    for (int o = 0; o < outWidth; o++) {
      int s = start[o] * 3;
      int n = count[o];
      int wBase = o * stride;
      int r = 0;
      int g = 0;
      int b = 0;
      for (int k = 0; k < n; k++, s += 3) {
        int w = weights[wBase + k];
        r += (src[s] & 0xFF) * w;
        g += (src[s + 1] & 0xFF) * w;
        b += (src[s + 2] & 0xFF) * w;
      }
      int d = dstOffset + o * 3;
      dst[d] = (r + round) >> MID_SHIFT;
      dst[d + 1] = (g + round) >> MID_SHIFT;
      dst[d + 2] = (b + round) >> MID_SHIFT;
    }
  }

  private void verticalPass(int oy, int firstRow, int rowLength) {
    int n = rows.count[oy];
    int base = (rows.start[oy] - firstRow) * rowLength;
    int wBase = oy * rows.stride;
    int[] h = horizontal;
    int round = 1 << (OUT_SHIFT - 1);
    byte[] out = outLine;
    if (n == 2) {
      int w0 = rows.weights[wBase];
      int w1 = rows.weights[wBase + 1];
      int b1 = base + rowLength;
      for (int i = 0; i < rowLength; i++) {
        out[i] = clamp((h[base + i] * w0 + h[b1 + i] * w1 + round) >> OUT_SHIFT);
      }
      return;
    }
    for (int i = 0; i < rowLength; i++) {
      int sum = 0;
      int p = base + i;
      for (int k = 0; k < n; k++, p += rowLength) {
        sum += h[p] * rows.weights[wBase + k];
      }
      out[i] = clamp((sum + round) >> OUT_SHIFT);
    }
  }

  private static byte clamp(int v) {
    return (byte) (v < 0 ? 0 : (v > 255 ? 255 : v));
  }

  /** Filter taps for one axis: for each output position, a run of source positions and weights. */
  static final class Taps {
    int[] start = new int[0];
    int[] count = new int[0];
    int[] weights = new int[0];
    int stride;
    private int size;
    private double[] raw = new double[0];

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
