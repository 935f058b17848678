package dev.stoker.image;

import dev.stoker.api.internal.Checks;

/**
 * Per-pixel CPU costs, in nanoseconds, of the kinds of work an augmentation plan does: what
 * {@link AugmentationPlan} multiplies pixel counts by to estimate a step's cost. They are
 * estimates: {@link #MEASURED} was measured once on one machine (2 vCPU, JDK 25, libjpeg-turbo,
 * the native resampler) by {@code benchmarks/.../AugmentationCostHarness} ({@code
 * scripts/augmentation-costs.sh}), as CPU time of one thread over real photographs; another
 * machine scales them all by about the same factor, so the ratio of two plans moves less than
 * either cost.
 *
 * <p>The decode model is libjpeg's: Huffman (entropy) decoding touches every pixel of the
 * full-width rows down to the bottom of the decoded region ({@code entropy}), the inverse DCT
 * and colour conversion only the pixels it outputs, after the DCT scale ({@code idct}). A full
 * decode costs {@code (entropy + idct)} per pixel.
 *
 * <pre>{@code
 * double fullDecodeNanos = AugmentationCosts.MEASURED.decodeNanos(4000, 3000, 4000 * 3000);
 * }</pre>
 *
 * @param entropy Huffman decoding, per source pixel of the rows the decoder reads
 * @param idct inverse DCT and colour conversion, per decoded (output) pixel
 * @param resampleIn the separable resampler, per pixel of the image it reads
 * @param resampleOut the separable resampler, per pixel it writes
 * @param warp the bilinear affine warp (a rotation), per pixel it writes
 * @param copy a plain copy of an RGB pixel (a crop's rows, an output step's heap copy)
 * @param colorJitter {@code ColorJitter} with all four adjustments, per pixel
 * @param grayscale {@code Grayscale}, per pixel
 * @param blur {@code GaussianBlur}, per pixel (its default kernel)
 * @param other any other output step (erasing, PhotometricDistort, RandAugment, a user's step),
 *     per pixel: not measured, taken as {@code colorJitter}
 * @param normalize {@code Normalize} to float32, per pixel
 */
public record AugmentationCosts(double entropy, double idct, double resampleIn, double resampleOut, double warp,
    double copy, double colorJitter, double grayscale, double blur, double other, double normalize) {

  /**
   * Measured on the development machine (2 shared vCPUs, JDK 25), 2026-12-05, with
   * {@code scripts/augmentation-costs.sh /work/photos-large/train 12}; see docs/performance.md.
   */
  public static final AugmentationCosts MEASURED =
      new AugmentationCosts(1.28, 1.09, 0.50, 1.11, 14.78, 0.18, 10.98, 0.91, 46.61, 10.98, 10.37);

  /**
   * Checks that every cost is finite and not negative.
   *
   * @throws IllegalArgumentException naming the cost that is not
   */
  public AugmentationCosts {
    check(entropy, "entropy");
    check(idct, "idct");
    check(resampleIn, "resampleIn");
    check(resampleOut, "resampleOut");
    check(warp, "warp");
    check(copy, "copy");
    check(colorJitter, "colorJitter");
    check(grayscale, "grayscale");
    check(blur, "blur");
    check(other, "other");
    check(normalize, "normalize");
  }

  private static void check(double v, String name) {
    Checks.argument(Double.isFinite(v) && v >= 0, name, "must be a finite cost of 0 or more ns, got " + v);
  }

  /**
   * The estimated nanoseconds of decoding {@code decodedPixels} pixels out of a JPEG whose
   * entropy-decoded rows hold {@code entropyPixels} source pixels.
   *
   * @param imageWidth the source's columns
   * @param rowsRead rows the decoder reads (down to the region's bottom)
   * @param decodedPixels pixels it outputs (the region, after the DCT scale)
   * @return the estimate, in ns
   */
  public double decodeNanos(int imageWidth, int rowsRead, double decodedPixels) {
    return entropy * imageWidth * (double) rowsRead + idct * decodedPixels;
  }
}
