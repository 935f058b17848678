package dev.stoker.image;

/**
 * The operation set of RandAugment and TrivialAugmentWide and their magnitude tables, in the order
 * and with the ranges of torchvision's {@code _augmentation_space}. A range is split into {@code
 * bins} evenly spaced magnitudes, {@code start + (end - start) * bin / (bins - 1)}, computed in
 * double (torchvision's {@code linspace} is float32, so the last digits may differ).
 *
 * <pre>
 * op            RandAugment range          TrivialAugmentWide range   signed
 * Identity      -                          -                          no
 * ShearX/Y      0 .. 0.3                   0 .. 0.99                  yes  (tangent of the shear angle)
 * TranslateX    0 .. 150/331 * width       0 .. 32                    yes  (pixels, truncated to int)
 * TranslateY    0 .. 150/331 * height      0 .. 32                    yes
 * Rotate        0 .. 30                    0 .. 135                   yes  (degrees, counter-clockwise)
 * Brightness    0 .. 0.9                   0 .. 0.99                  yes  (factor 1 + magnitude)
 * Color         0 .. 0.9                   0 .. 0.99                  yes
 * Contrast      0 .. 0.9                   0 .. 0.99                  yes
 * Sharpness     0 .. 0.9                   0 .. 0.99                  yes
 * Posterize     8 - rint(bin / ((bins-1)/4))   8 - rint(bin / ((bins-1)/6))   no  (bits kept)
 * Solarize      255 .. 0                   255 .. 0                   no  (threshold)
 * AutoContrast  -                          -                          no
 * Equalize      -                          -                          no
 * </pre>
 */
final class AutoAugmentSpace {
  /** RandAugment's translation range as a fraction of the image side (the paper's 150 of 331). */
  static final double TRANSLATE_FRACTION = 150.0 / 331.0;
  /** TrivialAugmentWide's translation range in pixels. */
  static final double WIDE_TRANSLATE = 32.0;

  /** The operations, in torchvision's order (the drawn index picks from this order). */
  enum Op {
    IDENTITY(false, false),
    SHEAR_X(true, true),
    SHEAR_Y(true, true),
    TRANSLATE_X(true, true),
    TRANSLATE_Y(true, true),
    ROTATE(true, true),
    BRIGHTNESS(true, true),
    COLOR(true, true),
    CONTRAST(true, true),
    SHARPNESS(true, true),
    POSTERIZE(true, false),
    SOLARIZE(true, false),
    AUTO_CONTRAST(false, false),
    EQUALIZE(false, false);

    private final boolean hasMagnitudes;
    private final boolean signed;

    Op(boolean hasMagnitudes, boolean signed) {
      this.hasMagnitudes = hasMagnitudes;
      this.signed = signed;
    }

    /** Whether the operation has a magnitude table (TrivialAugmentWide draws a bin only then). */
    boolean hasMagnitudes() {
      return hasMagnitudes;
    }

    /** Whether the magnitude is negated with probability 1/2. */
    boolean signed() {
      return signed;
    }

    /** Whether the operation moves pixels (and so boxes). */
    boolean geometric() {
      return this == SHEAR_X || this == SHEAR_Y || this == TRANSLATE_X || this == TRANSLATE_Y || this == ROTATE;
    }
  }

  /** Every operation, shared so that drawing does not copy {@code Op.values()}. */
  static final Op[] OPS = Op.values();

  private AutoAugmentSpace() {}

  /**
   * The unsigned magnitude of {@code op} at {@code bin} of {@code bins} for a {@code width x
   * height} image; 0 for an operation without magnitudes.
   *
   * @param wide TrivialAugmentWide's ranges instead of RandAugment's
   */
  static double magnitude(Op op, boolean wide, int bin, int bins, int width, int height) {
    return switch (op) {
      case IDENTITY, AUTO_CONTRAST, EQUALIZE -> 0.0;
      case SHEAR_X, SHEAR_Y -> linspace(wide ? 0.99 : 0.3, bin, bins);
      case TRANSLATE_X -> linspace(wide ? WIDE_TRANSLATE : TRANSLATE_FRACTION * width, bin, bins);
      case TRANSLATE_Y -> linspace(wide ? WIDE_TRANSLATE : TRANSLATE_FRACTION * height, bin, bins);
      case ROTATE -> linspace(wide ? 135.0 : 30.0, bin, bins);
      case BRIGHTNESS, COLOR, CONTRAST, SHARPNESS -> linspace(wide ? 0.99 : 0.9, bin, bins);
      case POSTERIZE -> 8 - Math.rint(bin / ((bins - 1) / (wide ? 6.0 : 4.0)));
      case SOLARIZE -> 255.0 - linspace(255.0, bin, bins);
    };
  }

  /**
   * Bin {@code bin} of {@code bins} from 0 to {@code end}: {@code end * bin / (bins - 1)},
   * multiplied first so that whole ends give exact values (135 degrees at bin 20 of 31 is exactly
   * 90, a quarter turn), and exactly {@code end} at the last bin.
   */
  private static double linspace(double end, int bin, int bins) {
    return bin == bins - 1 ? end : end * bin / (bins - 1);
  }
}
