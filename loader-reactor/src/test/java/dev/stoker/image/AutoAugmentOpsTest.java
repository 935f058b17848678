package dev.stoker.image;

import static dev.stoker.image.AutoAugmentFixtures.at;
import static dev.stoker.image.AutoAugmentFixtures.box;
import static dev.stoker.image.AutoAugmentFixtures.boxes;
import static dev.stoker.image.AutoAugmentFixtures.bytes;
import static dev.stoker.image.AutoAugmentFixtures.gradient;
import static dev.stoker.image.AutoAugmentFixtures.gray;
import static dev.stoker.image.AutoAugmentFixtures.pixel;
import static dev.stoker.image.AutoAugmentFixtures.segment;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stoker.api.TransformSpec;
import dev.stoker.image.AutoAugmentSpace.Op;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Each AutoAugment operation on its own, on non-symmetric images: geometry, formulas, statistics, boxes. */
class AutoAugmentOpsTest {
  private static final int FILL = 77;
  private static final int W = 9;
  private static final int H = 7;

  private final AutoAugment augment = new AutoAugment(new TransformSpec.RandAugment(1, 0, 31, FILL));

  private byte[] run(Op op, double magnitude, byte[] rgb, int width, int height, BoxSet boxes) {
    MemorySegment image = segment(rgb);
    augment.applyOp(op, magnitude, image, width, height, boxes);
    return bytes(image);
  }

  private byte[] run(Op op, double magnitude, byte[] rgb) {
    return run(op, magnitude, rgb, W, H, null);
  }

  private static byte[] randomRgb(int width, int height, long seed) {
    byte[] rgb = new byte[width * height * 3];
    new SplittableRandom(seed).nextBytes(rgb);
    return rgb;
  }

  private static int u(byte b) {
    return b & 0xFF;
  }

  private static int roundClamp(double v) {
    return (int) Math.max(0, Math.min(255, Math.floor(v + 0.5)));
  }

  @Test
  void applyOp_identity_leavesTheBytes() {
    byte[] rgb = gradient(W, H);

    assertThat(run(Op.IDENTITY, 0, rgb)).isEqualTo(rgb);
  }

  @Test
  void applyOp_zeroMagnitudes_leaveTheBytes() {
    byte[] rgb = randomRgb(W, H, 1);

    for (Op op : new Op[] {Op.SHEAR_X, Op.SHEAR_Y, Op.TRANSLATE_X, Op.TRANSLATE_Y, Op.ROTATE, Op.BRIGHTNESS,
        Op.COLOR, Op.CONTRAST, Op.SHARPNESS}) {
      assertThat(run(op, 0, rgb)).as("%s", op).isEqualTo(rgb);
    }
    assertThat(run(Op.POSTERIZE, 8, rgb)).isEqualTo(rgb);
  }

  @Test
  void applyOp_translateXByK_movesEveryPixelKColumnsAndFills() {
    byte[] rgb = gradient(W, H);

    byte[] right = run(Op.TRANSLATE_X, 2.9, rgb);
    byte[] left = run(Op.TRANSLATE_X, -2.9, rgb);

    for (int y = 0; y < H; y++) {
      for (int x = 0; x < W; x++) {
        assertThat(pixel(right, W, x, y)).as("right (%d, %d)", x, y)
            .isEqualTo(x >= 2 ? pixel(rgb, W, x - 2, y) : gray(FILL));
        assertThat(pixel(left, W, x, y)).as("left (%d, %d)", x, y)
            .isEqualTo(x < W - 2 ? pixel(rgb, W, x + 2, y) : gray(FILL));
      }
    }
  }

  @Test
  void applyOp_translateYByK_movesEveryPixelKRowsAndFills() {
    byte[] rgb = gradient(W, H);

    byte[] down = run(Op.TRANSLATE_Y, 3.6, rgb);

    for (int y = 0; y < H; y++) {
      for (int x = 0; x < W; x++) {
        assertThat(pixel(down, W, x, y)).as("(%d, %d)", x, y)
            .isEqualTo(y >= 3 ? pixel(rgb, W, x, y - 3) : gray(FILL));
      }
    }
  }

  @Test
  void shift_anyWholeTranslation_matchesTheGeneralWarp() {
    byte[] rgb = gradient(W, H);
    byte[] general = new byte[rgb.length];
    byte[] shifted = new byte[rgb.length];

    for (int tx = -W - 2; tx <= W + 2; tx++) {
      for (int ty = -H - 2; ty <= H + 2; ty++) {
        AutoAugmentOps.warpNearest(rgb, general, W, H, 1, 0, tx, 0, 1, ty, (byte) FILL);
        AutoAugmentOps.shift(rgb, shifted, W, H, tx, ty, (byte) FILL);

        assertThat(shifted).as("(%d, %d)", tx, ty).isEqualTo(general);
      }
    }
  }

  @Test
  void applyOp_shearX_takesTheSourceColumnXPlusMagnitudeTimesY() {
    byte[] rgb = gradient(W, H);

    byte[] out = run(Op.SHEAR_X, 0.5, rgb);

    // a known point: the centre (1.5, 2.5) comes from x = 1.5 + 0.5 * 2.5 = 2.75, pixel column 2
    assertThat(pixel(out, W, 1, 2)).isEqualTo(pixel(rgb, W, 2, 2));
    for (int y = 0; y < H; y++) {
      for (int x = 0; x < W; x++) {
        int sx = (int) Math.floor(x + 0.5 + 0.5 * (y + 0.5));
        assertThat(pixel(out, W, x, y)).as("(%d, %d)", x, y)
            .isEqualTo(sx < W ? pixel(rgb, W, sx, y) : gray(FILL));
      }
    }
  }

  @Test
  void applyOp_shearYNegative_takesTheSourceRowYMinusMagnitudeTimesX() {
    byte[] rgb = gradient(W, H);

    byte[] out = run(Op.SHEAR_Y, -0.3, rgb);

    for (int y = 0; y < H; y++) {
      for (int x = 0; x < W; x++) {
        double sy = y + 0.5 - 0.3 * (x + 0.5);
        assertThat(pixel(out, W, x, y)).as("(%d, %d)", x, y)
            .isEqualTo(sy >= 0 ? pixel(rgb, W, x, (int) Math.floor(sy)) : gray(FILL));
      }
    }
  }

  @Test
  void applyOp_rotateQuarterTurnsOnASquare_equalTheExactRotations() {
    int n = 8;
    byte[] rgb = gradient(n, n);

    byte[] ccw = run(Op.ROTATE, 90, rgb, n, n, null);
    byte[] cw = run(Op.ROTATE, -90, rgb, n, n, null);
    byte[] half = run(Op.ROTATE, 180, rgb, n, n, null);

    for (int y = 0; y < n; y++) {
      for (int x = 0; x < n; x++) {
        // counter-clockwise: the top-right corner comes to the top-left
        assertThat(pixel(ccw, n, x, y)).isEqualTo(pixel(rgb, n, n - 1 - y, x));
        assertThat(pixel(cw, n, x, y)).isEqualTo(pixel(rgb, n, y, n - 1 - x));
        assertThat(pixel(half, n, x, y)).isEqualTo(pixel(rgb, n, n - 1 - x, n - 1 - y));
      }
    }
  }

  @Test
  void applyOp_rotate30_turnsCounterClockwiseAboutTheCentreAndFillsTheCorners() {
    int n = 9;
    byte[] rgb = gradient(n, n);

    byte[] out = run(Op.ROTATE, 30, rgb, n, n, null);

    assertThat(pixel(out, n, 4, 4)).isEqualTo(pixel(rgb, n, 4, 4));
    // centre (7.5, 2.5) is (3, 2 up) from the centre; turned back 30 degrees it is (3.60, 0.23 up): pixel (8, 4)
    assertThat(pixel(out, n, 7, 2)).isEqualTo(pixel(rgb, n, 8, 4));
    for (int[] corner : new int[][] {{0, 0}, {n - 1, 0}, {0, n - 1}, {n - 1, n - 1}}) {
      assertThat(pixel(out, n, corner[0], corner[1])).isEqualTo(gray(FILL));
    }
  }

  @Test
  void applyOp_geometric_moveBoxesExactly() {
    BoxSet translated = boxes(1, 1, 4, 3, 7, 0, 9, 2);
    BoxSet sheared = boxes(2, 2, 4, 4);
    BoxSet rotated = boxes(1, 2, 3, 5);
    BoxSet rotatedBack = boxes(1, 2, 3, 5);

    run(Op.TRANSLATE_X, 3, gradient(W, H), W, H, translated);
    run(Op.SHEAR_X, 0.5, gradient(W, H), W, H, sheared);
    run(Op.ROTATE, 90, gradient(10, 10), 10, 10, rotated);
    run(Op.ROTATE, -90, gradient(10, 10), 10, 10, rotatedBack);

    // the second box leaves the image and is dropped
    assertThat(translated.count()).isEqualTo(1);
    assertThat(box(translated, 0)).containsExactly(4, 1, 7, 3);
    // forward x' = x - 0.5 y: corners (2,2) -> 1, (4,2) -> 3, (2,4) -> 0, (4,4) -> 2
    assertThat(box(sheared, 0)).containsExactly(0, 2, 3, 4);
    // counter-clockwise quarter turn of a 10 x 10 image: (x, y) -> (y, 10 - x)
    assertThat(box(rotated, 0)).containsExactly(2, 7, 5, 9);
    assertThat(box(rotatedBack, 0)).containsExactly(5, 1, 8, 3);
  }

  @Test
  void applyOp_photometric_keepBoxes() {
    BoxSet set = boxes(1, 1, 4, 3);

    run(Op.EQUALIZE, 0, randomRgb(W, H, 2), W, H, set);
    run(Op.SHARPNESS, 0.5, randomRgb(W, H, 2), W, H, set);

    assertThat(box(set, 0)).containsExactly(1, 1, 4, 3);
  }

  @Test
  void applyOp_brightness_scalesEveryByteRounded() {
    byte[] rgb = randomRgb(W, H, 3);

    byte[] out = run(Op.BRIGHTNESS, 0.5, rgb);

    for (int i = 0; i < rgb.length; i++) {
      assertThat(u(out[i])).as("byte %d", i).isEqualTo(roundClamp(1.5 * u(rgb[i])));
    }
  }

  @Test
  void applyOp_colorMinusOne_givesTheLumaAndColorBlendsWithIt() {
    byte[] rgb = randomRgb(W, H, 4);

    byte[] gray = run(Op.COLOR, -1, rgb);
    byte[] vivid = run(Op.COLOR, 0.9, rgb);

    for (int i = 0; i < rgb.length; i += 3) {
      int luma = PhotometricOps.luma(u(rgb[i]), u(rgb[i + 1]), u(rgb[i + 2]));
      assertThat(new int[] {u(gray[i]), u(gray[i + 1]), u(gray[i + 2])}).containsOnly(luma);
      for (int c = 0; c < 3; c++) {
        assertThat(u(vivid[i + c])).isEqualTo(roundClamp(luma + 1.9 * (u(rgb[i + c]) - luma)));
      }
    }
  }

  @Test
  void applyOp_contrastMinusOne_givesTheRoundedMeanGray() {
    byte[] rgb = randomRgb(W, H, 5);
    double sum = 0;
    for (int i = 0; i < rgb.length; i += 3) {
      sum += PhotometricOps.luma(u(rgb[i]), u(rgb[i + 1]), u(rgb[i + 2]));
    }
    int mean = (int) Math.floor(sum / (W * H) + 0.5);
    assertThat(Math.abs(sum / (W * H) - mean)).as("the mean gray is not a whole level").isGreaterThan(0.1);

    byte[] flat = run(Op.CONTRAST, -1, rgb);
    byte[] weak = run(Op.CONTRAST, -0.9, rgb);
    byte[] strong = run(Op.CONTRAST, 0.5, rgb);

    for (int i = 0; i < rgb.length; i++) {
      assertThat(u(flat[i])).isEqualTo(mean);
      assertThat(u(weak[i])).isEqualTo(roundClamp(mean + 0.1 * (u(rgb[i]) - mean)));
      assertThat(u(strong[i])).isEqualTo(roundClamp(mean + 1.5 * (u(rgb[i]) - mean)));
    }
  }

  @Test
  void applyOp_sharpness_blendsInteriorWithPilSmoothAndKeepsTheBorder() {
    byte[] rgb = randomRgb(W, H, 6);

    byte[] smooth = run(Op.SHARPNESS, -1, rgb);
    byte[] sharp = run(Op.SHARPNESS, 0.9, rgb);

    for (int y = 0; y < H; y++) {
      for (int x = 0; x < W; x++) {
        for (int c = 0; c < 3; c++) {
          int v = at(rgb, W, x, y, c);
          if (x == 0 || y == 0 || x == W - 1 || y == H - 1) {
            assertThat(at(smooth, W, x, y, c)).isEqualTo(v);
            assertThat(at(sharp, W, x, y, c)).isEqualTo(v);
            continue;
          }
          int sum = 4 * v;
          for (int dy = -1; dy <= 1; dy++) {
            for (int dx = -1; dx <= 1; dx++) {
              sum += at(rgb, W, x + dx, y + dy, c);
            }
          }
          int blurred = (int) Math.round(sum / 13.0);
          assertThat(at(smooth, W, x, y, c)).as("(%d, %d, %d)", x, y, c).isEqualTo(blurred);
          assertThat(at(sharp, W, x, y, c)).isEqualTo(Math.clamp(blurred + Math.round(1.9 * (v - blurred)), 0, 255));
        }
      }
    }
  }

  @Test
  void applyOp_posterize_keepsTheTopBits() {
    byte[] rgb = randomRgb(W, H, 7);

    byte[] three = run(Op.POSTERIZE, 3, rgb);
    byte[] two = run(Op.POSTERIZE, 2, rgb);

    for (int i = 0; i < rgb.length; i++) {
      assertThat(u(three[i])).isEqualTo(u(rgb[i]) & 0xE0);
      assertThat(u(two[i])).isEqualTo(u(rgb[i]) & 0xC0);
    }
  }

  @Test
  void applyOp_solarize_invertsBytesAtOrAboveTheThreshold() {
    byte[] levels = new byte[256 * 3];
    for (int i = 0; i < levels.length; i++) {
      levels[i] = (byte) (i / 3);
    }

    byte[] half = run(Op.SOLARIZE, 127.5, levels, 256, 1, null);
    byte[] top = run(Op.SOLARIZE, 255, levels, 256, 1, null);
    byte[] all = run(Op.SOLARIZE, 0, levels, 256, 1, null);

    for (int v = 0; v < 256; v++) {
      assertThat(u(half[3 * v])).as("level %d", v).isEqualTo(v >= 128 ? 255 - v : v);
      assertThat(u(top[3 * v])).isEqualTo(v == 255 ? 0 : v);
      assertThat(u(all[3 * v])).isEqualTo(255 - v);
    }
  }

  @Test
  void applyOp_autoContrast_stretchesEachChannelMinTo0AndMaxTo255() {
    byte[] rgb = new byte[W * H * 3];
    SplittableRandom random = new SplittableRandom(8);
    for (int i = 0; i < rgb.length; i += 3) {
      rgb[i] = (byte) (40 + random.nextInt(161));
      rgb[i + 1] = (byte) 99;
      rgb[i + 2] = (byte) (random.nextInt(3) * 10);
    }
    rgb[0] = 40;
    rgb[3] = (byte) 200;

    byte[] out = run(Op.AUTO_CONTRAST, 0, rgb);

    for (int i = 0; i < rgb.length; i += 3) {
      assertThat(u(out[i])).isEqualTo((u(rgb[i]) - 40) * 255 / 160);
      assertThat(u(out[i + 1])).as("a constant channel stays").isEqualTo(99);
    }
    assertThat(u(out[0])).isZero();
    assertThat(u(out[3])).isEqualTo(255);
    for (int i = 2; i < rgb.length; i += 3) {
      assertThat(u(out[i])).isIn(0, 127, 255);
    }
  }

  @Test
  void applyOp_equalize_flattensTheCumulativeHistogram() {
    // PIL's step is rounded down, so the top levels merge into 255: 1/step of the pixels, under 1% here
    int n = 256;
    byte[] rgb = new byte[n * n * 3];
    SplittableRandom random = new SplittableRandom(9);
    for (int i = 0; i < rgb.length; i += 3) {
      double r = random.nextDouble();
      rgb[i] = (byte) (255 * r * r);
      rgb[i + 1] = (byte) (255 * r * r);
      rgb[i + 2] = (byte) 42;
    }

    byte[] out = run(Op.EQUALIZE, 0, rgb, n, n, null);

    assertThat(cdfDistance(rgb, 0)).as("the input is far from flat").isGreaterThan(0.2);
    assertThat(cdfDistance(out, 0)).isLessThan(0.03);
    assertThat(cdfDistance(out, 1)).isLessThan(0.03);
    for (int i = 2; i < rgb.length; i += 3) {
      assertThat(u(out[i])).as("a single-level channel stays").isEqualTo(42);
    }
  }

  @Test
  void applyOp_equalizeSmallHistogram_matchesPilWorkedByHand() {
    // 301 pixels at 0, 300 at 100, 300 at 200: step = (901 - 300) / 256 = 2, and level v becomes
    // (step / 2 + pixels below v) / step: 0 -> 0, 100 -> 302 / 2 = 151, 200 -> 602 / 2 = 301, clamped to 255
    int n = 901;
    byte[] rgb = new byte[n * 3];
    for (int i = 0; i < n; i++) {
      byte v = (byte) (i < 301 ? 0 : i < 601 ? 100 : 200);
      rgb[3 * i] = v;
      rgb[3 * i + 1] = v;
      rgb[3 * i + 2] = v;
    }

    byte[] out = run(Op.EQUALIZE, 0, rgb, n, 1, null);

    for (int c = 0; c < 3; c++) {
      assertThat(at(out, n, 0, 0, c)).isZero();
      assertThat(at(out, n, 301, 0, c)).isEqualTo(151);
      assertThat(at(out, n, 900, 0, c)).isEqualTo(255);
    }
  }

  /**
   * The largest gap, over the levels channel {@code c} uses, between the fraction of pixels below
   * the level and the level's fraction of the range (0 for a perfectly flat histogram).
   */
  private static double cdfDistance(byte[] rgb, int c) {
    int[] counts = new int[256];
    int total = rgb.length / 3;
    for (int i = c; i < rgb.length; i += 3) {
      counts[u(rgb[i])]++;
    }
    double worst = 0;
    int below = 0;
    for (int v = 0; v < 256; v++) {
      if (counts[v] > 0) {
        worst = Math.max(worst, Math.abs((double) below / total - v / 256.0));
      }
      below += counts[v];
    }
    return worst;
  }
}
