package dev.stoker.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoker.api.ImageBuffer;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The fused crop + resize + mirror pass: exact where it must be, an area average when shrinking. */
class ResamplerTest {
  private final Resampler resampler = new Resampler();

  private static ImageBuffer image(int width, int height, byte[] rgb) {
    ImageBuffer buffer = ImageBuffer.allocate(0);
    MemorySegment.copy(rgb, 0, buffer.reshape(width, height, 3), ValueLayout.JAVA_BYTE, 0, rgb.length);
    return buffer;
  }

  private static byte[] randomRgb(int width, int height, long seed) {
    byte[] rgb = new byte[width * height * 3];
    new SplittableRandom(seed).nextBytes(rgb);
    return rgb;
  }

  private byte[] resample(ImageBuffer source, double x, double y, double w, double h, int outW, int outH, boolean flip) {
    MemorySegment out = Arena.ofAuto().allocate((long) outW * outH * 3);
    resampler.resample(source, x, y, w, h, outW, outH, flip, out);
    return out.toArray(ValueLayout.JAVA_BYTE);
  }

  private static int at(byte[] rgb, int width, int x, int y, int c) {
    return rgb[(y * width + x) * 3 + c] & 0xFF;
  }

  @Test
  void resample_sameSizeNoFlip_reproducesTheBytesExactly() {
    byte[] rgb = randomRgb(37, 23, 1);

    byte[] out = resample(image(37, 23, rgb), 0, 0, 37, 23, 37, 23, false);

    assertThat(out).isEqualTo(rgb);
  }

  @Test
  void resample_sameSizeWithFlip_mirrorsEachRowExactly() {
    int w = 37;
    int h = 23;
    byte[] rgb = randomRgb(w, h, 2);

    byte[] out = resample(image(w, h, rgb), 0, 0, w, h, w, h, true);

    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        for (int c = 0; c < 3; c++) {
          assertThat(at(out, w, x, y, c)).as("(%d,%d,%d)", x, y, c).isEqualTo(at(rgb, w, w - 1 - x, y, c));
        }
      }
    }
  }

  private byte[] resample(ImageBuffer source, double x, double y, double w, double h, int outW, int outH,
      boolean flip, boolean flipVertical) {
    MemorySegment out = Arena.ofAuto().allocate((long) outW * outH * 3);
    resampler.resample(source, x, y, w, h, outW, outH, flip, flipVertical, out);
    return out.toArray(ValueLayout.JAVA_BYTE);
  }

  @Test
  void resample_sameSizeWithVerticalFlip_mirrorsTheRowsExactly() {
    int w = 37;
    int h = 23;
    byte[] rgb = randomRgb(w, h, 12);

    byte[] out = resample(image(w, h, rgb), 0, 0, w, h, w, h, false, true);

    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        for (int c = 0; c < 3; c++) {
          assertThat(at(out, w, x, y, c)).as("(%d,%d,%d)", x, y, c).isEqualTo(at(rgb, w, x, h - 1 - y, c));
        }
      }
    }
  }

  @Test
  void resample_downscaleWithBothFlips_isTheDownscaleRotatedHalfATurn() {
    byte[] rgb = randomRgb(60, 40, 13);
    ImageBuffer source = image(60, 40, rgb);

    byte[] plain = resample(source, 3.5, 2.25, 50, 33, 23, 17, false, false);
    byte[] vertical = resample(source, 3.5, 2.25, 50, 33, 23, 17, false, true);
    byte[] both = resample(source, 3.5, 2.25, 50, 33, 23, 17, true, true);

    for (int y = 0; y < 17; y++) {
      for (int x = 0; x < 23; x++) {
        for (int c = 0; c < 3; c++) {
          assertThat(at(vertical, 23, x, y, c)).isEqualTo(at(plain, 23, x, 16 - y, c));
          assertThat(at(both, 23, x, y, c)).isEqualTo(at(plain, 23, 22 - x, 16 - y, c));
        }
      }
    }
  }

  @Test
  void resample_integerCropAtItsOwnSize_copiesThatRectangleExactly() {
    int w = 40;
    int h = 30;
    byte[] rgb = randomRgb(w, h, 3);

    byte[] out = resample(image(w, h, rgb), 11, 7, 20, 13, 20, 13, false);

    for (int y = 0; y < 13; y++) {
      for (int x = 0; x < 20; x++) {
        for (int c = 0; c < 3; c++) {
          assertThat(at(out, 20, x, y, c)).as("(%d,%d,%d)", x, y, c).isEqualTo(at(rgb, w, 11 + x, 7 + y, c));
        }
      }
    }
  }

  @Test
  void resample_constantImageAnyScale_staysExactlyConstant() {
    int[][] outSizes = {{16, 12}, {21, 13}, {7, 5}, {1, 1}, {64, 48}, {150, 97}};
    for (int value : new int[] {0, 1, 77, 128, 254, 255}) {
      byte[] rgb = new byte[64 * 48 * 3];
      Arrays.fill(rgb, (byte) value);
      ImageBuffer source = image(64, 48, rgb);
      for (int[] size : outSizes) {
        byte[] out = resample(source, 0, 0, 64, 48, size[0], size[1], false);

        assertThat(out).as("value %d to %dx%d", value, size[0], size[1]).containsOnly((byte) value);
        assertThat(out).hasSize(size[0] * size[1] * 3);
      }
    }
  }

  @Test
  void resample_halfSizeOfSmoothImage_isCloseToTheTwoByTwoBoxAverage() {
    int w = 96;
    int h = 64;
    byte[] rgb = new byte[w * h * 3];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        rgb[(y * w + x) * 3] = (byte) (128 + 100 * Math.sin(x / 6.0) * Math.cos(y / 9.0));
        rgb[(y * w + x) * 3 + 1] = (byte) (2 * x + y);
        rgb[(y * w + x) * 3 + 2] = (byte) (255 - 3 * y);
      }
    }

    byte[] out = resample(image(w, h, rgb), 0, 0, w, h, w / 2, h / 2, false);

    double totalDiff = 0;
    int maxDiff = 0;
    for (int y = 0; y < h / 2; y++) {
      for (int x = 0; x < w / 2; x++) {
        for (int c = 0; c < 3; c++) {
          double box = (at(rgb, w, 2 * x, 2 * y, c) + at(rgb, w, 2 * x + 1, 2 * y, c)
              + at(rgb, w, 2 * x, 2 * y + 1, c) + at(rgb, w, 2 * x + 1, 2 * y + 1, c)) / 4.0;
          double diff = Math.abs(at(out, w / 2, x, y, c) - box);
          totalDiff += diff;
          maxDiff = (int) Math.max(maxDiff, Math.ceil(diff));
        }
      }
    }
    double meanDiff = totalDiff / (w / 2 * (h / 2) * 3);
    assertThat(meanDiff).as("mean abs diff from the box average").isLessThan(1.0);
    // the triangle filter spans 4 source pixels (weights 1,3,3,1), so where the image curves it
    // departs from the 2x2 box by a few levels
    assertThat(maxDiff).as("max abs diff from the box average").isLessThanOrEqualTo(6);
  }

  @Test
  void resample_halfSizeOfOnePixelStripes_averagesThemInsteadOfAliasing() {
    int w = 64;
    int h = 16;
    byte[] rgb = new byte[w * h * 3];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        byte v = (byte) (x % 2 == 0 ? 0 : 255);
        rgb[(y * w + x) * 3] = v;
        rgb[(y * w + x) * 3 + 1] = v;
        rgb[(y * w + x) * 3 + 2] = v;
      }
    }

    byte[] out = resample(image(w, h, rgb), 0, 0, w, h, w / 2, h / 2, false);

    // point sampling would give all 0 or all 255; an area filter gives mid-gray away from the edges
    for (int y = 0; y < h / 2; y++) {
      for (int x = 1; x < w / 2 - 1; x++) {
        assertThat(at(out, w / 2, x, y, 0)).as("(%d,%d)", x, y).isBetween(127, 128);
      }
    }
  }

  @Test
  void resample_downscaleWithFlip_isTheMirrorOfTheDownscale() {
    byte[] rgb = randomRgb(60, 40, 4);
    ImageBuffer source = image(60, 40, rgb);

    byte[] plain = resample(source, 3.5, 2.25, 50, 33, 23, 17, false);
    byte[] flipped = resample(source, 3.5, 2.25, 50, 33, 23, 17, true);

    for (int y = 0; y < 17; y++) {
      for (int x = 0; x < 23; x++) {
        for (int c = 0; c < 3; c++) {
          assertThat(at(flipped, 23, x, y, c)).isEqualTo(at(plain, 23, 22 - x, y, c));
        }
      }
    }
  }

  @Test
  void resample_enlarge_interpolatesBetweenNeighbours() {
    // two columns, 0 and 200: doubling gives a ramp that stays between them and rises left to right
    byte[] rgb = {0, 0, 0, (byte) 200, (byte) 200, (byte) 200};

    byte[] out = resample(image(2, 1, rgb), 0, 0, 2, 1, 8, 1, false);

    int previous = -1;
    for (int x = 0; x < 8; x++) {
      int v = at(out, 8, x, 0, 0);
      assertThat(v).isBetween(0, 200).isGreaterThanOrEqualTo(previous);
      previous = v;
    }
    assertThat(at(out, 8, 0, 0, 0)).isLessThan(50);
    assertThat(at(out, 8, 7, 0, 0)).isGreaterThan(150);
  }

  @Test
  void resample_writesExactlyTheOutputSize() {
    byte[] rgb = randomRgb(30, 20, 5);
    MemorySegment out = Arena.ofAuto().allocate(10 * 8 * 3 + 64);
    out.fill((byte) 0x5A);

    resampler.resample(image(30, 20, rgb), 0, 0, 30, 20, 10, 8, false, out);

    assertThat(out.asSlice(10 * 8 * 3).toArray(ValueLayout.JAVA_BYTE)).containsOnly((byte) 0x5A);
  }

  @Test
  void resample_reusedForDifferentSizes_givesTheSameResultAsAFreshResampler() {
    byte[] small = randomRgb(20, 10, 6);
    byte[] large = randomRgb(200, 150, 7);
    resample(image(200, 150, large), 0, 0, 200, 150, 100, 60, false);

    byte[] reused = resample(image(20, 10, small), 2, 1, 15, 8, 9, 5, true);
    MemorySegment fresh = Arena.ofAuto().allocate(9 * 5 * 3);
    new Resampler().resample(image(20, 10, small), 2, 1, 15, 8, 9, 5, true, fresh);

    assertThat(reused).isEqualTo(fresh.toArray(ValueLayout.JAVA_BYTE));
  }

  @Test
  void resample_sourceNotRgb_isRejected() {
    ImageBuffer gray = ImageBuffer.allocate(0);
    gray.reshape(4, 4, 1);

    assertThatThrownBy(() -> resampler.resample(gray, 0, 0, 4, 4, 2, 2, false, Arena.ofAuto().allocate(12)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("channels");
  }
}
