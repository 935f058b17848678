package dev.stoker.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.stoker.image.AutoAugmentSpace.Op;
import org.junit.jupiter.api.Test;

/** The operation set and magnitude tables: torchvision's order, ranges at bin 0 and the last bin. */
class AutoAugmentSpaceTest {
  private static final int BINS = 31;
  private static final int W = 331;
  private static final int H = 662;

  private static double rand(Op op, int bin) {
    return AutoAugmentSpace.magnitude(op, false, bin, BINS, W, H);
  }

  private static double wide(Op op, int bin) {
    return AutoAugmentSpace.magnitude(op, true, bin, BINS, W, H);
  }

  @Test
  void ops_inTorchvisionOrder_withTheirSignedFlags() {
    assertThat(AutoAugmentSpace.OPS).containsExactly(Op.IDENTITY, Op.SHEAR_X, Op.SHEAR_Y, Op.TRANSLATE_X,
        Op.TRANSLATE_Y, Op.ROTATE, Op.BRIGHTNESS, Op.COLOR, Op.CONTRAST, Op.SHARPNESS, Op.POSTERIZE, Op.SOLARIZE,
        Op.AUTO_CONTRAST, Op.EQUALIZE);
    for (Op op : AutoAugmentSpace.OPS) {
      boolean signed = op.ordinal() >= Op.SHEAR_X.ordinal() && op.ordinal() <= Op.SHARPNESS.ordinal();
      assertThat(op.signed()).as("%s", op).isEqualTo(signed);
      assertThat(op.hasMagnitudes()).as("%s", op)
          .isEqualTo(op != Op.IDENTITY && op != Op.AUTO_CONTRAST && op != Op.EQUALIZE);
      assertThat(op.geometric()).as("%s", op).isEqualTo(op.ordinal() >= 1 && op.ordinal() <= 5);
    }
  }

  @Test
  void magnitude_binZero_isTheNeutralEnd() {
    for (boolean isWide : new boolean[] {false, true}) {
      for (Op op : AutoAugmentSpace.OPS) {
        double m = AutoAugmentSpace.magnitude(op, isWide, 0, BINS, W, H);
        double expected = op == Op.POSTERIZE ? 8 : op == Op.SOLARIZE ? 255 : 0;
        assertThat(m).as("%s wide=%s", op, isWide).isEqualTo(expected);
      }
    }
  }

  @Test
  void magnitude_lastBinRandAugment_isThePaperRange() {
    int last = BINS - 1;

    assertThat(rand(Op.SHEAR_X, last)).isEqualTo(0.3);
    assertThat(rand(Op.SHEAR_Y, last)).isEqualTo(0.3);
    assertThat(rand(Op.TRANSLATE_X, last)).isCloseTo(150.0, within(1e-9));
    assertThat(rand(Op.TRANSLATE_Y, last)).isCloseTo(300.0, within(1e-9));
    assertThat(rand(Op.ROTATE, last)).isEqualTo(30.0);
    for (Op op : new Op[] {Op.BRIGHTNESS, Op.COLOR, Op.CONTRAST, Op.SHARPNESS}) {
      assertThat(rand(op, last)).as("%s", op).isEqualTo(0.9);
    }
    assertThat(rand(Op.POSTERIZE, last)).isEqualTo(4);
    assertThat(rand(Op.SOLARIZE, last)).isEqualTo(0);
    assertThat(rand(Op.IDENTITY, last)).isEqualTo(0);
  }

  @Test
  void magnitude_lastBinTrivialAugmentWide_isTheWideRange() {
    int last = BINS - 1;

    assertThat(wide(Op.SHEAR_X, last)).isEqualTo(0.99);
    assertThat(wide(Op.SHEAR_Y, last)).isEqualTo(0.99);
    assertThat(wide(Op.TRANSLATE_X, last)).isEqualTo(32.0);
    assertThat(wide(Op.TRANSLATE_Y, last)).isEqualTo(32.0);
    assertThat(wide(Op.ROTATE, last)).isEqualTo(135.0);
    for (Op op : new Op[] {Op.BRIGHTNESS, Op.COLOR, Op.CONTRAST, Op.SHARPNESS}) {
      assertThat(wide(op, last)).as("%s", op).isEqualTo(0.99);
    }
    assertThat(wide(Op.POSTERIZE, last)).isEqualTo(2);
    assertThat(wide(Op.SOLARIZE, last)).isEqualTo(0);
  }

  @Test
  void magnitude_middleBin_isLinear() {
    // bin 9 of 31 (torchvision's common m=9): 9/30 of each range
    assertThat(rand(Op.ROTATE, 9)).isEqualTo(9.0);
    assertThat(wide(Op.ROTATE, 20)).as("a quarter turn, exactly").isEqualTo(90.0);
    assertThat(wide(Op.ROTATE, 10)).isEqualTo(45.0);
    // 135 * (13 / 45) would be 38.99999999999999
    assertThat(AutoAugmentSpace.magnitude(Op.ROTATE, true, 13, 46, W, H)).isEqualTo(39.0);
    assertThat(rand(Op.TRANSLATE_X, 15)).isCloseTo(75.0, within(1e-9));
    assertThat(wide(Op.TRANSLATE_X, 15)).isEqualTo(16.0);
    assertThat(rand(Op.SOLARIZE, 15)).isEqualTo(127.5);
    assertThat(rand(Op.POSTERIZE, 9)).isEqualTo(7);
    assertThat(wide(Op.POSTERIZE, 9)).isEqualTo(6);
  }

  @Test
  void magnitude_posterizeOnAHalf_roundsToEvenLikeTorch() {
    // 9 bins: RandAugment's divisor is 8/4 = 2, so bin 1 is 0.5 (to 0) and bin 3 is 1.5 (to 2)
    assertThat(AutoAugmentSpace.magnitude(Op.POSTERIZE, false, 1, 9, W, H)).isEqualTo(8);
    assertThat(AutoAugmentSpace.magnitude(Op.POSTERIZE, false, 3, 9, W, H)).isEqualTo(6);
    assertThat(AutoAugmentSpace.magnitude(Op.POSTERIZE, false, 5, 9, W, H)).isEqualTo(6);
  }
}
