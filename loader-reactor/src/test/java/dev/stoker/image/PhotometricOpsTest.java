package dev.stoker.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.stoker.api.TransformSpec;
import dev.stoker.api.TransformSpec.ColorJitter;
import dev.stoker.api.TransformSpec.Grayscale;
import dev.stoker.api.TransformSpec.Resize;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Color jitter and grayscale on packed RGB outputs: exact identities, the formulas, determinism. */
class PhotometricOpsTest {
  private static final int PIXELS = 50 * 40;
  private static final int LEN = PIXELS * 3;

  private final PhotometricOps ops = new PhotometricOps();

  private static byte[] randomRgb(long seed) {
    byte[] rgb = new byte[LEN];
    new SplittableRandom(seed).nextBytes(rgb);
    return rgb;
  }

  private static int u(byte b) {
    return b & 0xFF;
  }

  private static double referenceLuma(byte[] px, int i) {
    return 0.299 * u(px[i]) + 0.587 * u(px[i + 1]) + 0.114 * u(px[i + 2]);
  }

  private static byte[] apply(List<TransformSpec> specs, byte[] rgb, SplittableRandom random) {
    MemorySegment image = Arena.ofAuto().allocate(rgb.length);
    MemorySegment.copy(rgb, 0, image, ValueLayout.JAVA_BYTE, 0, rgb.length);
    new OutputSteps(specs).apply(image, rgb.length / 3, 1, null, random, "test");
    return image.toArray(ValueLayout.JAVA_BYTE);
  }

  @Test
  void adjustments_neutralFactors_leaveTheBytesIdentical() {
    byte[] rgb = randomRgb(1);
    byte[] px = rgb.clone();

    ops.brightness(px, LEN, 1);
    ops.contrast(px, LEN, 1);
    PhotometricOps.saturation(px, LEN, 1);
    PhotometricOps.hue(px, LEN, 0);

    assertThat(px).isEqualTo(rgb);
  }

  @Test
  void brightness_half_halvesEveryChannel() {
    byte[] rgb = randomRgb(2);
    byte[] px = rgb.clone();

    ops.brightness(px, LEN, 0.5);

    for (int i = 0; i < LEN; i++) {
      assertThat((double) u(px[i])).as("byte %d", i).isCloseTo(u(rgb[i]) / 2.0, within(1.0));
    }
  }

  @Test
  void brightness_large_clampsAt255() {
    byte[] px = {(byte) 200, 10, 0};

    ops.brightness(px, 3, 2);

    assertThat(px).containsExactly((byte) 255, (byte) 20, (byte) 0);
  }

  @Test
  void contrast_zero_givesTheMeanGrayEverywhere() {
    byte[] rgb = randomRgb(3);
    double mean = 0;
    for (int i = 0; i < LEN; i += 3) {
      mean += referenceLuma(rgb, i);
    }
    mean /= PIXELS;
    byte[] px = rgb.clone();

    ops.contrast(px, LEN, 0);

    for (int i = 0; i < LEN; i++) {
      assertThat((double) u(px[i])).isCloseTo(mean, within(1.0));
    }
  }

  @Test
  void contrast_two_doublesTheDistanceFromTheMean() {
    // mean luma of (100,100,100) and (140,140,140) is 120: 2x contrast gives 80 and 160
    byte[] px = {100, 100, 100, (byte) 140, (byte) 140, (byte) 140};

    ops.contrast(px, 6, 2);

    assertThat(px).containsExactly(80, 80, 80, (byte) 160, (byte) 160, (byte) 160);
  }

  @Test
  void grayscale_randomImage_givesEqualChannelsHoldingTheLuma() {
    byte[] rgb = randomRgb(4);
    byte[] px = rgb.clone();

    PhotometricOps.grayscale(px, LEN);

    for (int i = 0; i < LEN; i += 3) {
      assertThat(px[i + 1]).isEqualTo(px[i]);
      assertThat(px[i + 2]).isEqualTo(px[i]);
      assertThat((double) u(px[i])).as("pixel %d", i / 3)
          .isCloseTo(referenceLuma(rgb, i), within(1.0));
    }
  }

  @Test
  void grayscale_whiteAndBlack_stayWhiteAndBlack() {
    byte[] px = {(byte) 255, (byte) 255, (byte) 255, 0, 0, 0};

    PhotometricOps.grayscale(px, 6);

    assertThat(px).containsExactly((byte) 255, (byte) 255, (byte) 255, 0, 0, 0);
  }

  @Test
  void saturation_zero_equalsGrayscale() {
    byte[] rgb = randomRgb(5);
    byte[] desaturated = rgb.clone();
    byte[] gray = rgb.clone();

    PhotometricOps.saturation(desaturated, LEN, 0);
    PhotometricOps.grayscale(gray, LEN);

    for (int i = 0; i < LEN; i++) {
      assertThat(u(desaturated[i])).isBetween(u(gray[i]) - 1, u(gray[i]) + 1);
    }
  }

  @Test
  void hue_pureRed_turnsGreenByAThirdBlueByMinusAThirdAndBackByTwoHalves() {
    byte[] green = {(byte) 255, 0, 0};
    byte[] blue = {(byte) 255, 0, 0};
    byte[] back = {(byte) 255, 0, 0};

    PhotometricOps.hue(green, 3, 1.0 / 3);
    PhotometricOps.hue(blue, 3, -1.0 / 3);
    PhotometricOps.hue(back, 3, 0.5);
    PhotometricOps.hue(back, 3, 0.5);

    assertThat(green).containsExactly(0, (byte) 255, 0);
    assertThat(blue).containsExactly(0, 0, (byte) 255);
    assertThat(back).containsExactly((byte) 255, 0, 0);
  }

  @Test
  void hue_halfTurnTwice_returnsEveryPixelWithinOneLevel() {
    byte[] rgb = randomRgb(6);
    byte[] px = rgb.clone();

    PhotometricOps.hue(px, LEN, 0.5);
    PhotometricOps.hue(px, LEN, 0.5);

    for (int i = 0; i < LEN; i++) {
      assertThat(u(px[i])).as("byte %d", i).isBetween(u(rgb[i]) - 1, u(rgb[i]) + 1);
    }
  }

  @Test
  void hue_anyShift_keepsEachPixelsLargestAndSmallestChannel() {
    byte[] rgb = randomRgb(7);
    byte[] px = rgb.clone();

    PhotometricOps.hue(px, LEN, 0.137);

    for (int i = 0; i < LEN; i += 3) {
      assertThat(Math.max(u(px[i]), Math.max(u(px[i + 1]), u(px[i + 2]))))
          .isEqualTo(Math.max(u(rgb[i]), Math.max(u(rgb[i + 1]), u(rgb[i + 2]))));
      assertThat(Math.min(u(px[i]), Math.min(u(px[i + 1]), u(px[i + 2]))))
          .isEqualTo(Math.min(u(rgb[i]), Math.min(u(rgb[i + 1]), u(rgb[i + 2]))));
    }
  }

  @Test
  void apply_disabledSteps_leaveBytesIdenticalAndDrawNothing() {
    byte[] rgb = randomRgb(8);
    SplittableRandom random = new SplittableRandom(9);

    byte[] out = apply(List.of(new Grayscale(0), new ColorJitter(0, 0, 0, 0)), rgb, random);

    assertThat(out).isEqualTo(rgb);
    assertThat(random.nextLong()).isEqualTo(new SplittableRandom(9).nextLong());
  }

  @Test
  void apply_grayscaleOne_givesEqualChannels() {
    byte[] out = apply(List.of(new Grayscale(1)), randomRgb(10), new SplittableRandom(0));

    for (int i = 0; i < LEN; i += 3) {
      assertThat(out[i + 1]).isEqualTo(out[i]);
      assertThat(out[i + 2]).isEqualTo(out[i]);
    }
  }

  @Test
  void apply_grayscaleHalf_graysAboutHalfTheSamples() {
    byte[] rgb = randomRgb(11);
    int grayed = 0;
    for (int seed = 0; seed < 400; seed++) {
      byte[] out = apply(List.of(new Grayscale(0.5)), rgb, new SplittableRandom(seed));
      grayed += out[0] == out[1] && out[1] == out[2] && out[3] == out[4] ? 1 : 0;
    }

    assertThat(grayed).isBetween(160, 240);
  }

  @Test
  void apply_colorJitter_sameSeedSameBytesAndDifferentSeedsDiffer() {
    List<TransformSpec> specs = List.of(new ColorJitter(0.4, 0.4, 0.4, 0.1), new Grayscale(0.2));
    byte[] rgb = randomRgb(12);

    byte[] first = apply(specs, rgb, new SplittableRandom(42));

    assertThat(apply(specs, rgb, new SplittableRandom(42))).isEqualTo(first);
    assertThat(apply(specs, rgb, new SplittableRandom(43))).isNotEqualTo(first);
    assertThat(first).isNotEqualTo(rgb);
  }

  @Test
  void apply_reusedForSmallerImages_matchesAFreshInstance() {
    OutputSteps reused = new OutputSteps(List.of(new ColorJitter(0.5, 0.5, 0.5, 0.2)));
    MemorySegment large = Arena.ofAuto().allocate(LEN);
    large.fill((byte) 0x33);
    reused.apply(large, PIXELS, 1, null, new SplittableRandom(1), "test");
    byte[] small = randomRgb(13);
    MemorySegment image = Arena.ofAuto().allocate(LEN / 2);
    MemorySegment.copy(small, 0, image, ValueLayout.JAVA_BYTE, 0, LEN / 2);

    reused.apply(image, PIXELS / 2, 1, null, new SplittableRandom(2), "test");

    byte[] expected = apply(List.of(new ColorJitter(0.5, 0.5, 0.5, 0.2)),
        Arrays.copyOf(small, LEN / 2), new SplittableRandom(2));
    assertThat(image.toArray(ValueLayout.JAVA_BYTE)).isEqualTo(expected);
  }

  @Test
  void apply_writesOnlyTheGivenPixels() {
    MemorySegment image = Arena.ofAuto().allocate(LEN + 64);
    MemorySegment.copy(randomRgb(14), 0, image, ValueLayout.JAVA_BYTE, 0, LEN);
    image.asSlice(LEN).fill((byte) 0x5A);

    new OutputSteps(List.of(new Grayscale(1), new ColorJitter(0.9, 0.9, 0.9, 0.5)))
        .apply(image, PIXELS, 1, null, new SplittableRandom(3), "test");

    assertThat(image.asSlice(LEN).toArray(ValueLayout.JAVA_BYTE)).containsOnly((byte) 0x5A);
  }

  @Test
  void constructor_geometricSpec_isRejectedNamingSpecs() {
    assertThatThrownBy(() -> new OutputSteps(List.of(new Resize(4, 4))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("specs");
  }
}
