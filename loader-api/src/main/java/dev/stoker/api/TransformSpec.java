package dev.stoker.api;

/**
 * One augmentation step, declared as data. A pipeline receives a list of specs and compiles it
 * into a plan: geometric steps (crops, resizes, flips) are fused and folded into the decode, so
 * the order a user writes does not decide the cost.
 *
 * <p>Photometric steps ({@link ColorJitter}, {@link Grayscale}) change each pixel on its own, so
 * they commute with crops, resizes and flips: the plan runs them after the geometry, on the
 * (smallest) output image, in the order they were written among themselves. The one step that
 * looks beyond a pixel, contrast, uses the mean gray of the output image. Their random choices are
 * drawn after every geometric one, so adding a photometric step leaves the crops and flips as they
 * were.
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

    /** The usual ImageNet training crop: scale [0.08, 1], ratio [3/4, 4/3], square output. */
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
   * Resizes so that the shorter side becomes {@code size}, keeping the aspect ratio.
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
   * Keeps the central {@code width x height} pixels of the current image.
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
}
