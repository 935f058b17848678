package dev.stoker.cuda;

import dev.stoker.api.Checks;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The host twin of {@code normalize.cu}: the reference the GPU check compares the kernels with,
 * bit for bit, and the normalization of the host fallback path. A value is
 * {@code Math.fma(v, scale[ch], bias[ch])} (one rounding, like CUDA's {@code __fmaf_rn}), then,
 * for float16, {@link Float#floatToFloat16} (round to nearest even, like {@code __float2half_rn}).
 *
 * <p>Speed: a uint8 has only 256 values, so each call first tabulates the 256 results per channel
 * (exactly the values the formula gives) and then maps each row with table look-ups, copying rows
 * in and out of the segments in bulk.
 */
final class NormalizeReference {
  private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;
  private static final ValueLayout.OfShort HALF = ValueLayout.JAVA_SHORT_UNALIGNED;
  private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED;
  /** Bytes of one box: x0, y0, x1, y1 as float32. */
  private static final int BOX_BYTES = 4 * Float.BYTES;

  private NormalizeReference() {}

  /**
   * Normalizes uint8 {@code in[n][h][w][c]} (NHWC) into {@code out[n][c][h][w]} (NCHW) of
   * {@code type}, in native byte order: {@code out[b][ch][y][x] = fma(in[b][y][xs][ch], scale[ch],
   * bias[ch])} with {@code xs = w - 1 - x} for the samples {@code b} whose {@code flipOrNull[b]} is
   * not 0, else {@code x}.
   *
   * @param flipOrNull per-sample flip flags (at least {@code n}), or {@code null} for no flip
   * @throws IllegalArgumentException naming the parameter when a size or shape does not fit
   */
  static void normalize(MemorySegment in, MemorySegment out, PixelType type, int[] flipOrNull, float[] scale,
      float[] bias, int n, int h, int w, int c) {
    checkNormalize(in, out, type, flipOrNull, scale, bias, n, h, w, c);
    int rowBytes = w * c;
    byte[] row = new byte[rowBytes];
    long plane = (long) h * w;
    long valueBytes = type.bytes();
    if (type == PixelType.FLOAT32) {
      float[] table = floatTable(scale, bias);
      float[] line = new float[w];
      for (int b = 0; b < n; b++) {
        boolean flip = flipOrNull != null && flipOrNull[b] != 0;
        for (int y = 0; y < h; y++) {
          MemorySegment.copy(in, ValueLayout.JAVA_BYTE, ((long) b * h + y) * rowBytes, row, 0, rowBytes);
          for (int ch = 0; ch < c; ch++) {
            mapRow(row, c, ch, flip, table, line);
            long offset = (((long) b * c + ch) * plane + (long) y * w) * valueBytes;
            MemorySegment.copy(line, 0, out, FLOAT, offset, w);
          }
        }
      }
    } else {
      short[] table = halfTable(scale, bias);
      short[] line = new short[w];
      for (int b = 0; b < n; b++) {
        boolean flip = flipOrNull != null && flipOrNull[b] != 0;
        for (int y = 0; y < h; y++) {
          MemorySegment.copy(in, ValueLayout.JAVA_BYTE, ((long) b * h + y) * rowBytes, row, 0, rowBytes);
          for (int ch = 0; ch < c; ch++) {
            mapRow(row, c, ch, flip, table, line);
            long offset = (((long) b * c + ch) * plane + (long) y * w) * valueBytes;
            MemorySegment.copy(line, 0, out, HALF, offset, w);
          }
        }
      }
    }
  }

  /**
   * Mirrors the boxes of the flagged samples in place: for each sample {@code b} with
   * {@code flip[b] != 0} and each box {@code k} whose {@code boxLabels[b * maxBoxes + k] >= 0},
   * {@code (x0, y0, x1, y1)} becomes {@code (width - x1, y0, width - x0, y1)}. Padding boxes
   * (label {@code -1}) are left alone.
   *
   * @param boxes float32 {@code [n][maxBoxes][4]}, native order
   * @param boxLabels int32 {@code [n][maxBoxes]}, native order
   * @throws IllegalArgumentException naming the parameter when a size does not fit
   */
  static void flipBoxes(MemorySegment boxes, MemorySegment boxLabels, int[] flip, int n, int maxBoxes, float width) {
    Checks.notNull(boxes, "boxes");
    Checks.notNull(boxLabels, "boxLabels");
    Checks.notNull(flip, "flip");
    Checks.notNegative(n, "n");
    Checks.notNegative(maxBoxes, "maxBoxes");
    Checks.argument(Float.isFinite(width), "width", "must be finite, got " + width);
    long slots = (long) n * maxBoxes;
    Checks.argument(flip.length >= n, "flip", "needs " + n + " flags, got " + flip.length);
    checkWritable(boxes, slots * BOX_BYTES, "boxes");
    checkSize(boxLabels, slots * Integer.BYTES, "boxLabels");
    for (int b = 0; b < n; b++) {
      if (flip[b] == 0) {
        continue;
      }
      for (int k = 0; k < maxBoxes; k++) {
        long slot = (long) b * maxBoxes + k;
        if (boxLabels.get(INT, slot * Integer.BYTES) < 0) {
          continue;
        }
        long at = slot * BOX_BYTES;
        float x0 = boxes.get(FLOAT, at);
        float x1 = boxes.get(FLOAT, at + 2L * Float.BYTES);
        boxes.set(FLOAT, at, width - x1);
        boxes.set(FLOAT, at + 2L * Float.BYTES, width - x0);
      }
    }
  }

  /** The shape checks {@link #normalize} and the kernel launcher share. */
  static void checkShape(int n, int h, int w, int c) {
    Checks.notNegative(n, "n");
    Checks.positive(h, "h");
    Checks.positive(w, "w");
    Checks.positive(c, "c");
    Checks.argument((long) w * c <= Integer.MAX_VALUE - 8, "w", "a row of " + w + " x " + c + " bytes is too long");
  }

  private static void checkNormalize(MemorySegment in, MemorySegment out, PixelType type, int[] flipOrNull,
      float[] scale, float[] bias, int n, int h, int w, int c) {
    Checks.notNull(in, "in");
    Checks.notNull(out, "out");
    Checks.notNull(type, "type");
    Checks.notNull(scale, "scale");
    Checks.notNull(bias, "bias");
    checkShape(n, h, w, c);
    Checks.argument(scale.length == c, "scale", "needs one value per channel (c = " + c + "), got " + scale.length);
    Checks.argument(bias.length == c, "bias", "needs one value per channel (c = " + c + "), got " + bias.length);
    Checks.argument(flipOrNull == null || flipOrNull.length >= n, "flipOrNull",
        "needs " + n + " flags, got " + (flipOrNull == null ? 0 : flipOrNull.length));
    long values = Math.multiplyExact(Math.multiplyExact((long) n * h, (long) w), (long) c);
    checkSize(in, values, "in");
    checkWritable(out, Math.multiplyExact(values, (long) type.bytes()), "out");
  }

  private static void checkSize(MemorySegment segment, long bytes, String name) {
    Checks.argument(segment.byteSize() >= bytes, name, "needs " + bytes + " bytes, got " + segment.byteSize());
  }

  private static void checkWritable(MemorySegment segment, long bytes, String name) {
    checkSize(segment, bytes, name);
    Checks.argument(!segment.isReadOnly(), name, "must be writable");
  }

  /** {@code table[ch * 256 + v]}: the float32 result for value {@code v} of channel {@code ch}. */
  private static float[] floatTable(float[] scale, float[] bias) {
    float[] table = new float[scale.length * 256];
    for (int ch = 0; ch < scale.length; ch++) {
      for (int v = 0; v < 256; v++) {
        table[ch * 256 + v] = Math.fma((float) v, scale[ch], bias[ch]);
      }
    }
    return table;
  }

  /** {@code table[ch * 256 + v]}: the float16 bits of the result for value {@code v} of channel {@code ch}. */
  private static short[] halfTable(float[] scale, float[] bias) {
    short[] table = new short[scale.length * 256];
    for (int ch = 0; ch < scale.length; ch++) {
      for (int v = 0; v < 256; v++) {
        table[ch * 256 + v] = Float.floatToFloat16(Math.fma((float) v, scale[ch], bias[ch]));
      }
    }
    return table;
  }

  private static void mapRow(byte[] row, int c, int ch, boolean flip, float[] table, float[] line) {
    int w = line.length;
    int base = ch * 256;
    if (flip) {
      for (int x = 0, i = (w - 1) * c + ch; x < w; x++, i -= c) {
        line[x] = table[base + (row[i] & 0xFF)];
      }
    } else {
      for (int x = 0, i = ch; x < w; x++, i += c) {
        line[x] = table[base + (row[i] & 0xFF)];
      }
    }
  }

  private static void mapRow(byte[] row, int c, int ch, boolean flip, short[] table, short[] line) {
    int w = line.length;
    int base = ch * 256;
    if (flip) {
      for (int x = 0, i = (w - 1) * c + ch; x < w; x++, i -= c) {
        line[x] = table[base + (row[i] & 0xFF)];
      }
    } else {
      for (int x = 0, i = ch; x < w; x++, i += c) {
        line[x] = table[base + (row[i] & 0xFF)];
      }
    }
  }
}
