package dev.stoker.image;

import dev.stoker.image.AutoAugmentSpace.Op;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * The pixel operations of {@link AutoAugment} on a packed RGB uint8 image held in a scratch array:
 * {@link #load} it, run {@link #apply} any number of times, {@link #store} it back.
 *
 * <p>Geometric operations map each output pixel centre {@code (x + 0.5, y + 0.5)} to the source
 * and take the source pixel it falls in (nearest neighbour, like PIL's {@code NEAREST}); a centre
 * outside the image takes {@code fill}. Photometric operations blend like PIL's {@code
 * ImageEnhance} and round to the nearest level (PIL and torchvision truncate, so theirs can be one
 * level lower). Gray is the rounded ITU-R 601-2 luma of {@link PhotometricOps#luma}.
 *
 * <p>Not thread-safe; one per worker thread. Its arrays grow to the largest image and are reused.
 */
final class AutoAugmentOps {
  /** PIL's {@code ImageFilter.SMOOTH} kernel: the centre weight; the eight neighbours weigh 1. */
  private static final int SMOOTH_CENTRE = 5;
  private static final int SMOOTH_SUM = 13;

  private byte[] image = new byte[0];
  private byte[] other = new byte[0];
  private final int[] histogram = new int[3 * 256];
  private final byte[] table = new byte[3 * 256];
  /** Sharpness: {@code round(factor * d)} for {@code d = -255 .. 255}, at {@code d + 255}. */
  private final int[] differences = new int[511];
  /** Sharpness: one row's vertical sums of three bytes. */
  private int[] columns = new int[0];

  /** Bytes of scratch held now. */
  long scratchBytes() {
    return image.length + other.length + 4L * columns.length;
  }

  /** Drops the scratch arrays if they hold more than {@code maxBytes} (they grow again as needed). */
  void trim(long maxBytes) {
    if (scratchBytes() > maxBytes) {
      image = new byte[0];
      other = new byte[0];
      columns = new int[0];
    }
  }

  /** Copies the first {@code len} bytes of {@code source} into the scratch image. */
  void load(MemorySegment source, int len) {
    if (image.length < len) {
      image = new byte[len];
      other = new byte[len];
    }
    MemorySegment.copy(source, ValueLayout.JAVA_BYTE, 0, image, 0, len);
  }

  /** Copies the scratch image's first {@code len} bytes into {@code target}. */
  void store(MemorySegment target, int len) {
    MemorySegment.copy(image, 0, target, ValueLayout.JAVA_BYTE, 0, len);
  }

  /**
   * Runs {@code op} with its signed {@code magnitude} (see {@link AutoAugmentSpace}) on the loaded
   * {@code width x height} image, moving {@code boxes} (null or empty for none) with a geometric
   * operation.
   */
  void apply(Op op, double magnitude, int width, int height, int fill, BoxSet boxes) {
    int len = width * height * 3;
    switch (op) {
      case IDENTITY -> { }
      // torchvision's inverse maps: (1, m, 0, 0, 1, 0) and (1, 0, 0, m, 1, 0) about the corner
      case SHEAR_X -> geometric(1, magnitude, 0, 0, 1, 0, width, height, fill, boxes);
      case SHEAR_Y -> geometric(1, 0, 0, magnitude, 1, 0, width, height, fill, boxes);
      case TRANSLATE_X -> geometric(1, 0, -(int) magnitude, 0, 1, 0, width, height, fill, boxes);
      case TRANSLATE_Y -> geometric(1, 0, 0, 0, 1, -(int) magnitude, width, height, fill, boxes);
      case ROTATE -> {
        Affine back = Affine.rotation(magnitude, width, height);
        geometric(back.xx(), back.xy(), back.tx(), back.yx(), back.yy(), back.ty(), width, height, fill, boxes);
      }
      case BRIGHTNESS -> blendTable(1 + magnitude, 0, len);
      case CONTRAST -> blendTable(1 + magnitude, Math.floor(PhotometricOps.meanGray(image, len) + 0.5), len);
      case COLOR -> color(1 + magnitude, len);
      case SHARPNESS -> sharpness(1 + magnitude, width, height);
      case POSTERIZE -> posterize((int) magnitude, len);
      case SOLARIZE -> solarize(magnitude, len);
      case AUTO_CONTRAST -> autoContrast(len);
      case EQUALIZE -> equalize(len);
    }
  }

  private void geometric(double xx, double xy, double tx, double yx, double yy, double ty, int width, int height,
      int fill, BoxSet boxes) {
    if (xx == 1 && xy == 0 && tx == 0 && yx == 0 && yy == 1 && ty == 0) {
      return;
    }
    if (xx == 1 && xy == 0 && yx == 0 && yy == 1 && tx == Math.rint(tx) && ty == Math.rint(ty)) {
      shift(image, other, width, height, (long) tx, (long) ty, (byte) fill);
    } else {
      warpNearest(image, other, width, height, xx, xy, tx, yx, yy, ty, (byte) fill);
    }
    byte[] swap = image;
    image = other;
    other = swap;
    if (boxes != null && boxes.count() > 0) {
      boxes.map(new Affine(xx, xy, tx, yx, yy, ty).inverse(), width, height);
    }
  }

  /**
   * The nearest-neighbour warp by a whole-pixel translation, row by row: output pixel {@code (x,
   * y)} takes source pixel {@code (x + tx, y + ty)}, or {@code fill} if there is none; the same
   * bytes as {@link #warpNearest} for such a map.
   */
  static void shift(byte[] src, byte[] dst, int width, int height, long tx, long ty, byte fill) {
    int rowBytes = width * 3;
    // output columns [x0, x1) have a source column
    int x0 = (int) Math.min(width, Math.max(0, -tx));
    int x1 = (int) Math.max(x0, Math.min(width, width - tx));
    for (int y = 0; y < height; y++) {
      int row = y * rowBytes;
      long sy = y + ty;
      if (sy < 0 || sy >= height || x1 == x0) {
        Arrays.fill(dst, row, row + rowBytes, fill);
        continue;
      }
      Arrays.fill(dst, row, row + x0 * 3, fill);
      System.arraycopy(src, (int) sy * rowBytes + (int) (x0 + tx) * 3, dst, row + x0 * 3, (x1 - x0) * 3);
      Arrays.fill(dst, row + x1 * 3, row + rowBytes, fill);
    }
  }

  /**
   * Writes into {@code dst} the nearest-neighbour warp of {@code src}: output pixel {@code (x, y)}
   * takes the source pixel containing the map of its centre, or {@code fill} if none does.
   */
  static void warpNearest(byte[] src, byte[] dst, int width, int height, double xx, double xy, double tx,
      double yx, double yy, double ty, byte fill) {
    int rowBytes = width * 3;
    for (int y = 0, d = 0; y < height; y++) {
      double v = y + 0.5;
      for (int x = 0; x < width; x++, d += 3) {
        double u = x + 0.5;
        double sx = xx * u + xy * v + tx;
        double sy = yx * u + yy * v + ty;
        if (sx >= 0 && sx < width && sy >= 0 && sy < height) {
          int s = (int) sy * rowBytes + (int) sx * 3;
          dst[d] = src[s];
          dst[d + 1] = src[s + 1];
          dst[d + 2] = src[s + 2];
        } else {
          dst[d] = fill;
          dst[d + 1] = fill;
          dst[d + 2] = fill;
        }
      }
    }
  }

  /**
   * {@code v -> round(base + factor * (v - base))}, clamped, on every byte: PIL's {@code
   * Image.blend(solid(base), image, factor)}.
   */
  private void blendTable(double factor, double base, int len) {
    if (factor == 1) {
      return;
    }
    for (int v = 0; v < 256; v++) {
      table[v] = (byte) clamp(Math.floor(base + factor * (v - base) + 0.5));
    }
    mapBytes(len);
  }

  /** Every byte through the first 256 entries of {@code table}. */
  private void mapBytes(int len) {
    byte[] px = image;
    byte[] lut = table;
    for (int i = 0; i < len; i++) {
      px[i] = lut[px[i] & 0xFF];
    }
  }

  /** Every channel {@code c} through entries {@code 256 c ..} of {@code table}. */
  private void mapChannels(int len) {
    byte[] px = image;
    byte[] lut = table;
    for (int i = 0; i < len; i += 3) {
      px[i] = lut[px[i] & 0xFF];
      px[i + 1] = lut[256 + (px[i + 1] & 0xFF)];
      px[i + 2] = lut[512 + (px[i + 2] & 0xFF)];
    }
  }

  /** Blends every channel with its pixel's gray (PIL's {@code ImageEnhance.Color}). */
  private void color(double factor, int len) {
    if (factor == 1) {
      return;
    }
    byte[] px = image;
    for (int i = 0; i < len; i += 3) {
      int r = px[i] & 0xFF;
      int g = px[i + 1] & 0xFF;
      int b = px[i + 2] & 0xFF;
      double gray = PhotometricOps.luma(r, g, b);
      px[i] = (byte) clamp(Math.floor(gray + factor * (r - gray) + 0.5));
      px[i + 1] = (byte) clamp(Math.floor(gray + factor * (g - gray) + 0.5));
      px[i + 2] = (byte) clamp(Math.floor(gray + factor * (b - gray) + 0.5));
    }
  }

  /**
   * PIL's {@code ImageEnhance.Sharpness}: blends every pixel with the image smoothed by {@code
   * [[1, 1, 1], [1, 5, 1], [1, 1, 1]] / 13} (rounded), as {@code smooth + round(factor * (v -
   * smooth))}, clamped; border pixels are their own smoothed value, so they stay as they are.
   */
  private void sharpness(double factor, int width, int height) {
    if (factor == 1 || width < 3 || height < 3) {
      return;
    }
    int[] step = differences;
    for (int d = -255; d <= 255; d++) {
      step[d + 255] = (int) Math.floor(factor * d + 0.5);
    }
    byte[] src = image;
    byte[] dst = other;
    int rowBytes = width * 3;
    System.arraycopy(src, 0, dst, 0, rowBytes);
    System.arraycopy(src, (height - 1) * rowBytes, dst, (height - 1) * rowBytes, rowBytes);
    if (columns.length < rowBytes) {
      columns = new int[rowBytes];
    }
    int[] column = columns;
    for (int y = 1; y < height - 1; y++) {
      int row = y * rowBytes;
      // each byte's sum with the bytes above and below it, then three of those sums side by side
      for (int i = 0; i < rowBytes; i++) {
        column[i] = (src[row - rowBytes + i] & 0xFF) + (src[row + i] & 0xFF) + (src[row + rowBytes + i] & 0xFF);
      }
      for (int c = 0; c < 3; c++) {
        dst[row + c] = src[row + c];
        dst[row + rowBytes - 3 + c] = src[row + rowBytes - 3 + c];
      }
      for (int i = 3; i < rowBytes - 3; i++) {
        int v = src[row + i] & 0xFF;
        int sum = column[i - 3] + column[i] + column[i + 3] + (SMOOTH_CENTRE - 1) * v;
        int smooth = (sum + SMOOTH_SUM / 2) / SMOOTH_SUM;
        int out = smooth + step[v - smooth + 255];
        dst[row + i] = (byte) (out < 0 ? 0 : out > 255 ? 255 : out);
      }
    }
    image = dst;
    other = src;
  }

  /** Keeps the top {@code bits} bits of every byte. */
  private void posterize(int bits, int len) {
    if (bits >= 8) {
      return;
    }
    int mask = 0xFF << (8 - bits);
    for (int v = 0; v < 256; v++) {
      table[v] = (byte) (v & mask);
    }
    mapBytes(len);
  }

  /** Inverts every byte at or above {@code threshold}. */
  private void solarize(double threshold, int len) {
    for (int v = 0; v < 256; v++) {
      table[v] = (byte) (v >= threshold ? 255 - v : v);
    }
    mapBytes(len);
  }

  /**
   * Stretches each channel from its {@code [min, max]} to {@code [0, 255]}: {@code (v - min) 255 /
   * (max - min)}, truncated in exact integers; a constant channel stays as it is.
   */
  private void autoContrast(int len) {
    byte[] px = image;
    for (int c = 0; c < 3; c++) {
      int lo = 255;
      int hi = 0;
      for (int i = c; i < len; i += 3) {
        int v = px[i] & 0xFF;
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
      for (int v = 0; v < 256; v++) {
        int mapped = hi <= lo ? v : v <= lo ? 0 : v >= hi ? 255 : (v - lo) * 255 / (hi - lo);
        table[256 * c + v] = (byte) mapped;
      }
    }
    mapChannels(len);
  }

  /**
   * PIL's {@code ImageOps.equalize} per channel: with {@code step = (pixels - count of the last
   * used level) / 256}, level {@code v} becomes {@code (step / 2 + pixels below v) / step},
   * clamped to 255; a channel with one used level or a step of 0 stays as it is.
   */
  private void equalize(int len) {
    byte[] px = image;
    int[] h = histogram;
    Arrays.fill(h, 0);
    for (int i = 0; i < len; i += 3) {
      h[px[i] & 0xFF]++;
      h[256 + (px[i + 1] & 0xFF)]++;
      h[512 + (px[i + 2] & 0xFF)]++;
    }
    for (int c = 0; c < 3; c++) {
      int base = 256 * c;
      long total = 0;
      int last = 0;
      for (int v = 0; v < 256; v++) {
        int n = h[base + v];
        if (n != 0) {
          total += n;
          last = n;
        }
      }
      // one used level gives a step of 0 too
      long step = (total - last) / 256;
      if (step == 0) {
        for (int v = 0; v < 256; v++) {
          table[base + v] = (byte) v;
        }
        continue;
      }
      long n = step / 2;
      for (int v = 0; v < 256; v++) {
        table[base + v] = (byte) Math.min(255, n / step);
        n += h[base + v];
      }
    }
    mapChannels(len);
  }

  private static int clamp(double v) {
    return v <= 0 ? 0 : v >= 255 ? 255 : (int) v;
  }
}
