package dev.stoker.image;

import dev.stoker.api.TransformSpec;
import dev.stoker.api.internal.Checks;
import dev.stoker.image.AutoAugmentSpace.Op;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;

/**
 * Runs {@link TransformSpec.RandAugment} or {@link TransformSpec.TrivialAugmentWide} on a packed
 * RGB uint8 output image in place, moving its boxes with the geometric operations. The operation
 * set, its order and the magnitude tables are torchvision's ({@link AutoAugmentSpace}); the pixel
 * operations are in {@link AutoAugmentOps}.
 *
 * <p>Draws, from the sample's generator, in this order:
 *
 * <ul>
 *   <li>RandAugment, for each of its {@code numOps} operations: the operation, {@code
 *       random.nextInt(14)} (an index into torchvision's order); then, for a signed operation only,
 *       the sign, {@code random.nextBoolean()} ({@code true} negates). The magnitude is the fixed
 *       bin's. All operations are drawn first, then run in the order drawn.
 *   <li>TrivialAugmentWide: the operation, {@code random.nextInt(14)}; then, for an operation with
 *       a magnitude table only (not Identity, AutoContrast, Equalize), the bin, {@code
 *       random.nextInt(numMagnitudeBins)}; then, for a signed operation only, the sign as above.
 * </ul>
 *
 * <p>These are torchvision's draws, one for one, from a different generator, so the choices match
 * its distribution, not its sequence.
 *
 * <p>Where the result differs from torchvision's {@code RandAugment} / {@code TrivialAugmentWide}
 * with their default {@code InterpolationMode.NEAREST}:
 *
 * <ul>
 *   <li>Magnitudes are computed in double (torchvision's {@code linspace} is float32).
 *   <li>Geometric operations take, for each output pixel centre, the source pixel containing its
 *       preimage (PIL's rule: a preimage on a pixel border goes to the right/lower pixel;
 *       torchvision's tensor path rounds half to even there). Quarter-turn rotations of an image
 *       whose {@code width + height} is odd move by whole pixels ({@link Affine#rotation}), where
 *       torchvision samples half a pixel off.
 *   <li>Brightness, Color, Contrast and Sharpness round their blend to the nearest level; PIL and
 *       torchvision truncate, so theirs can be one level lower. Contrast blends with the rounded
 *       mean luma like PIL (torchvision's tensor path keeps the fractional mean).
 *   <li>Equalize is PIL's ({@code step} divides by 256; torchvision's tensor path by 255).
 *       AutoContrast stretches in exact integers, so the maximum always becomes 255.
 *   <li>Boxes (an addition) move with the geometric operations: each becomes the bounding box of
 *       its mapped corners, clipped to the image ({@link BoxSet#map}).
 * </ul>
 *
 * <p>Not thread-safe: one per worker thread. Its scratch arrays grow to the largest image and are
 * reused, so steady state allocates no buffers.
 *
 * <pre>{@code
 * AutoAugment augment = new AutoAugment(new TransformSpec.RandAugment(2, 9));
 * augment.apply(out, width, height, boxes, random);
 * }</pre>
 */
final class AutoAugment {
  /** The most operations one sample runs (RandAugment's {@code numOps} is at most 16). */
  static final int MAX_OPS = 16;

  private final TransformSpec spec;
  private final boolean wide;
  private final int numOps;
  private final int magnitudeBin;
  private final int bins;
  private final int fill;
  private final Op[] drawnOps = new Op[MAX_OPS];
  private final double[] drawnMagnitudes = new double[MAX_OPS];
  private final AutoAugmentOps ops = new AutoAugmentOps();

  /**
   * Prepares {@code spec}, a {@code RandAugment} or a {@code TrivialAugmentWide}.
   *
   * @throws IllegalArgumentException naming {@code spec} if it is neither
   */
  AutoAugment(TransformSpec spec) {
    switch (spec) {
      case TransformSpec.RandAugment r -> {
        wide = false;
        numOps = r.numOps();
        magnitudeBin = r.magnitude();
        bins = r.numMagnitudeBins();
        fill = r.fill();
      }
      case TransformSpec.TrivialAugmentWide t -> {
        wide = true;
        numOps = 1;
        magnitudeBin = -1;
        bins = t.numMagnitudeBins();
        fill = t.fill();
      }
      case null, default -> throw new IllegalArgumentException(
          "spec must be RandAugment or TrivialAugmentWide, got " + spec);
    }
    Checks.argument(numOps <= MAX_OPS, "spec", "numOps must be at most " + MAX_OPS + ", got " + numOps);
    this.spec = spec;
  }

  /** The spec this runs. */
  TransformSpec spec() {
    return spec;
  }

  /** Bytes of scratch held now: two copies of the largest image seen and a row of sums. */
  long scratchBytes() {
    return ops.scratchBytes();
  }

  /**
   * Gives back the scratch if it holds more than {@code maxBytes} (after an outsized image, when
   * the plan's output size follows the input's); within the bound nothing happens.
   */
  void trim(long maxBytes) {
    ops.trim(maxBytes);
  }

  /**
   * Draws this sample's operations and magnitudes from {@code random} and applies them to {@code
   * image} ({@code height x width x 3} uint8, packed) in place. {@code boxes} (output pixels) move
   * with the geometric operations and are clipped to the image; null or empty for none.
   *
   * @throws IllegalArgumentException naming {@code width}, {@code height} or {@code image} if the
   *     size is not positive or the segment is too small
   */
  void apply(MemorySegment image, int width, int height, BoxSet boxes, SplittableRandom random) {
    int len = checkedLength(image, width, height);
    int n = draw(random, width, height, drawnOps, drawnMagnitudes);
    boolean loaded = false;
    for (int i = 0; i < n; i++) {
      if (drawnOps[i] == Op.IDENTITY) {
        continue;
      }
      if (!loaded) {
        ops.load(image, len);
        loaded = true;
      }
      ops.apply(drawnOps[i], drawnMagnitudes[i], width, height, fill, boxes);
    }
    if (loaded) {
      ops.store(image, len);
    }
  }

  /**
   * Draws one sample's operations from {@code random} (see the class comment for the order) into
   * {@code opsOut} and their signed magnitudes into {@code magnitudesOut}.
   *
   * @return how many operations were drawn
   */
  int draw(SplittableRandom random, int width, int height, Op[] opsOut, double[] magnitudesOut) {
    for (int i = 0; i < numOps; i++) {
      Op op = AutoAugmentSpace.OPS[random.nextInt(AutoAugmentSpace.OPS.length)];
      double magnitude = 0;
      if (op.hasMagnitudes()) {
        int bin = wide ? random.nextInt(bins) : magnitudeBin;
        magnitude = AutoAugmentSpace.magnitude(op, wide, bin, bins, width, height);
      }
      if (op.signed() && random.nextBoolean()) {
        magnitude = -magnitude;
      }
      opsOut[i] = op;
      magnitudesOut[i] = magnitude;
    }
    return numOps;
  }

  /**
   * Runs one operation with its signed {@code magnitude} on {@code image} in place, with this
   * spec's fill; for tests and for callers that pick operations themselves.
   */
  void applyOp(Op op, double magnitude, MemorySegment image, int width, int height, BoxSet boxes) {
    int len = checkedLength(image, width, height);
    ops.load(image, len);
    ops.apply(op, magnitude, width, height, fill, boxes);
    ops.store(image, len);
  }

  private static int checkedLength(MemorySegment image, int width, int height) {
    Checks.notNull(image, "image");
    Checks.positive(width, "width");
    Checks.positive(height, "height");
    long len = 3L * width * height;
    Checks.argument(len <= Integer.MAX_VALUE - 8, "width",
        width + " x " + height + " RGB does not fit an array");
    Checks.argument(image.byteSize() >= len, "image",
        "holds " + image.byteSize() + " bytes, " + width + " x " + height + " RGB needs " + len);
    return (int) len;
  }
}
