package dev.stoker.image;

import dev.stoker.api.TransformSpec.PhotometricDistort;
import java.util.SplittableRandom;

/**
 * {@link PhotometricDistort} on a packed RGB uint8 image, in place: torchvision's (v2) {@code
 * RandomPhotometricDistort}. Draws, in this order: for each of brightness, contrast, saturation
 * and hue a coin ({@code < p} enables it) and, when enabled, its factor (uniform in its range,
 * not drawn when the range is one value; hue in {@code [-maxHue, maxHue]}); then the coin that puts
 * contrast before ({@code < 0.5}) or after the other three; then the permutation coin ({@code < p})
 * and, when it lands, a uniform permutation of the three channels (Fisher-Yates from the last
 * position down). With {@code p == 0} nothing is drawn and nothing changes.
 *
 * <p>Runs: brightness, contrast if before, saturation, hue, contrast if after, then the permutation
 * (output channel {@code c} is input channel {@code perm[c]}). The adjustments are {@link
 * PhotometricOps}' (the ones {@code ColorJitter} uses), so they round and clamp as it does, and
 * contrast blends with the mean gray of the image as it is at that point.
 *
 * <p>Not thread-safe: one per worker thread (it keeps {@link PhotometricOps}' table).
 *
 * <pre>{@code
 * new PhotometricDistortOp(new PhotometricOps()).apply(pixels, len, new PhotometricDistort(), random);
 * }</pre>
 */
final class PhotometricDistortOp {
  private final PhotometricOps ops;
  private final int[] perm = new int[3];
  private final byte[] rgb = new byte[3];

  PhotometricDistortOp(PhotometricOps ops) {
    this.ops = ops;
  }

  /**
   * Draws and applies, on the first {@code len} bytes of {@code px}.
   *
   * @return whether any pixel may have changed
   */
  boolean apply(byte[] px, int len, PhotometricDistort d, SplittableRandom random) {
    if (d.p() == 0) {
      return false;
    }
    double brightness = random.nextDouble() < d.p() ? uniform(random, d.minBrightness(), d.maxBrightness()) : 1;
    double contrast = random.nextDouble() < d.p() ? uniform(random, d.minContrast(), d.maxContrast()) : 1;
    double saturation = random.nextDouble() < d.p() ? uniform(random, d.minSaturation(), d.maxSaturation()) : 1;
    double hue = random.nextDouble() < d.p() ? uniform(random, -d.maxHue(), d.maxHue()) : 0;
    boolean contrastBefore = random.nextDouble() < 0.5;
    boolean permute = random.nextDouble() < d.p();
    if (permute) {
      perm[0] = 0;
      perm[1] = 1;
      perm[2] = 2;
      for (int i = 2; i > 0; i--) {
        int k = random.nextInt(i + 1);
        int t = perm[i];
        perm[i] = perm[k];
        perm[k] = t;
      }
    }
    ops.brightness(px, len, brightness);
    if (contrastBefore) {
      ops.contrast(px, len, contrast);
    }
    PhotometricOps.saturation(px, len, saturation);
    PhotometricOps.hue(px, len, hue);
    if (!contrastBefore) {
      ops.contrast(px, len, contrast);
    }
    if (permute && !(perm[0] == 0 && perm[1] == 1)) {
      permute(px, len, perm, rgb);
    }
    return true;
  }

  /** Output channel {@code c} of every pixel becomes input channel {@code perm[c]}. */
  static void permute(byte[] px, int len, int[] perm, byte[] rgb) {
    for (int i = 0; i < len; i += 3) {
      rgb[0] = px[i];
      rgb[1] = px[i + 1];
      rgb[2] = px[i + 2];
      px[i] = rgb[perm[0]];
      px[i + 1] = rgb[perm[1]];
      px[i + 2] = rgb[perm[2]];
    }
  }

  /** The permutation the last {@link #apply} drew (for tests); meaningful only if it drew one. */
  int[] lastPermutation() {
    return perm.clone();
  }

  private static double uniform(SplittableRandom random, double min, double max) {
    return min == max ? min : min + (max - min) * random.nextDouble();
  }
}
