package dev.stoker.cuda.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stoker.cuda.PixelType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link NormalizeReference#normalize} on shapes that take each of its paths (RGB rows read as ints,
 * other channel counts and widths, several bands of rows, a row wider than a band), value by value
 * against the formula, with one {@link NormalizeReference.Scratch} reused across all of them.
 */
class NormalizeReferenceBandsTest {
  /**
   * {n, h, w, c}, with bands of 12,288 values: RGB read as ints (w % 4 == 0) in one band, in three
   * bands and with a row wider than a band; RGB read as bytes in one and in two bands; 1 channel; 4
   * channels in two bands; the first shape again, after larger ones.
   */
  private static final int[][] SHAPES = {
      {3, 5, 8, 3}, {2, 150, 64, 3}, {1, 2, 4100, 3}, {2, 7, 7, 3}, {2, 130, 50, 3}, {2, 9, 13, 1}, {1, 40, 90, 4},
      {3, 5, 8, 3}};

  private final Arena arena = Arena.ofConfined();
  private final SplittableRandom random = new SplittableRandom(42);

  @AfterEach
  void closeArena() {
    arena.close();
  }

  @Test
  void normalize_float32OnEveryPathWithOneScratch_matchesTheFormulaBitForBit() {
    NormalizeReference.Scratch scratch = new NormalizeReference.Scratch();
    for (int[] shape : SHAPES) {
      checkShape(shape, PixelType.FLOAT32, scratch);
    }
  }

  @Test
  void normalize_float16OnEveryPathWithOneScratch_matchesTheFormulaBitForBit() {
    NormalizeReference.Scratch scratch = new NormalizeReference.Scratch();
    for (int[] shape : SHAPES) {
      checkShape(shape, PixelType.FLOAT16, scratch);
    }
  }

  @Test
  void normalize_withAndWithoutScratch_writesTheSameBytes() {
    int n = 2;
    int h = 33;
    int w = 224;
    int c = 3;
    MemorySegment in = randomBytes((long) n * h * w * c);
    float[] scale = {0.017f, 0.0175f, 0.0174f};
    float[] bias = {-2.1f, -2.03f, -1.8f};
    MemorySegment fresh = arena.allocate((long) n * h * w * c * Float.BYTES);
    MemorySegment reused = arena.allocate(fresh.byteSize());
    NormalizeReference.Scratch scratch = new NormalizeReference.Scratch();
    NormalizeReference.normalize(randomBytes(4L * 300 * 300 * 3), arena.allocate(4L * 300 * 300 * 3 * 4),
        PixelType.FLOAT32, null, scale, bias, 4, 300, 300, 3, scratch);

    NormalizeReference.normalize(in, fresh, PixelType.FLOAT32, new int[] {1, 0}, scale, bias, n, h, w, c);
    NormalizeReference.normalize(in, reused, PixelType.FLOAT32, new int[] {1, 0}, scale, bias, n, h, w, c, scratch);

    assertThat(reused.mismatch(fresh)).isEqualTo(-1L);
  }

  private void checkShape(int[] shape, PixelType type, NormalizeReference.Scratch scratch) {
    int n = shape[0];
    int h = shape[1];
    int w = shape[2];
    int c = shape[3];
    MemorySegment in = randomBytes((long) n * h * w * c);
    float[] scale = new float[c];
    float[] bias = new float[c];
    for (int ch = 0; ch < c; ch++) {
      scale[ch] = (float) random.nextDouble(0.001, 0.1);
      bias[ch] = (float) random.nextDouble(-3, 3);
    }
    int[] flips = new int[n];
    for (int b = 0; b < n; b++) {
      flips[b] = b % 2 == 0 ? 1 : 0;
    }
    MemorySegment out = arena.allocate((long) n * c * h * w * type.bytes());

    NormalizeReference.normalize(in, out, type, flips, scale, bias, n, h, w, c, scratch);

    int[] expectedFloatBits = new int[n * c * h * w];
    short[] expectedHalves = new short[expectedFloatBits.length];
    for (int b = 0; b < n; b++) {
      for (int ch = 0; ch < c; ch++) {
        for (int y = 0; y < h; y++) {
          for (int x = 0; x < w; x++) {
            int xs = flips[b] != 0 ? w - 1 - x : x;
            int v = Byte.toUnsignedInt(in.get(ValueLayout.JAVA_BYTE, (((long) b * h + y) * w + xs) * c + ch));
            float expected = Math.fma((float) v, scale[ch], bias[ch]);
            int at = ((b * c + ch) * h + y) * w + x;
            expectedFloatBits[at] = Float.floatToRawIntBits(expected);
            expectedHalves[at] = Float.floatToFloat16(expected);
          }
        }
      }
    }
    String what = type + " " + n + "x" + h + "x" + w + "x" + c;
    if (type == PixelType.FLOAT32) {
      assertThat(out.toArray(ValueLayout.JAVA_INT_UNALIGNED)).as(what).containsExactly(expectedFloatBits);
    } else {
      assertThat(out.toArray(ValueLayout.JAVA_SHORT_UNALIGNED)).as(what).containsExactly(expectedHalves);
    }
  }

  /** Random bytes at an odd address, so the packed path's int reads are unaligned. */
  private MemorySegment randomBytes(long size) {
    MemorySegment segment = arena.allocate(size + 1).asSlice(1);
    for (long i = 0; i < size; i++) {
      segment.set(ValueLayout.JAVA_BYTE, i, (byte) random.nextInt(256));
    }
    return segment;
  }
}
