package dev.stoker.image;

import dev.stoker.api.ImageBuffer;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A general affine warp of a packed RGB image, bilinear, in fixed point: each output pixel centre
 * is mapped to the source, and the four source pixels around it (pixel centres at
 * {@code i + 0.5}) are blended; neighbours past the edge repeat the edge pixel.
 *
 * <p>Per output row the source position of the first pixel is computed once in double and then
 * stepped in 32.32 fixed point (drift under 1e-6 pixels over any row); the blend weights have 11
 * fraction bits, so one channel's blend fits an int: {@code 255 << 22} plus rounding. A position
 * on a pixel centre reproduces that pixel exactly.
 *
 * <p>Not thread-safe; one per worker thread, its arrays are reused, nothing is allocated per pixel.
 */
final class AffineWarp {
  private static final int WEIGHT_BITS = 11;
  private static final int ONE = 1 << WEIGHT_BITS;
  private static final int SHIFT = 2 * WEIGHT_BITS;
  private static final int ROUND = 1 << (SHIFT - 1);
  private static final double FIXED = 4294967296.0;
  private static final int FRACTION_SHIFT = 32 - WEIGHT_BITS;

  private byte[] pixels = new byte[0];
  private byte[] line = new byte[0];

  /** Bytes of scratch held now. */
  long scratchBytes() {
    return pixels.length + line.length;
  }

  /** Drops the scratch arrays (they grow again as needed). */
  void trim() {
    pixels = new byte[0];
    line = new byte[0];
  }

  /**
   * Writes into {@code out} (packed RGB, {@code outWidth} columns) the pixels of each row's span of
   * {@code coverage}, sampling {@code source} (RGB) at {@code toSource} of each pixel centre; the
   * other pixels are left as they are.
   */
  void warp(ImageBuffer source, Affine toSource, Coverage coverage, int outWidth, int outHeight, MemorySegment out) {
    if (source.channels() != 3) {
      throw new IllegalArgumentException("source must be RGB, has " + source.channels() + " channels");
    }
    int sw = source.width();
    int sh = source.height();
    int bytes = sw * sh * 3;
    if (pixels.length < bytes) {
      pixels = new byte[bytes];
    }
    MemorySegment.copy(source.pixels(), ValueLayout.JAVA_BYTE, 0, pixels, 0, bytes);
    if (line.length < outWidth * 3) {
      line = new byte[outWidth * 3];
    }
    long stepX = Math.round(toSource.xx() * FIXED);
    long stepY = Math.round(toSource.yx() * FIXED);
    for (int row = 0; row < outHeight; row++) {
      int s = coverage.start(row);
      int e = coverage.end(row);
      if (e <= s) {
        continue;
      }
      double u = s + 0.5;
      double v = row + 0.5;
      long fx = Math.round((toSource.x(u, v) - 0.5) * FIXED);
      long fy = Math.round((toSource.y(u, v) - 0.5) * FIXED);
      warpRow(pixels, sw, sh, fx, fy, stepX, stepY, e - s, line);
      MemorySegment.copy(line, 0, out, ValueLayout.JAVA_BYTE, ((long) row * outWidth + s) * 3, (e - s) * 3);
    }
  }

  private static void warpRow(byte[] src, int sw, int sh, long fx, long fy, long stepX, long stepY, int count,
      byte[] dst) {
    int lastX = sw - 1;
    int lastY = sh - 1;
    int rowBytes = sw * 3;
    for (int i = 0, d = 0; i < count; i++, d += 3, fx += stepX, fy += stepY) {
      int ix = (int) (fx >> 32);
      int iy = (int) (fy >> 32);
      int wx = (int) (fx >>> FRACTION_SHIFT) & (ONE - 1);
      int wy = (int) (fy >>> FRACTION_SHIFT) & (ONE - 1);
      int x0 = ix < 0 ? 0 : Math.min(ix, lastX);
      int x1 = ix + 1 < 0 ? 0 : Math.min(ix + 1, lastX);
      int y0 = iy < 0 ? 0 : Math.min(iy, lastY);
      int y1 = iy + 1 < 0 ? 0 : Math.min(iy + 1, lastY);
      int a = y0 * rowBytes + x0 * 3;
      int b = y0 * rowBytes + x1 * 3;
      int c = y1 * rowBytes + x0 * 3;
      int f = y1 * rowBytes + x1 * 3;
      int wx0 = ONE - wx;
      int wy0 = ONE - wy;
      for (int ch = 0; ch < 3; ch++) {
        int upper = (src[a + ch] & 0xFF) * wx0 + (src[b + ch] & 0xFF) * wx;
        int lower = (src[c + ch] & 0xFF) * wx0 + (src[f + ch] & 0xFF) * wx;
        dst[d + ch] = (byte) ((upper * wy0 + lower * wy + ROUND) >>> SHIFT);
      }
    }
  }
}
