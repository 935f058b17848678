package dev.stoker.image;

import static dev.stoker.image.AutoAugmentFixtures.box;
import static dev.stoker.image.AutoAugmentFixtures.boxes;
import static dev.stoker.image.AutoAugmentFixtures.bytes;
import static dev.stoker.image.AutoAugmentFixtures.gradient;
import static dev.stoker.image.AutoAugmentFixtures.segment;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoker.api.TransformSpec;
import dev.stoker.image.AutoAugmentSpace.Op;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** RandAugment and TrivialAugmentWide end to end: draws, determinism, distribution, boxes, scratch. */
class AutoAugmentTest {
  private static final int W = 16;
  private static final int H = 12;
  private static final int OPS = AutoAugmentSpace.OPS.length;
  /**
   * Chi-square bound for 14 categories (13 degrees of freedom): the 99.999th percentile is about
   * 47, so a uniform draw passes all but once in 100,000 runs.
   */
  private static final double CHI_SQUARE_BOUND = 50;

  private static byte[] apply(AutoAugment augment, byte[] rgb, BoxSet boxes, long seed) {
    MemorySegment image = segment(rgb);
    augment.apply(image, W, H, boxes, new SplittableRandom(seed));
    return bytes(image);
  }

  private static double chiSquare(int[] counts, double expected) {
    double chi = 0;
    for (int count : counts) {
      chi += (count - expected) * (count - expected) / expected;
    }
    return chi;
  }

  @Test
  void constructor_otherSpec_throwsNamingSpec() {
    assertThatThrownBy(() -> new AutoAugment(new TransformSpec.Grayscale(1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("spec");
    assertThatThrownBy(() -> new AutoAugment(null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("spec");
  }

  @Test
  void apply_segmentTooSmall_throwsNamingImage() {
    AutoAugment augment = new AutoAugment(new TransformSpec.TrivialAugmentWide());
    MemorySegment image = segment(new byte[W * H * 3 - 1]);

    assertThatThrownBy(() -> augment.apply(image, W, H, null, new SplittableRandom(1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("image");
    assertThatThrownBy(() -> augment.apply(image, 0, H, null, new SplittableRandom(1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("width");
  }

  @Test
  void apply_sameSeed_givesTheSameBytesAndDifferentSeedsDiffer() {
    byte[] rgb = gradient(W, H);
    AutoAugment rand = new AutoAugment(new TransformSpec.RandAugment(2, 9));
    AutoAugment trivial = new AutoAugment(new TransformSpec.TrivialAugmentWide());
    int differing = 0;

    for (long seed = 0; seed < 20; seed++) {
      byte[] first = apply(rand, rgb, null, seed);
      byte[] again = apply(new AutoAugment(new TransformSpec.RandAugment(2, 9)), rgb, null, seed);
      byte[] other = apply(rand, rgb, null, seed + 1000);
      assertThat(again).as("seed %d", seed).isEqualTo(first);
      assertThat(apply(trivial, rgb, null, seed)).isEqualTo(apply(trivial, rgb, null, seed));
      if (!Arrays.equals(first, other)) {
        differing++;
      }
    }
    // two of 14 operations at magnitude 9 rarely both leave the image as it is
    assertThat(differing).isGreaterThan(15);
  }

  @Test
  void draw_randAugment_followsTheDocumentedSequence() {
    AutoAugment augment = new AutoAugment(new TransformSpec.RandAugment(3, 9));
    Op[] ops = new Op[AutoAugment.MAX_OPS];
    double[] magnitudes = new double[AutoAugment.MAX_OPS];

    for (long seed = 0; seed < 200; seed++) {
      SplittableRandom expected = new SplittableRandom(seed);
      int n = augment.draw(new SplittableRandom(seed), W, H, ops, magnitudes);

      assertThat(n).isEqualTo(3);
      for (int i = 0; i < n; i++) {
        Op op = AutoAugmentSpace.OPS[expected.nextInt(OPS)];
        double magnitude = AutoAugmentSpace.magnitude(op, false, 9, 31, W, H);
        if (op.signed() && expected.nextBoolean()) {
          magnitude = -magnitude;
        }
        assertThat(ops[i]).isEqualTo(op);
        assertThat(magnitudes[i]).isEqualTo(magnitude);
      }
    }
  }

  @Test
  void draw_trivialAugmentWide_followsTheDocumentedSequence() {
    AutoAugment augment = new AutoAugment(new TransformSpec.TrivialAugmentWide(31, 0));
    Op[] ops = new Op[AutoAugment.MAX_OPS];
    double[] magnitudes = new double[AutoAugment.MAX_OPS];

    for (long seed = 0; seed < 200; seed++) {
      SplittableRandom expected = new SplittableRandom(seed);
      int n = augment.draw(new SplittableRandom(seed), W, H, ops, magnitudes);

      Op op = AutoAugmentSpace.OPS[expected.nextInt(OPS)];
      double magnitude = op.hasMagnitudes()
          ? AutoAugmentSpace.magnitude(op, true, expected.nextInt(31), 31, W, H) : 0;
      if (op.signed() && expected.nextBoolean()) {
        magnitude = -magnitude;
      }
      assertThat(n).isEqualTo(1);
      assertThat(ops[0]).isEqualTo(op);
      assertThat(magnitudes[0]).isEqualTo(magnitude);
    }
  }

  @Test
  void draw_manySeeds_choosesOperationsRoughlyUniformly() {
    AutoAugment rand = new AutoAugment(new TransformSpec.RandAugment(2, 5));
    AutoAugment trivial = new AutoAugment(new TransformSpec.TrivialAugmentWide());
    Op[] ops = new Op[AutoAugment.MAX_OPS];
    double[] magnitudes = new double[AutoAugment.MAX_OPS];
    int[] randCounts = new int[OPS];
    int[] trivialCounts = new int[OPS];
    int[] negated = new int[2];
    int samples = 7000;

    for (long seed = 0; seed < samples; seed++) {
      int n = rand.draw(new SplittableRandom(seed), W, H, ops, magnitudes);
      for (int i = 0; i < n; i++) {
        randCounts[ops[i].ordinal()]++;
      }
      trivial.draw(new SplittableRandom(seed ^ 0x5DEECE66DL), W, H, ops, magnitudes);
      trivialCounts[ops[0].ordinal()]++;
      if (ops[0].signed() && magnitudes[0] != 0) {
        negated[magnitudes[0] < 0 ? 1 : 0]++;
      }
    }

    assertThat(chiSquare(randCounts, 2.0 * samples / OPS)).isLessThan(CHI_SQUARE_BOUND);
    assertThat(chiSquare(trivialCounts, (double) samples / OPS)).isLessThan(CHI_SQUARE_BOUND);
    int signedDraws = negated[0] + negated[1];
    assertThat(Math.abs(negated[1] - signedDraws / 2.0)).isLessThan(4 * Math.sqrt(signedDraws / 4.0));
    // negative control: the bound rejects one operation drawn a fifth more often than the rest
    int[] biased = randCounts.clone();
    biased[3] += samples * 2 / OPS / 5;
    assertThat(chiSquare(biased, (samples * 2.0 + samples * 2 / OPS / 5) / OPS)).isGreaterThan(CHI_SQUARE_BOUND);
  }

  @Test
  void draw_trivialAugmentWide_spreadsBinsOverTheWholeRange() {
    AutoAugment trivial = new AutoAugment(new TransformSpec.TrivialAugmentWide(5, 0));
    Op[] ops = new Op[AutoAugment.MAX_OPS];
    double[] magnitudes = new double[AutoAugment.MAX_OPS];
    int[] rotateBins = new int[5];

    for (long seed = 0; seed < 7000; seed++) {
      trivial.draw(new SplittableRandom(seed), W, H, ops, magnitudes);
      if (ops[0] == Op.ROTATE) {
        rotateBins[(int) Math.round(Math.abs(magnitudes[0]) / (135.0 / 4))]++;
      }
    }

    // about 500 rotations, about 100 per bin, 0 and 4 (135 degrees) included
    for (int count : rotateBins) {
      assertThat(count).isBetween(50, 160);
    }
  }

  @Test
  void apply_geometricDraws_moveBoxesLikeThePixels() {
    // TranslateX then TranslateX: a pixel marker and a box around it must end up together
    AutoAugment rand = new AutoAugment(new TransformSpec.RandAugment(2, 4, 31, 0));
    Op[] ops = new Op[AutoAugment.MAX_OPS];
    double[] magnitudes = new double[AutoAugment.MAX_OPS];
    int checked = 0;

    for (long seed = 0; seed < 500 && checked < 5; seed++) {
      rand.draw(new SplittableRandom(seed), W, H, ops, magnitudes);
      if (ops[0] != Op.TRANSLATE_X && ops[0] != Op.TRANSLATE_Y || ops[1] != Op.TRANSLATE_X
          && ops[1] != Op.TRANSLATE_Y) {
        continue;
      }
      byte[] rgb = new byte[W * H * 3];
      int mx = 7;
      int my = 5;
      rgb[(my * W + mx) * 3] = (byte) 255;
      BoxSet set = boxes(mx, my, mx + 1, my + 1);

      byte[] out = apply(rand, rgb, set, seed);

      int at = -1;
      for (int i = 0; i < out.length; i += 3) {
        if (out[i] != 0) {
          at = i / 3;
        }
      }
      assertThat(at).as("seed %d", seed).isNotNegative();
      assertThat(box(set, 0)).containsExactly(at % W, at / W, at % W + 1, at / W + 1);
      checked++;
    }
    assertThat(checked).isEqualTo(5);
  }

  @Test
  void trim_overTheBound_dropsTheScratchAndWithinItKeepsIt() {
    AutoAugment augment = new AutoAugment(new TransformSpec.RandAugment(16, 30));
    augment.apply(segment(gradient(W, H)), W, H, null, new SplittableRandom(1));
    long held = augment.scratchBytes();

    augment.trim(held);
    long kept = augment.scratchBytes();
    augment.trim(held - 1);

    assertThat(held).isGreaterThanOrEqualTo(2L * W * H * 3);
    assertThat(kept).isEqualTo(held);
    assertThat(augment.scratchBytes()).isZero();
    byte[] again = apply(augment, gradient(W, H), null, 1);
    assertThat(again).isEqualTo(apply(new AutoAugment(new TransformSpec.RandAugment(16, 30)), gradient(W, H), null, 1));
  }

  @Test
  void apply_steadyState_allocatesNoBuffers() {
    AutoAugment augment = new AutoAugment(new TransformSpec.TrivialAugmentWide());
    int side = 64;
    byte[] rgb = gradient(16, 16);
    MemorySegment image = segment(new byte[side * side * 3]);
    MemorySegment.copy(segment(rgb), 0, image, 0, rgb.length);
    SplittableRandom random = new SplittableRandom(3);
    BoxSet set = boxes(1, 1, 30, 30);
    for (int i = 0; i < 2000; i++) {
      augment.apply(image, side, side, set, random);
    }
    long scratch = augment.scratchBytes();
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long before = threads.getCurrentThreadAllocatedBytes();

    int runs = 2000;
    for (int i = 0; i < runs; i++) {
      augment.apply(image, side, side, set, random);
    }

    long perRun = (threads.getCurrentThreadAllocatedBytes() - before) / runs;
    assertThat(augment.scratchBytes()).isEqualTo(scratch);
    // one image is 12,288 bytes; a few small affine maps may remain
    assertThat(perRun).isLessThan(1024);
  }
}
