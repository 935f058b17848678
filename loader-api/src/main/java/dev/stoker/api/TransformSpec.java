package dev.stoker.api;

import dev.stoker.api.internal.Checks;

import java.util.List;

/**
 * One augmentation step, declared as data. A pipeline receives a list of specs and compiles it
 * into a plan: geometric steps (crops, resizes, pads, flips, rotations) are fused into one map
 * from output pixels to source pixels and folded into the decode, so the order a user writes does
 * not decide the cost. Pixels that show nothing of the image (borders, rotated corners) are the
 * step's {@code fill} gray. Boxes of an object-detection sample move with the pixels.
 *
 * <p>Photometric steps ({@link ColorJitter}, {@link Grayscale}) change each pixel on its own, so
 * they commute with the geometry: the plan runs them after it, on the (smallest) output image,
 * fill pixels included, in the order they were written among themselves. The one step that looks
 * beyond a pixel, contrast, uses the mean gray of the output image. Their random choices are drawn
 * after every geometric one, so adding a photometric step leaves the crops and flips as they were.
 * {@link Normalize}, last, turns the output into float32.
 *
 * <p>All randomness is drawn from a generator keyed by (seed, epoch, sample index); a spec holds
 * only parameters.
 *
 * <pre>{@code
 * List<TransformSpec> train = List.of(
 *     new TransformSpec.RandomResizedCrop(224, 224, 0.08, 1.0, 3.0 / 4, 4.0 / 3),
 *     new TransformSpec.HorizontalFlip(0.5),
 *     new TransformSpec.ColorJitter(0.4, 0.4, 0.4, 0.1));
 * }</pre>
 */
public sealed interface TransformSpec {

  /**
   * Crops a random region whose area is a random fraction of the image and whose aspect ratio is
   * random (log-uniform), then resizes it to {@code width x height}. After 10 attempts that do not
   * fit, falls back to a center crop with the aspect ratio clamped to the allowed range.
   *
   * @param width output columns
   * @param height output rows
   * @param minScale smallest area fraction, in (0, 1]
   * @param maxScale largest area fraction, in [minScale, 1]
   * @param minRatio smallest width/height ratio, positive
   * @param maxRatio largest width/height ratio, at least minRatio
   */
  record RandomResizedCrop(int width, int height, double minScale, double maxScale, double minRatio, double maxRatio)
      implements TransformSpec {
    /** Validates the parameters. */
    public RandomResizedCrop {
      Checks.positive(width, "width");
      Checks.positive(height, "height");
      Checks.inRange(minScale, Double.MIN_NORMAL, 1.0, "minScale");
      Checks.inRange(maxScale, minScale, 1.0, "maxScale");
      Checks.inRange(minRatio, Double.MIN_NORMAL, Double.MAX_VALUE, "minRatio");
      Checks.inRange(maxRatio, minRatio, Double.MAX_VALUE, "maxRatio");
    }

    /**
     * The usual ImageNet training crop: scale [0.08, 1], ratio [3/4, 4/3], square output.
     *
     * @param size output width and height, in pixels, positive
     */
    public RandomResizedCrop(int size) {
      this(size, size, 0.08, 1.0, 3.0 / 4.0, 4.0 / 3.0);
    }
  }

  /**
   * Resizes the whole current image to {@code width x height}, ignoring its aspect ratio.
   *
   * @param width output columns
   * @param height output rows
   */
  record Resize(int width, int height) implements TransformSpec {
    /** Validates the parameters. */
    public Resize {
      Checks.positive(width, "width");
      Checks.positive(height, "height");
    }
  }

  /**
   * Resizes so that the shorter side becomes {@code size}, keeping the aspect ratio: the longer side
   * becomes {@code size * longer / shorter} rounded down, as torchvision's {@code Resize(size)}.
   *
   * @param size the length of the shorter side after resizing
   */
  record ResizeShorter(int size) implements TransformSpec {
    /** Validates the parameters. */
    public ResizeShorter {
      Checks.positive(size, "size");
    }
  }

  /**
   * Keeps the central {@code width x height} pixels of the current image; the crop starts at
   * {@code (current - crop) / 2} rounded to a whole pixel, halves to even, as torchvision's
   * {@code CenterCrop}.
   *
   * @param width output columns, at most the current width
   * @param height output rows, at most the current height
   */
  record CenterCrop(int width, int height) implements TransformSpec {
    /** Validates the parameters. */
    public CenterCrop {
      Checks.positive(width, "width");
      Checks.positive(height, "height");
    }
  }

  /**
   * Mirrors the image left to right with probability {@code p}.
   *
   * @param p probability in [0, 1]; with 0 the bytes are untouched
   */
  record HorizontalFlip(double p) implements TransformSpec {
    /** Validates the parameters. */
    public HorizontalFlip {
      Checks.inRange(p, 0.0, 1.0, "p");
    }
  }

  /**
   * Mirrors the image top to bottom with probability {@code p}.
   *
   * @param p probability in [0, 1]; with 0 the bytes are untouched and no random number is drawn
   */
  record VerticalFlip(double p) implements TransformSpec {
    /** Validates the parameters. */
    public VerticalFlip {
      Checks.inRange(p, 0.0, 1.0, "p");
    }
  }

  /**
   * Randomly changes brightness, contrast, saturation and hue, with the semantics of torchvision's
   * {@code ColorJitter}: each factor is drawn uniformly from {@code [max(0, 1 - x), 1 + x]} (the
   * hue shift from {@code [-hue, hue]}, in turns of the color wheel), and the four adjustments run
   * in a random order. A parameter of 0 disables its adjustment; with all four 0 the bytes are
   * untouched and no random number is drawn.
   *
   * <ul>
   *   <li>brightness: every channel is multiplied by the factor;
   *   <li>contrast: every channel is blended with the mean gray (ITU-R 601-2 luma) of the image;
   *   <li>saturation: every channel is blended with the pixel's own gray;
   *   <li>hue: the HSV hue is rotated, value and saturation are kept.
   * </ul>
   *
   * <p>Results are rounded to the nearest level and clamped to [0, 255].
   *
   * @param brightness how much to jitter brightness, at least 0
   * @param contrast how much to jitter contrast, at least 0
   * @param saturation how much to jitter saturation, at least 0
   * @param hue how much to jitter hue, in [0, 0.5]
   */
  record ColorJitter(double brightness, double contrast, double saturation, double hue) implements TransformSpec {
    /** Validates the parameters. */
    public ColorJitter {
      Checks.inRange(brightness, 0.0, Double.MAX_VALUE, "brightness");
      Checks.inRange(contrast, 0.0, Double.MAX_VALUE, "contrast");
      Checks.inRange(saturation, 0.0, Double.MAX_VALUE, "saturation");
      Checks.inRange(hue, 0.0, 0.5, "hue");
    }
  }

  /**
   * Converts the image to gray with probability {@code p} (torchvision's {@code RandomGrayscale}):
   * the ITU-R 601-2 luma {@code 0.299 R + 0.587 G + 0.114 B}, rounded, written into all three
   * channels.
   *
   * @param p probability in [0, 1]; with 0 the bytes are untouched and no random number is drawn
   */
  record Grayscale(double p) implements TransformSpec {
    /** Validates the parameters. */
    public Grayscale {
      Checks.inRange(p, 0.0, 1.0, "p");
    }
  }

  /**
   * Crops a {@code width x height} window at a uniformly random whole-pixel position of the current
   * image. Where the image is smaller than the window along an axis, the window is centred on that
   * axis (an odd pixel of border goes to the right or bottom), no position is drawn for it, and the
   * uncovered pixels are {@code fill}.
   *
   * @param width output columns
   * @param height output rows
   * @param fill gray level, 0 to 255, of pixels outside the image
   */
  record RandomCrop(int width, int height, int fill) implements TransformSpec {
    /** Validates the parameters. */
    public RandomCrop {
      Checks.positive(width, "width");
      Checks.positive(height, "height");
      Checks.inRange(fill, 0, 255, "fill");
    }

    /**
     * A random crop that fills with black.
     *
     * @param width output columns, positive
     * @param height output rows, positive
     */
    public RandomCrop(int width, int height) {
      this(width, height, 0);
    }
  }

  /**
   * Adds borders of {@code fill} around the current image: the canvas grows by
   * {@code left + right} columns and {@code top + bottom} rows.
   *
   * @param left columns added on the left, at least 0
   * @param top rows added on top, at least 0
   * @param right columns added on the right, at least 0
   * @param bottom rows added at the bottom, at least 0
   * @param fill gray level, 0 to 255, of the border
   */
  record Pad(int left, int top, int right, int bottom, int fill) implements TransformSpec {
    /** Validates the parameters. */
    public Pad {
      Checks.notNegative(left, "left");
      Checks.notNegative(top, "top");
      Checks.notNegative(right, "right");
      Checks.notNegative(bottom, "bottom");
      Checks.inRange(fill, 0, 255, "fill");
    }
  }

  /**
   * With probability {@code p}, rotates the current image counter-clockwise (as seen on screen)
   * about its centre by an angle drawn uniformly from {@code [minDegrees, maxDegrees]}, keeping the
   * canvas size; corners that come from outside the image are {@code fill}. Other angles are
   * interpolated bilinearly. Multiples of 90 degrees move pixels exactly, with no interpolation: a
   * half turn mirrors both axes, and a quarter turn of a non-square canvas keeps the canvas, so the
   * image is cropped or bordered as any other angle would be (when width + height is odd its
   * offset is rounded down to whole pixels). The coin is drawn first, then the angle, which is not
   * drawn when {@code minDegrees == maxDegrees}.
   *
   * @param minDegrees smallest angle, degrees
   * @param maxDegrees largest angle, degrees, at least minDegrees
   * @param p probability in [0, 1]; with 0 the bytes are untouched and no random number is drawn
   * @param fill gray level, 0 to 255, of pixels from outside the image
   */
  record Rotate(double minDegrees, double maxDegrees, double p, int fill) implements TransformSpec {
    /** Validates the parameters. */
    public Rotate {
      Checks.inRange(minDegrees, -3600, 3600, "minDegrees");
      Checks.inRange(maxDegrees, minDegrees, 3600, "maxDegrees");
      Checks.inRange(p, 0.0, 1.0, "p");
      Checks.inRange(fill, 0, 255, "fill");
    }

    /**
     * Always rotates by exactly {@code degrees}, filling with black.
     *
     * @param degrees the rotation angle in degrees, in {@code [-3600, 3600]}
     */
    public Rotate(double degrees) {
      this(degrees, degrees, 1.0, 0);
    }
  }

  /**
   * The SSD random crop for object detection: draws a minimum IoU uniformly from {@code minIoUs} (a
   * value above 1 means "keep the whole image"), then tries up to {@code trials} random crops, each
   * with an area fraction drawn uniformly from {@code [minScale, maxScale]}, an aspect ratio drawn
   * log-uniformly from {@code [minRatio, maxRatio]} (sides rounded to whole pixels; a crop that
   * does not fit in the image is a failed trial) and a uniformly random whole-pixel position, until
   * one contains at least one box centre (strictly inside) and, among the boxes whose centres it
   * contains, one has at least that IoU with it. Boxes whose centres fall outside the crop are
   * dropped; the others are clipped to it. A sample without boxes accepts the first crop that
   * fits. If no trial succeeds the whole image is kept. The output size is the crop's, so a fixed
   * size step must follow.
   *
   * @param minScale smallest area fraction, in (0, 1]
   * @param maxScale largest area fraction, in [minScale, 1]
   * @param minRatio smallest width/height ratio, positive
   * @param maxRatio largest width/height ratio, at least minRatio
   * @param minIoUs the IoU thresholds to choose from, uniformly; non-empty
   * @param trials crop attempts per draw, positive
   */
  record RandomIoUCrop(double minScale, double maxScale, double minRatio, double maxRatio, List<Double> minIoUs,
      int trials) implements TransformSpec {
    /** Validates the parameters and copies {@code minIoUs}. */
    public RandomIoUCrop {
      Checks.inRange(minScale, Double.MIN_NORMAL, 1.0, "minScale");
      Checks.inRange(maxScale, minScale, 1.0, "maxScale");
      Checks.inRange(minRatio, Double.MIN_NORMAL, Double.MAX_VALUE, "minRatio");
      Checks.inRange(maxRatio, minRatio, Double.MAX_VALUE, "maxRatio");
      Checks.notNull(minIoUs, "minIoUs");
      Checks.argument(!minIoUs.isEmpty(), "minIoUs", "must not be empty");
      minIoUs = List.copyOf(minIoUs);
      Checks.positive(trials, "trials");
    }

    /** The SSD paper's crop: scale [0.3, 1], ratio [1/2, 2], IoU in {0, 0.1, 0.3, 0.5, 0.7, 0.9, keep}, 50 trials. */
    public RandomIoUCrop() {
      this(0.3, 1.0, 0.5, 2.0, List.of(0.0, 0.1, 0.3, 0.5, 0.7, 0.9, 2.0), 50);
    }
  }

  /**
   * RandAugment: for each sample, {@code numOps} operations drawn uniformly (with repetition) from
   * the operation set, each at the fixed magnitude {@code magnitude} of {@code numMagnitudeBins}
   * bins, each signed operation negated with probability 1/2. Runs on the output image after the
   * geometry, in the order written among the output steps. The operation set, the magnitude ranges
   * and where they differ from the reference recipe are documented on the implementation and in
   * the README. Geometric operations (shear, translate, rotate) move boxes and fill with {@code fill}.
   *
   * <p>Differences from torchvision's {@code RandAugment} (default nearest interpolation): geometric
   * operations take the source pixel containing each pixel centre's preimage (PIL's rule, not the
   * tensor path's round-half-even); Brightness, Color, Contrast and Sharpness round instead of
   * truncating; Contrast uses the rounded mean luma and Equalize divides by 256, both like PIL;
   * magnitudes are computed in double. The draws are torchvision's, from the sample's generator.
   *
   * @param numOps operations per sample, 1 to 16
   * @param magnitude the magnitude bin, {@code 0 <= magnitude < numMagnitudeBins}
   * @param numMagnitudeBins how many magnitude bins the ranges are split into, at least 2
   * @param fill gray level, 0 to 255, of pixels a geometric operation brings in
   */
  record RandAugment(int numOps, int magnitude, int numMagnitudeBins, int fill) implements TransformSpec {
    /** Validates the parameters. */
    public RandAugment {
      Checks.inRange(numOps, 1, 16, "numOps");
      Checks.inRange(numMagnitudeBins, 2, 1024, "numMagnitudeBins");
      Checks.inRange(magnitude, 0, numMagnitudeBins - 1, "magnitude");
      Checks.inRange(fill, 0, 255, "fill");
    }

    /**
     * RandAugment with {@code n} operations at magnitude {@code m} of 31 bins, filling with black.
     *
     * @param n operations per sample, 1 to 16
     * @param m the magnitude bin, 0 to 30
     */
    public RandAugment(int n, int m) {
      this(n, m, 31, 0);
    }
  }

  /**
   * TrivialAugmentWide: for each sample, one operation drawn uniformly from the wide operation set,
   * at a magnitude bin drawn uniformly from {@code [0, numMagnitudeBins)}, each signed operation
   * negated with probability 1/2. Runs on the output image after the geometry, like {@link
   * RandAugment}, whose notes on differences apply. Its ranges are the wide ones: shear 0.99,
   * translate 32 pixels (absolute), rotate 135 degrees, enhancements 0.99, posterize down to 2 bits.
   *
   * @param numMagnitudeBins how many magnitude bins the ranges are split into, at least 2
   * @param fill gray level, 0 to 255, of pixels a geometric operation brings in
   */
  record TrivialAugmentWide(int numMagnitudeBins, int fill) implements TransformSpec {
    /** Validates the parameters. */
    public TrivialAugmentWide {
      Checks.inRange(numMagnitudeBins, 2, 1024, "numMagnitudeBins");
      Checks.inRange(fill, 0, 255, "fill");
    }

    /** TrivialAugmentWide with 31 magnitude bins, filling with black. */
    public TrivialAugmentWide() {
      this(31, 0);
    }
  }

  /**
   * With probability {@code p}, overwrites a random rectangle of the output image (torchvision's
   * {@code RandomErasing}): its area a fraction of the image drawn uniformly from {@code [minScale,
   * maxScale]}, its aspect ratio (height over width, as in torchvision) log-uniform in {@code
   * [minRatio, maxRatio]}, its position uniform;
   * after 10 attempts that do not fit, nothing is erased. The rectangle becomes gray {@code value},
   * or per-pixel uniform noise when {@code value} is -1. Runs on the uint8 output before a final
   * {@code Normalize} (torchvision erases the normalized tensor, so its {@code value=0} is the
   * mean color, which is {@code value} = the mean gray here). Boxes are kept.
   *
   * @param p probability in [0, 1]; with 0 the bytes are untouched and no random number is drawn
   * @param minScale smallest area fraction, in (0, 1]
   * @param maxScale largest area fraction, in [minScale, 1]
   * @param minRatio smallest width/height ratio, positive
   * @param maxRatio largest width/height ratio, at least minRatio
   * @param value gray level 0 to 255, or -1 for random noise
   */
  record RandomErasing(double p, double minScale, double maxScale, double minRatio, double maxRatio, int value)
      implements TransformSpec {
    /** Validates the parameters. */
    public RandomErasing {
      Checks.inRange(p, 0.0, 1.0, "p");
      Checks.inRange(minScale, Double.MIN_NORMAL, 1.0, "minScale");
      Checks.inRange(maxScale, minScale, 1.0, "maxScale");
      Checks.inRange(minRatio, Double.MIN_NORMAL, Double.MAX_VALUE, "minRatio");
      Checks.inRange(maxRatio, minRatio, Double.MAX_VALUE, "maxRatio");
      Checks.inRange(value, -1, 255, "value");
    }

    /**
     * torchvision's defaults: scale [0.02, 0.33], ratio [0.3, 3.3], black.
     *
     * @param p probability in [0, 1]
     */
    public RandomErasing(double p) {
      this(p, 0.02, 0.33, 0.3, 3.3, 0);
    }
  }

  /**
   * Blurs the output image with a Gaussian kernel of {@code kernelSize} taps per axis (separable)
   * and a standard deviation drawn uniformly from {@code [minSigma, maxSigma]}, borders reflected,
   * as torchvision's {@code GaussianBlur}. Runs on the output after the geometry; boxes are kept.
   *
   * @param kernelSize taps per axis, odd, 1 to 255
   * @param minSigma smallest standard deviation, in pixels, positive
   * @param maxSigma largest standard deviation, at least minSigma
   */
  record GaussianBlur(int kernelSize, double minSigma, double maxSigma) implements TransformSpec {
    /** Validates the parameters. */
    public GaussianBlur {
      Checks.inRange(kernelSize, 1, 255, "kernelSize");
      Checks.argument(kernelSize % 2 == 1, "kernelSize", "must be odd, got " + kernelSize);
      Checks.inRange(minSigma, Double.MIN_NORMAL, 1000, "minSigma");
      Checks.inRange(maxSigma, minSigma, 1000, "maxSigma");
    }

    /**
     * A blur of {@code kernelSize} taps with sigma in torchvision's default range [0.1, 2].
     *
     * @param kernelSize taps per axis, odd, 1 to 255
     */
    public GaussianBlur(int kernelSize) {
      this(kernelSize, 0.1, 2.0);
    }
  }

  /**
   * The SSD recipe's photometric distortions (torchvision's {@code RandomPhotometricDistort}):
   * each of brightness, contrast, saturation and hue is applied with probability {@code p} with a
   * factor drawn from its range, contrast either before or after the other three (a coin), and
   * with probability {@code p} the channels are permuted. Runs on the output after the geometry;
   * boxes are kept.
   *
   * @param minBrightness smallest brightness factor, at least 0
   * @param maxBrightness largest brightness factor, at least minBrightness
   * @param minContrast smallest contrast factor, at least 0
   * @param maxContrast largest contrast factor, at least minContrast
   * @param minSaturation smallest saturation factor, at least 0
   * @param maxSaturation largest saturation factor, at least minSaturation
   * @param maxHue largest hue shift, in turns of the color wheel, in [0, 0.5]; drawn from [-maxHue, maxHue]
   * @param p probability of each distortion, in [0, 1]
   */
  record PhotometricDistort(double minBrightness, double maxBrightness, double minContrast, double maxContrast,
      double minSaturation, double maxSaturation, double maxHue, double p) implements TransformSpec {
    /** Validates the parameters. */
    public PhotometricDistort {
      Checks.inRange(minBrightness, 0.0, Double.MAX_VALUE, "minBrightness");
      Checks.inRange(maxBrightness, minBrightness, Double.MAX_VALUE, "maxBrightness");
      Checks.inRange(minContrast, 0.0, Double.MAX_VALUE, "minContrast");
      Checks.inRange(maxContrast, minContrast, Double.MAX_VALUE, "maxContrast");
      Checks.inRange(minSaturation, 0.0, Double.MAX_VALUE, "minSaturation");
      Checks.inRange(maxSaturation, minSaturation, Double.MAX_VALUE, "maxSaturation");
      Checks.inRange(maxHue, 0.0, 0.5, "maxHue");
      Checks.inRange(p, 0.0, 1.0, "p");
    }

    /** The SSD defaults: brightness [0.875, 1.125], contrast and saturation [0.5, 1.5], hue 0.05, p 0.5. */
    public PhotometricDistort() {
      this(0.875, 1.125, 0.5, 1.5, 0.5, 1.5, 0.05, 0.5);
    }
  }

  /**
   * The SSD recipe's zoom out (expand), for object detection: with probability {@code p}, places
   * the current image at a uniformly random whole-pixel position on a canvas {@code r} times as
   * wide and as tall, {@code r} drawn uniformly from {@code [minRatio, maxRatio]}, the rest {@code
   * fill}. Geometric: fused into the plan's geometry, boxes move with the image. The output size
   * is the canvas's, so a fixed size step must follow.
   *
   * @param minRatio smallest side ratio, at least 1
   * @param maxRatio largest side ratio, in [minRatio, 16]
   * @param p probability in [0, 1]; with 0 the bytes are untouched and no random number is drawn
   * @param fill gray level, 0 to 255, of the canvas
   */
  record ZoomOut(double minRatio, double maxRatio, double p, int fill) implements TransformSpec {
    /** Validates the parameters. */
    public ZoomOut {
      Checks.inRange(minRatio, 1.0, 16.0, "minRatio");
      Checks.inRange(maxRatio, minRatio, 16.0, "maxRatio");
      Checks.inRange(p, 0.0, 1.0, "p");
      Checks.inRange(fill, 0, 255, "fill");
    }

    /** The SSD defaults: ratio [1, 4], p 0.5, black. */
    public ZoomOut() {
      this(1.0, 4.0, 0.5, 0);
    }
  }

  /**
   * A user-defined step ({@link SampleStep}), run on the output image after the geometry, in the
   * order written among the output steps.
   *
   * @param step the step, not null
   */
  record Custom(SampleStep step) implements TransformSpec {
    /** Validates the parameters. */
    public Custom {
      Checks.notNull(step, "step");
    }
  }

  /**
   * Converts the output to float32, {@code (value / 255 - mean[c]) / std[c]} per channel (computed
   * in double, rounded to float, written in native byte order, pixels interleaved as the uint8
   * output is), for consumers that train on the CPU. Must be the last step; each sample then
   * takes 4 bytes per channel value instead of 1.
   *
   * @param mean per-channel means (R, G, B) in [0, 1] units; three values
   * @param std per-channel standard deviations (R, G, B); three positive values
   */
  record Normalize(List<Double> mean, List<Double> std) implements TransformSpec {
    /** Validates the parameters and copies the lists. */
    public Normalize {
      Checks.notNull(mean, "mean");
      Checks.notNull(std, "std");
      Checks.argument(mean.size() == 3, "mean", "must have 3 values (R, G, B), got " + mean.size());
      Checks.argument(std.size() == 3, "std", "must have 3 values (R, G, B), got " + std.size());
      mean = List.copyOf(mean);
      std = List.copyOf(std);
      for (double s : std) {
        Checks.inRange(s, Double.MIN_NORMAL, Double.MAX_VALUE, "std");
      }
    }

    /**
     * The ImageNet statistics torchvision uses.
     *
     * @return mean {@code (0.485, 0.456, 0.406)} and std {@code (0.229, 0.224, 0.225)}
     */
    public static Normalize imagenet() {
      return new Normalize(List.of(0.485, 0.456, 0.406), List.of(0.229, 0.224, 0.225));
    }
  }
}
