package dev.stoker.image;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stoker.api.TransformSpec.PhotometricDistort;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** PhotometricDistort: torchvision's draws, factor ranges, and the channel permutation. */
class PhotometricDistortOpTest {
  private static final int PIXELS = 60;

  /** Pixels whose three channels differ (R < G < B), not symmetric. */
  private static byte[] image() {
    byte[] px = new byte[PIXELS * 3];
    for (int i = 0; i < PIXELS; i++) {
      px[3 * i] = (byte) (10 + i);
      px[3 * i + 1] = (byte) (90 + i);
      px[3 * i + 2] = (byte) (170 + i);
    }
    return px;
  }

  private static PhotometricDistortOp op() {
    return new PhotometricDistortOp(new PhotometricOps());
  }

  @Test
  void apply_onlyPermutation_outputIsAChannelPermutationAndAllSixOccur() {
    PhotometricDistort permuteOnly = new PhotometricDistort(1, 1, 1, 1, 1, 1, 0, 1.0);
    Map<String, Integer> seen = new HashMap<>();
    for (long seed = 0; seed < 600; seed++) {
      byte[] before = image();
      byte[] px = before.clone();

      op().apply(px, px.length, permuteOnly, new SplittableRandom(seed));

      int[] perm = new int[3];
      for (int c = 0; c < 3; c++) {
        perm[c] = ((px[c] & 0xFF) - 10) / 80; // first pixel: 10, 90, 170 name their source channel
      }
      for (int i = 0; i < PIXELS; i++) {
        for (int c = 0; c < 3; c++) {
          assertThat(px[3 * i + c]).as("seed %d pixel %d", seed, i).isEqualTo(before[3 * i + perm[c]]);
        }
      }
      seen.merge(perm[0] + "" + perm[1] + perm[2], 1, Integer::sum);
    }
    assertThat(seen).containsOnlyKeys("012", "021", "102", "120", "201", "210");
    assertThat(seen.values()).allSatisfy(n -> assertThat(n).as("%s", seen).isBetween(60, 140));
  }

  @Test
  void apply_brightnessRange_grayPixelsScaledByAFactorWithinIt() {
    PhotometricDistort brightness = new PhotometricDistort(0.8, 1.2, 1, 1, 1, 1, 0, 1.0);
    int below = 0;
    int above = 0;
    for (long seed = 0; seed < 200; seed++) {
      byte[] px = new byte[PIXELS * 3];
      java.util.Arrays.fill(px, (byte) 100); // gray: a permutation cannot show, only the factor

      op().apply(px, px.length, brightness, new SplittableRandom(seed));

      int v = px[0] & 0xFF;
      assertThat(v).isBetween(80, 120);
      for (byte b : px) {
        assertThat(b & 0xFF).isEqualTo(v);
      }
      below += v < 100 ? 1 : 0;
      above += v > 100 ? 1 : 0;
    }
    assertThat(below).isGreaterThan(60);
    assertThat(above).isGreaterThan(60);
  }

  @Test
  void apply_probabilityOne_drawsInTorchvisionsOrder() {
    PhotometricDistort d = new PhotometricDistort();
    PhotometricDistort always = new PhotometricDistort(d.minBrightness(), d.maxBrightness(), d.minContrast(),
        d.maxContrast(), d.minSaturation(), d.maxSaturation(), d.maxHue(), 1.0);
    for (long seed = 0; seed < 10; seed++) {
      SplittableRandom random = new SplittableRandom(seed);
      SplittableRandom replay = new SplittableRandom(seed);
      for (int i = 0; i < 4; i++) {
        replay.nextDouble(); // the coin
        replay.nextDouble(); // the factor
      }
      replay.nextDouble(); // contrast before or after
      replay.nextDouble(); // the permutation coin
      replay.nextInt(3);
      replay.nextInt(2);

      op().apply(image(), PIXELS * 3, always, random);

      assertThat(random.nextLong()).as("seed %d", seed).isEqualTo(replay.nextLong());
    }
  }

  @Test
  void apply_brightnessAndSaturation_areColorJittersAdjustments() {
    // p 1, degenerate ranges: brightness 0.5 then saturation 0 (gray), contrast and hue unchanged
    PhotometricDistort d = new PhotometricDistort(0.5, 0.5, 1, 1, 0, 0, 0, 1.0);
    for (long seed = 0; seed < 10; seed++) {
      byte[] px = image();
      byte[] expected = image();
      PhotometricOps ops = new PhotometricOps();
      ops.brightness(expected, expected.length, 0.5);
      PhotometricOps.saturation(expected, expected.length, 0);

      op().apply(px, px.length, d, new SplittableRandom(seed));

      assertThat(px).as("gray pixels: any channel permutation leaves them").isEqualTo(expected);
    }
  }

  @Test
  void apply_probabilityOne_adjustmentsInTheDrawnOrderWithTheDrawnFactors() {
    PhotometricDistort d = new PhotometricDistort(0.6, 1.4, 0.3, 1.7, 0.2, 1.8, 0.3, 1.0);
    for (long seed = 0; seed < 40; seed++) {
      SplittableRandom replay = new SplittableRandom(seed);
      replay.nextDouble();
      double brightness = 0.6 + 0.8 * replay.nextDouble();
      replay.nextDouble();
      double contrast = 0.3 + 1.4 * replay.nextDouble();
      replay.nextDouble();
      double saturation = 0.2 + 1.6 * replay.nextDouble();
      replay.nextDouble();
      double hue = -0.3 + 0.6 * replay.nextDouble();
      boolean contrastBefore = replay.nextDouble() < 0.5;
      replay.nextDouble();
      int[] perm = {0, 1, 2};
      for (int i = 2; i > 0; i--) {
        int k = replay.nextInt(i + 1);
        int t = perm[i];
        perm[i] = perm[k];
        perm[k] = t;
      }
      byte[] expected = image();
      PhotometricOps ops = new PhotometricOps();
      ops.brightness(expected, expected.length, brightness);
      if (contrastBefore) {
        ops.contrast(expected, expected.length, contrast);
      }
      PhotometricOps.saturation(expected, expected.length, saturation);
      PhotometricOps.hue(expected, expected.length, hue);
      if (!contrastBefore) {
        ops.contrast(expected, expected.length, contrast);
      }
      byte[] permuted = expected.clone();
      for (int i = 0; i < PIXELS; i++) {
        for (int c = 0; c < 3; c++) {
          permuted[3 * i + c] = expected[3 * i + perm[c]];
        }
      }
      byte[] px = image();

      op().apply(px, px.length, d, new SplittableRandom(seed));

      assertThat(px).as("seed %d, contrast %s", seed, contrastBefore ? "first" : "last").isEqualTo(permuted);
    }
  }

  @Test
  void apply_probabilityZero_drawsNothingAndChangesNothing() {
    byte[] px = image();
    SplittableRandom random = new SplittableRandom(2);

    op().apply(px, px.length, new PhotometricDistort(0.5, 1.5, 0.5, 1.5, 0.5, 1.5, 0.5, 0), random);

    assertThat(px).isEqualTo(image());
    assertThat(random.nextLong()).isEqualTo(new SplittableRandom(2).nextLong());
  }
}
