package dev.stoker.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.stoker.api.TransformSpec.GaussianBlur;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** GaussianBlur: torchvision's kernel, separable, borders reflected, sigma drawn from its range. */
class GaussianBlurOpTest {
  private static final int W = 23;
  private static final int H = 17;

  /** A double-precision, non-separable reference: the 2-D sum with torch's reflect padding, rounded. */
  private static byte[] reference(byte[] px, int width, int height, double[] k) {
    int half = k.length / 2;
    byte[] out = new byte[px.length];
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        for (int c = 0; c < 3; c++) {
          double sum = 0;
          for (int j = 0; j < k.length; j++) {
            for (int i = 0; i < k.length; i++) {
              int sy = torchReflect(y + j - half, height);
              int sx = torchReflect(x + i - half, width);
              sum += k[j] * k[i] * (px[(sy * width + sx) * 3 + c] & 0xFF);
            }
          }
          out[(y * width + x) * 3 + c] = (byte) Math.min(255, Math.max(0, Math.round(sum)));
        }
      }
    }
    return out;
  }

  /** torch's reflect padding for a pad smaller than the axis: -1 reads 1, n reads n - 2. */
  private static int torchReflect(int i, int n) {
    return i < 0 ? -i : i >= n ? 2 * (n - 1) - i : i;
  }

  private static byte[] noise(int width, int height, long seed) {
    byte[] px = new byte[width * height * 3];
    new SplittableRandom(seed).nextBytes(px);
    return px;
  }

  @Test
  void kernel_sizeThreeSigmaOne_isTorchvisionsNormalisedGaussian() {
    double e = Math.exp(-0.5);
    double[] k = GaussianBlurOp.kernel(3, 1.0);

    assertThat(k[0]).isCloseTo(e / (1 + 2 * e), within(1e-12));
    assertThat(k[1]).isCloseTo(1 / (1 + 2 * e), within(1e-12));
    assertThat(k[2]).isEqualTo(k[0]);
  }

  @Test
  void reflect_outsideTheAxis_mirrorsWithoutRepeatingTheEdge() {
    assertThat(GaussianBlurOp.reflect(-1, 5)).isEqualTo(1);
    assertThat(GaussianBlurOp.reflect(-4, 5)).isEqualTo(4);
    assertThat(GaussianBlurOp.reflect(5, 5)).isEqualTo(3);
    assertThat(GaussianBlurOp.reflect(8, 5)).isEqualTo(0);
    assertThat(GaussianBlurOp.reflect(-6, 5)).as("beyond one reflection: period 8").isEqualTo(2);
    assertThat(GaussianBlurOp.reflect(3, 1)).isZero();
  }

  @Test
  void blur_impulse_isTheOuterProductOfTheKernelAndKeepsTheSum() {
    int size = 7;
    double[] k = GaussianBlurOp.kernel(size, 1.3);
    byte[] px = new byte[W * H * 3];
    int cx = 9;
    int cy = 6;
    px[(cy * W + cx) * 3 + 1] = (byte) 255; // green only, off-centre in a non-square image
    new GaussianBlurOp().blur(px, W, H, k);

    long sum = 0;
    for (int y = 0; y < H; y++) {
      for (int x = 0; x < W; x++) {
        int o = (y * W + x) * 3;
        assertThat(px[o]).as("red at %d,%d", x, y).isZero();
        assertThat(px[o + 2]).as("blue at %d,%d", x, y).isZero();
        int dx = x - cx;
        int dy = y - cy;
        double expected = Math.abs(dx) <= 3 && Math.abs(dy) <= 3 ? 255 * k[dx + 3] * k[dy + 3] : 0;
        assertThat((double) (px[o + 1] & 0xFF)).as("green at %d,%d", x, y).isCloseTo(expected, within(0.5 + 1e-4));
        sum += px[o + 1] & 0xFF;
      }
    }
    assertThat(sum).as("the kernel sums to 1; each of the 49 taps rounds by at most 1/2").isBetween(255L - 24, 255L + 24);
  }

  @Test
  void blur_noiseImage_matchesTheTwoDimensionalReferenceWithReflectedBorders() {
    byte[] px = noise(W, H, 5);
    double[] k = GaussianBlurOp.kernel(9, 2.0);
    byte[] expected = reference(px, W, H, k);
    new GaussianBlurOp().blur(px, W, H, k);

    int off = 0;
    for (int i = 0; i < px.length; i++) {
      int d = Math.abs((px[i] & 0xFF) - (expected[i] & 0xFF));
      assertThat(d).as("value %d", i).isLessThanOrEqualTo(1);
      off += d;
    }
    assertThat(off).as("float rounding differs from double only at ties").isLessThan(px.length / 50);
  }

  @Test
  void blur_constantImage_staysConstant() {
    byte[] px = new byte[W * H * 3];
    java.util.Arrays.fill(px, (byte) 77);
    new GaussianBlurOp().blur(px, W, H, GaussianBlurOp.kernel(31, 5));

    for (byte b : px) {
      assertThat(b & 0xFF).isEqualTo(77);
    }
  }

  @Test
  void apply_sigmaRange_drawsOneSigmaAndBlursWithIt() {
    GaussianBlur spec = new GaussianBlur(5, 0.5, 3.0);
    for (long seed = 0; seed < 5; seed++) {
      byte[] px = noise(W, H, seed);
      byte[] expected = px.clone();
      SplittableRandom replay = new SplittableRandom(seed);
      double sigma = 0.5 + 2.5 * replay.nextDouble();
      new GaussianBlurOp().blur(expected, W, H, GaussianBlurOp.kernel(5, sigma));
      SplittableRandom random = new SplittableRandom(seed);

      new GaussianBlurOp().apply(px, W, H, spec, random);

      assertThat(px).as("seed %d", seed).isEqualTo(expected);
      assertThat(random.nextLong()).isEqualTo(replay.nextLong());
    }
  }

  @Test
  void apply_oneSigma_drawsNothing() {
    byte[] px = noise(W, H, 1);
    SplittableRandom random = new SplittableRandom(3);

    new GaussianBlurOp().apply(px, W, H, new GaussianBlur(3, 1.0, 1.0), random);

    assertThat(random.nextLong()).isEqualTo(new SplittableRandom(3).nextLong());
  }
}
