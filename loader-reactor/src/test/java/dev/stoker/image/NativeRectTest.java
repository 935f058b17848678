package dev.stoker.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.stoker.api.ImageBuffer;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The taps computed in C ({@code stoker_resample_taps}, used by {@code stoker_resample_rect}) must
 * be exactly those of {@link Resampler.Taps#build}, and a call outside the native bounds must
 * leave the output alone so that Java does the work.
 */
class NativeRectTest {
  private static NativeRect rect() {
    NativeRect rect = NativeRect.of(NativeImageLibrary.orNull());
    assumeTrue(rect != null, "native library not loaded");
    return rect;
  }

  /** Compares C's taps of one axis with Java's, output by output (weights up to each count). */
  private static void assertSameTaps(NativeRect rect, int outSize, double offset, double span, int srcSize,
      boolean reverse, String what) {
    Resampler.Taps java = new Resampler.Taps();
    java.build(outSize, offset, span, srcSize, reverse);
    int[] start = new int[outSize];
    int[] count = new int[outSize];
    int[] weights = new int[outSize * java.stride];
    int stride = rect.taps(outSize, offset, span, srcSize, reverse, start, count, weights);
    assertThat(stride).as("%s: stride", what).isEqualTo(java.stride);
    assertThat(start).as("%s: starts", what).isEqualTo(Arrays.copyOf(java.start, outSize));
    assertThat(count).as("%s: counts", what).isEqualTo(Arrays.copyOf(java.count, outSize));
    for (int o = 0; o < outSize; o++) {
      assertThat(Arrays.copyOfRange(weights, o * stride, o * stride + count[o]))
          .as("%s: weights of output %d", what, o)
          .isEqualTo(Arrays.copyOfRange(java.weights, o * stride, o * stride + count[o]));
    }
  }

  @Test
  void taps_randomGeometries_equalJavasBitForBit() {
    NativeRect rect = rect();
    SplittableRandom random = new SplittableRandom(18);
    for (int round = 0; round < 3000; round++) {
      int srcSize = 1 + random.nextInt(round % 3 == 0 ? 5000 : 400);
      int outSize = 1 + random.nextInt(round % 5 == 0 ? 1000 : 300);
      double offset = random.nextDouble() * srcSize * 0.6 - (round % 7 == 0 ? 3 : 0);
      double span = Math.max(1e-3, random.nextDouble() * srcSize * 1.2);
      boolean reverse = random.nextBoolean();
      assertSameTaps(rect, outSize, offset, span, srcSize, reverse,
          "round " + round + ": " + outSize + " from " + offset + "+" + span + " of " + srcSize);
    }
  }

  @Test
  void taps_exactRatiosAndHalfPixelOffsets_equalJavasBitForBit() {
    // whole and half-pixel offsets at simple ratios put centres on pixel edges and weights on ties
    NativeRect rect = rect();
    int[] sizes = {1, 2, 3, 7, 224, 256, 299, 448, 500};
    double[] ratios = {0.25, 0.5, 2.0 / 3, 0.75, 1, 1.25, 1.5, 2, 2.5, 3, 4, 7.5, 64, 130};
    double[] offsets = {0, 0.5, 1, 1.25, 2.5, 17};
    for (int outSize : sizes) {
      for (double ratio : ratios) {
        for (double offset : offsets) {
          double span = outSize * ratio;
          int srcSize = (int) Math.ceil(offset + span);
          for (boolean reverse : new boolean[] {false, true}) {
            assertSameTaps(rect, outSize, offset, span, srcSize, reverse,
                outSize + " at " + ratio + " from " + offset + (reverse ? " reversed" : ""));
          }
        }
      }
    }
  }

  @Test
  void resample_spanOutsideTheNativeBounds_writesNothingAndJavaGivesTheBytes() {
    NativeRect rect = rect();
    ImageBuffer source = ImageBuffer.allocate(0);
    MemorySegment pixels = source.reshape(8, 8, 3);
    for (long i = 0; i < pixels.byteSize(); i++) {
      pixels.set(ValueLayout.JAVA_BYTE, i, (byte) (i * 37));
    }
    MemorySegment out = Arena.ofAuto().allocate(4 * 4 * 3);
    out.fill((byte) 0x5A);
    int status = rect.resample(source.pixels(), 8, 8, 0, 0, Double.NaN, 8, out, 4, 4, false, false);
    assertThat(status).isEqualTo(NativeRect.OUTSIDE);
    assertThat(out.toArray(ValueLayout.JAVA_BYTE)).containsOnly((byte) 0x5A);
    // a source smaller than its stated size is refused, not read past
    assertThat(rect.resample(source.pixels().asSlice(0, 8 * 8 * 3 - 1), 8, 8, 0, 0, 8, 8, out, 4, 4, false, false))
        .isEqualTo(NativeRect.OUTSIDE);
    assertThat(rect.resample(source.pixels(), 8, 8, 0, 0, 8, 8, out.asSlice(0, 4 * 4 * 3 - 1), 4, 4, false, false))
        .isEqualTo(NativeRect.OUTSIDE);
    assertThat(out.toArray(ValueLayout.JAVA_BYTE)).containsOnly((byte) 0x5A);
  }
}
