package dev.stoker.image;

import dev.stoker.api.TransformSpec.GaussianBlur;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * {@link GaussianBlur} on a packed RGB uint8 image, in place: torchvision's {@code GaussianBlur}.
 * The standard deviation {@code sigma} is drawn uniformly from {@code [minSigma, maxSigma]} (not
 * drawn when the two are equal); the kernel is torchvision's, {@code exp(-x^2 / (2 sigma^2))} at
 * {@code x = -(k-1)/2 .. (k-1)/2}, divided by its sum, and runs separably: along each row into a
 * float scratch, then along each column, rounded to the nearest level at the end.
 *
 * <p>Borders are reflected without repeating the edge pixel (torch's {@code reflect} padding:
 * column {@code -1} reads column {@code 1}). Where the kernel reaches further than the image is
 * wide (torch refuses such a padding), the reflection repeats with period {@code 2 (n - 1)}; an
 * image one pixel wide reads that pixel.
 *
 * <p>Not thread-safe: one per worker thread; its scratch grows to the largest image and is
 * reused.
 *
 * <pre>{@code
 * new GaussianBlurOp().apply(pixels, width, height, new GaussianBlur(5), random);
 * }</pre>
 */
final class GaussianBlurOp {
  private float[] rows = new float[0];
  private float[] column = new float[0];
  private float[] line = new float[0];
  private int[] taps = new int[0];
  private double[] weights = new double[0];
  private float[] weights32 = new float[0];

  /**
   * torchvision's {@code _get_gaussian_kernel1d}: {@code size} weights summing to 1.
   *
   * @param size taps, odd and positive
   * @param sigma the standard deviation, positive
   */
  static double[] kernel(int size, double sigma) {
    double[] k = new double[size];
    fillKernel(k, sigma);
    return k;
  }

  /** Writes the kernel of {@code k.length} taps into {@code k}. */
  private static void fillKernel(double[] k, double sigma) {
    int size = k.length;
    double half = (size - 1) * 0.5;
    double sum = 0;
    for (int i = 0; i < size; i++) {
      double x = (-half + i) / sigma;
      k[i] = Math.exp(-0.5 * x * x);
      sum += k[i];
    }
    for (int i = 0; i < size; i++) {
      k[i] /= sum;
    }
  }

  /** Index {@code i} of an axis of {@code n} pixels, reflected into {@code [0, n)} without repeating the edge. */
  static int reflect(int i, int n) {
    if (n == 1) {
      return 0;
    }
    int period = 2 * (n - 1);
    int m = Math.floorMod(i, period);
    return m < n ? m : period - m;
  }

  /**
   * Draws the sample's sigma from {@code random} and blurs the {@code width x height} image in
   * {@code px} in place.
   */
  void apply(byte[] px, int width, int height, GaussianBlur spec, SplittableRandom random) {
    double sigma = spec.minSigma() == spec.maxSigma() ? spec.minSigma()
        : spec.minSigma() + (spec.maxSigma() - spec.minSigma()) * random.nextDouble();
    if (spec.kernelSize() == 1) {
      return;
    }
    if (weights.length != spec.kernelSize()) {
      weights = new double[spec.kernelSize()];
    }
    fillKernel(weights, sigma);
    blur(px, width, height, weights);
  }

  /** Blurs with the separable {@code kernel} (odd length). */
  void blur(byte[] px, int width, int height, double[] kernel) {
    int size = kernel.length;
    int half = size / 2;
    if (weights32.length < size) {
      weights32 = new float[size];
    }
    float[] k = weights32;
    for (int i = 0; i < size; i++) {
      k[i] = (float) kernel[i];
    }
    int stride = 3 * width;
    int len = Math.multiplyExact(stride, height);
    if (rows.length < len) {
      rows = new float[len];
    }
    if (column.length < stride) {
      column = new float[stride];
    }
    if (taps.length < Math.max(width, height) + 2 * half) {
      taps = new int[Math.max(width, height) + 2 * half];
    }
    // along the rows: each row is widened once into a float line with its reflected borders, so that
    // tap j of every output value is line[3 j + i], a contiguous run the JIT vectorizes; the sums
    // are taken in the same order as tap by tap per pixel, so the floats are the same
    int lineLength = 3 * (width + 2 * half);
    if (line.length < lineLength) {
      line = new float[lineLength];
    }
    for (int t = 0; t < width + 2 * half; t++) {
      taps[t] = 3 * reflect(t - half, width);
    }
    for (int y = 0; y < height; y++) {
      int row = y * stride;
      for (int t = 0; t < width + 2 * half; t++) {
        int s = row + taps[t];
        line[3 * t] = px[s] & 0xFF;
        line[3 * t + 1] = px[s + 1] & 0xFF;
        line[3 * t + 2] = px[s + 2] & 0xFF;
      }
      Arrays.fill(rows, row, row + stride, 0f);
      for (int j = 0; j < size; j++) {
        float w = k[j];
        int off = 3 * j;
        for (int i = 0; i < stride; i++) {
          rows[row + i] += w * line[off + i];
        }
      }
    }
    // along the columns, one output row at a time
    for (int t = 0; t < height + 2 * half; t++) {
      taps[t] = reflect(t - half, height) * stride;
    }
    for (int y = 0; y < height; y++) {
      Arrays.fill(column, 0, stride, 0f);
      for (int j = 0; j < size; j++) {
        int s = taps[y + j];
        float w = k[j];
        for (int i = 0; i < stride; i++) {
          column[i] += w * rows[s + i];
        }
      }
      int row = y * stride;
      for (int i = 0; i < stride; i++) {
        float v = column[i] + 0.5f;
        px[row + i] = (byte) (v <= 0 ? 0 : v >= 255 ? 255 : (int) v);
      }
    }
  }
}
