package dev.stoker.cuda;

import dev.stoker.api.internal.Checks;
import java.util.Arrays;

/**
 * What the consumer does to each uint8 HWC batch after it reaches the GPU (or, without one, on the
 * host): convert to {@code output} CHW, {@code (value / 255 - mean[c]) / std[c]}, and, with
 * {@code randomFlip}, mirror each sample left-right with probability 1/2 (its boxes too). The flip
 * of sample {@code i} in epoch {@code e} is keyed by {@code (seed, e, i)}, so it is the same on
 * the GPU and on the host and whatever the thread count.
 *
 * <pre>{@code
 * DeviceTransform t = DeviceTransform.imagenet(PixelType.FLOAT16).withRandomFlip(42);
 * }</pre>
 *
 * @param mean per-channel mean, in [0, 1] units
 * @param std per-channel standard deviation, positive, in [0, 1] units
 * @param output the element type of the normalized pixels
 * @param randomFlip whether to flip each sample left-right with probability 1/2
 * @param seed the key of the flips
 */
public record DeviceTransform(float[] mean, float[] std, PixelType output, boolean randomFlip, long seed) {
  /** Validates and copies the arrays. */
  public DeviceTransform {
    Checks.notNull(mean, "mean");
    Checks.notNull(std, "std");
    Checks.notNull(output, "output");
    Checks.argument(mean.length > 0 && mean.length == std.length, "std",
        "needs one value per channel, like mean (" + mean.length + "), got " + std.length);
    for (float s : std) {
      Checks.argument(s > 0 && Float.isFinite(s), "std", "must be positive and finite, got " + Arrays.toString(std));
    }
    mean = mean.clone();
    std = std.clone();
  }

  /**
   * ImageNet's RGB mean and standard deviation, no flip.
   *
   * @param output the element type of the normalized batch, not null
   * @return a new transform
   */
  public static DeviceTransform imagenet(PixelType output) {
    return new DeviceTransform(new float[] {0.485f, 0.456f, 0.406f}, new float[] {0.229f, 0.224f, 0.225f}, output,
        false, 0);
  }

  /**
   * This transform with a random left-right flip keyed by {@code seed}.
   *
   * @param seed the key of the flips
   * @return a new transform; this one is unchanged
   */
  public DeviceTransform withRandomFlip(long seed) {
    return new DeviceTransform(mean, std, output, true, seed);
  }

  /**
   * The number of channels the transform expects.
   *
   * @return {@code mean().length}
   */
  public int channels() {
    return mean.length;
  }

  /**
   * {@code 1 / (255 * std[c])}: a channel's multiplier from raw uint8.
   *
   * @return a new array, one multiplier per channel
   */
  public float[] scale() {
    float[] scale = new float[std.length];
    for (int c = 0; c < scale.length; c++) {
      scale[c] = 1f / (255f * std[c]);
    }
    return scale;
  }

  /**
   * {@code -mean[c] / std[c]}: a channel's offset after {@link #scale()}.
   *
   * @return a new array, one offset per channel
   */
  public float[] bias() {
    float[] bias = new float[mean.length];
    for (int c = 0; c < bias.length; c++) {
      bias[c] = -mean[c] / std[c];
    }
    return bias;
  }

  /**
   * Whether sample {@code sampleIndex} of {@code epoch} is flipped: keyed by the seed, the same
   * everywhere.
   *
   * @param epoch the epoch
   * @param sampleIndex the sample's dataset index
   * @return {@code true} if the sample is flipped; always {@code false} without a random flip
   */
  public boolean flips(int epoch, int sampleIndex) {
    if (!randomFlip) {
      return false;
    }
    long z = seed * 0x9E3779B97F4A7C15L + epoch * 0xC2B2AE3D27D4EB4FL + sampleIndex * 0x165667B19E3779F9L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return ((z ^ (z >>> 31)) & 1) == 1;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DeviceTransform t && Arrays.equals(mean, t.mean) && Arrays.equals(std, t.std)
        && output == t.output && randomFlip == t.randomFlip && seed == t.seed;
  }

  @Override
  public int hashCode() {
    return 31 * (31 * Arrays.hashCode(mean) + Arrays.hashCode(std)) + output.hashCode() + Boolean.hashCode(randomFlip)
        + Long.hashCode(seed);
  }

  @Override
  public String toString() {
    return "DeviceTransform[mean=" + Arrays.toString(mean) + ", std=" + Arrays.toString(std) + ", " + output
        + (randomFlip ? ", random flip (seed " + seed + ")" : "") + "]";
  }
}
