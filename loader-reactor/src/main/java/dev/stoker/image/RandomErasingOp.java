package dev.stoker.image;

import dev.stoker.api.TransformSpec.RandomErasing;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * {@link RandomErasing} on a packed RGB uint8 image, in place: torchvision's {@code
 * RandomErasing.get_params}, draw for draw. The coin; then up to 10 attempts, each drawing an area
 * fraction uniformly from {@code [minScale, maxScale]} and a log-uniform ratio {@code r} from
 * {@code [minRatio, maxRatio]}, with sides {@code h = rint(sqrt(area * r))} and {@code w =
 * rint(sqrt(area / r))} (so, as in torchvision, the ratio is height over width, and ties round to
 * even as Python's {@code round}); an attempt whose rectangle is not strictly smaller than the
 * image on both axes is skipped. The first that fits draws its top row, then its left column,
 * uniformly among the positions that keep it inside, and is filled with gray {@code value}, or
 * with noise ({@code value == -1}: each channel value uniform in 0..255, drawn row by row). After
 * 10 failed attempts nothing is erased.
 *
 * <pre>{@code
 * if (RandomErasingOp.coin(spec, random)) {
 *   RandomErasingOp.erase(pixels, width, height, spec, random);
 * }
 * }</pre>
 */
final class RandomErasingOp {
  private static final int ATTEMPTS = 10;

  private RandomErasingOp() {}

  /**
   * Draws the coin: whether this sample is erased. With {@code p == 0} draws nothing.
   *
   * @return whether {@link #erase} is to run
   */
  static boolean coin(RandomErasing spec, SplittableRandom random) {
    return spec.p() > 0 && random.nextDouble() < spec.p();
  }

  /**
   * Draws the rectangle (after the {@link #coin}) and erases it.
   *
   * @return whether a rectangle was erased
   */
  static boolean erase(byte[] px, int width, int height, RandomErasing spec, SplittableRandom random) {
    double area = (double) width * height;
    double logMin = Math.log(spec.minRatio());
    double logMax = Math.log(spec.maxRatio());
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      double erase = area * uniform(random, spec.minScale(), spec.maxScale());
      double ratio = Math.exp(uniform(random, logMin, logMax));
      double h = Math.rint(Math.sqrt(erase * ratio));
      double w = Math.rint(Math.sqrt(erase / ratio));
      if (!(h < height && w < width)) {
        continue;
      }
      int eh = (int) h;
      int ew = (int) w;
      int top = random.nextInt(height - eh + 1);
      int left = random.nextInt(width - ew + 1);
      fill(px, width, left, top, ew, eh, spec.value(), random);
      return true;
    }
    return false;
  }

  private static void fill(byte[] px, int width, int left, int top, int w, int h, int value, SplittableRandom random) {
    for (int y = top; y < top + h; y++) {
      int from = 3 * (y * width + left);
      int to = from + 3 * w;
      if (value >= 0) {
        Arrays.fill(px, from, to, (byte) value);
      } else {
        for (int i = from; i < to; i++) {
          px[i] = (byte) random.nextInt(256);
        }
      }
    }
  }

  private static double uniform(SplittableRandom random, double min, double max) {
    return min == max ? min : min + (max - min) * random.nextDouble();
  }
}
