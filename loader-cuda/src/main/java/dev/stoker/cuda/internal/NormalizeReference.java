package dev.stoker.cuda.internal;

import dev.stoker.api.internal.Checks;
import dev.stoker.cuda.PixelType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The host twin of {@code normalize.cu}: the reference the GPU check compares the kernels with,
 * bit for bit, and the normalization of the host fallback path. A value is
 * {@code Math.fma(v, scale[ch], bias[ch])} (one rounding, like CUDA's {@code __fmaf_rn}), then,
 * for float16, {@link Float#floatToFloat16} (round to nearest even, like {@code __float2half_rn}).
 *
 * <p>Speed (the host fallback runs it on every batch): a uint8 has only 256 values, so each call
 * first tabulates the 256 results per channel (exactly the values the formula gives) and then maps
 * bands of rows with table look-ups, copying each band in and each channel's part of it out of the
 * segments in bulk (no per-value segment access); RGB rows are read as ints, 4 pixels at a time.
 */
public final class NormalizeReference {
  private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;
  private static final ValueLayout.OfShort HALF = ValueLayout.JAVA_SHORT_UNALIGNED;
  private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED;
  /** Input bytes read four at a time, the first in the lowest bits on any platform. */
  private static final ValueLayout.OfInt LE_INT = INT.withOrder(ByteOrder.LITTLE_ENDIAN);
  /**
   * Values per band of rows mapped between bulk copies: 48 KiB of floats and 12 KiB of input, in
   * L2; fewer, larger copies measured faster than row by row (each copy has a fixed cost).
   */
  private static final int BAND_VALUES = 12288;
  /** Bytes of one box: x0, y0, x1, y1 as float32. */
  private static final int BOX_BYTES = 4 * Float.BYTES;

  private NormalizeReference() {}

  /**
   * Normalizes uint8 {@code in[n][h][w][c]} (NHWC) into {@code out[n][c][h][w]} (NCHW) of
   * {@code type}, in native byte order: {@code out[b][ch][y][x] = fma(in[b][y][xs][ch], scale[ch],
   * bias[ch])} with {@code xs = w - 1 - x} for the samples {@code b} whose {@code flipOrNull[b]} is
   * not 0, else {@code x}. Allocates its work arrays; a caller that normalizes batch after batch
   * passes a {@link Scratch} instead.
   *
   * @param flipOrNull per-sample flip flags (at least {@code n}), or {@code null} for no flip
   * @throws IllegalArgumentException naming the parameter when a size or shape does not fit
   */
  public static void normalize(MemorySegment in, MemorySegment out, PixelType type, int[] flipOrNull, float[] scale,
      float[] bias, int n, int h, int w, int c) {
    normalize(in, out, type, flipOrNull, scale, bias, n, h, w, c, new Scratch());
  }

  /**
   * {@link #normalize(MemorySegment, MemorySegment, PixelType, int[], float[], float[], int, int, int, int)}
   * with reused work arrays: once they have grown to the largest shape seen, a call allocates
   * nothing.
   *
   * @param scratch work arrays, used by one thread at a time
   */
  public static void normalize(MemorySegment in, MemorySegment out, PixelType type, int[] flipOrNull, float[] scale,
      float[] bias, int n, int h, int w, int c, Scratch scratch) {
    checkNormalize(in, out, type, flipOrNull, scale, bias, n, h, w, c);
    Checks.notNull(scratch, "scratch");
    boolean toFloat = type == PixelType.FLOAT32;
    // RGB rows of a multiple of 4 pixels are read as little-endian ints: 4 pixels in 3 ints
    boolean packed = toFloat && c == 3 && w % 4 == 0;
    int bandRows = Math.max(1, BAND_VALUES / (w * c));
    scratch.prepare(type, scale, bias, Math.min(bandRows, h) * w * c);
    long plane = (long) h * w;
    long valueBytes = type.bytes();
    for (int b = 0; b < n; b++) {
      boolean flip = flipOrNull != null && flipOrNull[b] != 0;
      for (int y = 0; y < h; y += bandRows) {
        int rows = Math.min(bandRows, h - y);
        int pixels = rows * w;
        long from = ((long) b * h + y) * w * c;
        if (packed) {
          MemorySegment.copy(in, LE_INT, from, scratch.ints, 0, pixels * 3 / 4);
          mapRgbBand(scratch.ints, rows, w, flip, scratch.floatTable, scratch.floats);
        } else {
          MemorySegment.copy(in, ValueLayout.JAVA_BYTE, from, scratch.bytes, 0, pixels * c);
          if (toFloat) {
            mapBand(scratch.bytes, rows, w, c, flip, scratch.floatTable, scratch.floats);
          } else {
            mapBand(scratch.bytes, rows, w, c, flip, scratch.halfTable, scratch.halves);
          }
        }
        for (int ch = 0; ch < c; ch++) {
          long offset = (((long) b * c + ch) * plane + (long) y * w) * valueBytes;
          if (toFloat) {
            MemorySegment.copy(scratch.floats, ch * pixels, out, FLOAT, offset, pixels);
          } else {
            MemorySegment.copy(scratch.halves, ch * pixels, out, HALF, offset, pixels);
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
  public static void flipBoxes(MemorySegment boxes, MemorySegment boxLabels, int[] flip, int n, int maxBoxes, float width) {
    Checks.notNull(boxes, "boxes");
    Checks.notNull(boxLabels, "boxLabels");
    Checks.notNull(flip, "flip");
    long slots = NormalizeReference.boxSlots(n, maxBoxes, width);
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
  public static void checkShape(int n, int h, int w, int c) {
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

  /**
   * The box slots of a {@code flipBoxes} call, {@code n * maxBoxes}, after checking the arguments
   * that the kernel and this reference share.
   *
   * @throws IllegalArgumentException naming the parameter when a count is negative or the width is not finite
   */
  static long boxSlots(int n, int maxBoxes, float width) {
    Checks.notNegative(n, "n");
    Checks.notNegative(maxBoxes, "maxBoxes");
    Checks.argument(Float.isFinite(width), "width", "must be finite, got " + width);
    return (long) n * maxBoxes;
  }

  /**
   * Maps a band of {@code rows} rows, HWC bytes, into {@code band[ch][r][x]} (channel planes of
   * {@code rows * w} values) through {@code table[ch * 256 + v]}.
   */
  private static void mapBand(byte[] bytes, int rows, int w, int c, boolean flip, float[] table, float[] band) {
    int pixels = rows * w;
    for (int r = 0; r < rows; r++) {
      for (int ch = 0; ch < c; ch++) {
        int base = ch * 256;
        int to = ch * pixels + r * w;
        int step = flip ? -c : c;
        for (int x = 0, i = r * w * c + (flip ? (w - 1) * c : 0) + ch; x < w; x++, i += step) {
          band[to + x] = table[base + (bytes[i] & 0xFF)];
        }
      }
    }
  }

  /** {@link #mapBand(byte[], int, int, int, boolean, float[], float[])} into float16 bits. */
  private static void mapBand(byte[] bytes, int rows, int w, int c, boolean flip, short[] table, short[] band) {
    int pixels = rows * w;
    for (int r = 0; r < rows; r++) {
      for (int ch = 0; ch < c; ch++) {
        int base = ch * 256;
        int to = ch * pixels + r * w;
        int step = flip ? -c : c;
        for (int x = 0, i = r * w * c + (flip ? (w - 1) * c : 0) + ch; x < w; x++, i += step) {
          band[to + x] = table[base + (bytes[i] & 0xFF)];
        }
      }
    }
  }

  /**
   * The RGB case of {@link #mapBand(byte[], int, int, int, boolean, float[], float[])}, the host
   * fallback's hot loop: each row's bytes arrive as little-endian ints, 4 pixels (12 bytes) in 3
   * ints, so a group costs 3 array reads instead of 12 ({@code w} is a multiple of 4). Each value
   * is unrolled by hand, as the launcher's C1-only JIT does not unroll loops.
   */
  private static void mapRgbBand(int[] ints, int rows, int w, boolean flip, float[] table, float[] band) {
    int green = rows * w;
    int blue = 2 * green;
    int rowInts = w * 3 / 4;
    int step = flip ? -1 : 1;
    for (int r = 0; r < rows; r++) {
      int x = r * w + (flip ? w - 1 : 0);
      for (int i = r * rowInts, end = i + rowInts; i < end; i += 3) {
        int p = ints[i];
        int q = ints[i + 1];
        int s = ints[i + 2];
        band[x] = table[p & 0xFF];
        band[green + x] = table[256 + ((p >>> 8) & 0xFF)];
        band[blue + x] = table[512 + ((p >>> 16) & 0xFF)];
        x += step;
        band[x] = table[p >>> 24];
        band[green + x] = table[256 + (q & 0xFF)];
        band[blue + x] = table[512 + ((q >>> 8) & 0xFF)];
        x += step;
        band[x] = table[(q >>> 16) & 0xFF];
        band[green + x] = table[256 + (q >>> 24)];
        band[blue + x] = table[512 + (s & 0xFF)];
        x += step;
        band[x] = table[(s >>> 8) & 0xFF];
        band[green + x] = table[256 + ((s >>> 16) & 0xFF)];
        band[blue + x] = table[512 + (s >>> 24)];
        x += step;
      }
    }
  }

  /**
   * The work arrays of {@link #normalize}: the per-channel tables (a uint8 has only 256 values, so
   * each call tabulates the 256 results per channel, exactly the values the formula gives, and maps
   * pixels by look-up) and one band of input and output rows. They grow to the largest shape seen
   * and are then reused. Not thread-safe.
   */
  public static final class Scratch {
    private byte[] bytes = new byte[0];
    private int[] ints = new int[0];
    private float[] floats = new float[0];
    private short[] halves = new short[0];
    private float[] floatTable = new float[0];
    private short[] halfTable = new short[0];

    /** Sizes the arrays for a band of {@code bandValues} values and fills the table of {@code type}. */
    private void prepare(PixelType type, float[] scale, float[] bias, int bandValues) {
      int tableSize = scale.length * 256;
      if (bytes.length < bandValues) {
        bytes = new byte[bandValues];
        ints = new int[(bandValues + 3) / 4];
      }
      if (type == PixelType.FLOAT32) {
        if (floats.length < bandValues) {
          floats = new float[bandValues];
        }
        if (floatTable.length < tableSize) {
          floatTable = new float[tableSize];
        }
      } else {
        if (halves.length < bandValues) {
          halves = new short[bandValues];
        }
        if (halfTable.length < tableSize) {
          halfTable = new short[tableSize];
        }
      }
      for (int ch = 0; ch < scale.length; ch++) {
        for (int v = 0; v < 256; v++) {
          float value = Math.fma((float) v, scale[ch], bias[ch]);
          if (type == PixelType.FLOAT32) {
            floatTable[ch * 256 + v] = value;
          } else {
            halfTable[ch * 256 + v] = Float.floatToFloat16(value);
          }
        }
      }
    }
  }
}
