package dev.stoker.api;

/**
 * One augmentation step, declared as data. A pipeline receives a list of specs and compiles it
 * into a plan: geometric steps (crops, resizes, flips) are fused and folded into the decode, so
 * the order a user writes does not decide the cost.
 *
 * <p>All randomness is drawn from a generator keyed by (seed, epoch, sample index); a spec holds
 * only parameters.
 *
 * <pre>{@code
 * List<TransformSpec> train = List.of(
 *     new TransformSpec.RandomResizedCrop(224, 224, 0.08, 1.0, 3.0 / 4, 4.0 / 3),
 *     new TransformSpec.HorizontalFlip(0.5));
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
}
