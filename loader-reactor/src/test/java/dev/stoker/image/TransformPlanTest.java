package dev.stoker.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.stoker.api.MemoryLimitException;
import dev.stoker.api.TransformSpec;
import dev.stoker.api.TransformSpec.CenterCrop;
import dev.stoker.api.TransformSpec.ColorJitter;
import dev.stoker.api.TransformSpec.Grayscale;
import dev.stoker.api.TransformSpec.HorizontalFlip;
import dev.stoker.api.TransformSpec.RandomResizedCrop;
import dev.stoker.api.TransformSpec.Resize;
import dev.stoker.api.TransformSpec.ResizeShorter;
import dev.stoker.api.TransformSpec.VerticalFlip;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Compiling transform lists and drawing each sample's fused geometry. */
class TransformPlanTest {
  private static final int DRAWS = 2000;

  private static void assertInside(CropGeometry g, int width, int height) {
    assertThat(g.x()).as("x of %s", g).isGreaterThanOrEqualTo(0);
    assertThat(g.y()).as("y of %s", g).isGreaterThanOrEqualTo(0);
    assertThat(g.width()).as("width of %s", g).isPositive();
    assertThat(g.height()).as("height of %s", g).isPositive();
    assertThat(g.x() + g.width()).as("right edge of %s", g).isLessThanOrEqualTo(width + 1e-9);
    assertThat(g.y() + g.height()).as("bottom edge of %s", g).isLessThanOrEqualTo(height + 1e-9);
  }

  @Test
  void compile_noFixedOutputSize_failsNamingSpecs() {
    List<List<TransformSpec>> bad = List.of(
        List.of(),
        List.of(new HorizontalFlip(0.5)),
        List.of(new VerticalFlip(0.5), new ColorJitter(0.4, 0.4, 0.4, 0.1), new Grayscale(0.1)),
        List.of(new ResizeShorter(256)),
        List.of(new RandomResizedCrop(224), new ResizeShorter(256)));
    for (List<TransformSpec> specs : bad) {
      assertThatThrownBy(() -> TransformPlan.compile(specs))
          .as("%s", specs)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("specs");
    }
  }

  @Test
  void compile_outputSize_isTheLastFixedSizeStep() {
    assertThat(TransformPlan.compile(List.of(new RandomResizedCrop(200, 100, 0.5, 1, 1, 2), new HorizontalFlip(0.5))))
        .extracting(TransformPlan::outputWidth, TransformPlan::outputHeight)
        .containsExactly(200, 100);
    assertThat(TransformPlan.compile(List.of(new ResizeShorter(256), new CenterCrop(224, 192))))
        .extracting(TransformPlan::outputWidth, TransformPlan::outputHeight)
        .containsExactly(224, 192);
    assertThat(TransformPlan.compile(List.of(new Resize(64, 32))))
        .extracting(TransformPlan::outputWidth, TransformPlan::outputHeight)
        .containsExactly(64, 32);
  }

  @Test
  void geometry_randomResizedCrop_staysInsideTheImageAndOutputsThePlanSize() {
    TransformPlan plan = TransformPlan.compile(List.of(new RandomResizedCrop(224), new HorizontalFlip(0.5)));
    int[][] sizes = {{640, 480}, {480, 640}, {100, 100}, {3000, 200}, {50, 900}, {7, 5}};
    for (int[] size : sizes) {
      for (int seed = 0; seed < DRAWS / sizes.length; seed++) {
        CropGeometry g = plan.geometry(size[0], size[1], new SplittableRandom(seed));

        assertInside(g, size[0], size[1]);
        assertThat(g.outWidth()).isEqualTo(224);
        assertThat(g.outHeight()).isEqualTo(224);
      }
    }
  }

  @Test
  void geometry_randomResizedCrop_respectsScaleAndRatioBoundsAndSpansThem() {
    // parameters chosen so that every draw fits in a 640x480 image: the fallback never runs
    double minScale = 0.1;
    double maxScale = 0.5;
    double minRatio = 3.0 / 4;
    double maxRatio = 4.0 / 3;
    TransformPlan plan = TransformPlan.compile(List.of(new RandomResizedCrop(64, 64, minScale, maxScale, minRatio, maxRatio)));
    double lowestScale = 1;
    double highestScale = 0;
    double lowestRatio = 10;
    double highestRatio = 0;
    for (int seed = 0; seed < DRAWS; seed++) {
      CropGeometry g = plan.geometry(640, 480, new SplittableRandom(seed));
      double scale = g.width() * g.height() / (640.0 * 480);
      double ratio = g.width() / g.height();

      assertInside(g, 640, 480);
      // sides are rounded to whole pixels (>= 150 px here): under 1% off the drawn area and ratio
      assertThat(scale).isBetween(minScale * 0.99, maxScale * 1.01);
      assertThat(ratio).isBetween(minRatio * 0.99, maxRatio * 1.01);
      lowestScale = Math.min(lowestScale, scale);
      highestScale = Math.max(highestScale, scale);
      lowestRatio = Math.min(lowestRatio, ratio);
      highestRatio = Math.max(highestRatio, ratio);
    }
    assertThat(lowestScale).isLessThan(minScale + 0.02);
    assertThat(highestScale).isGreaterThan(maxScale - 0.02);
    assertThat(lowestRatio).isLessThan(minRatio * 1.03);
    assertThat(highestRatio).isGreaterThan(maxRatio * 0.97);
  }

  @Test
  void geometry_randomResizedCropNothingFits_fallsBackToACenteredCropWithClampedRatio() {
    // a 1000x10 strip: no crop with ratio in [3/4, 4/3] and area >= 8% fits, every attempt fails
    TransformPlan plan = TransformPlan.compile(List.of(new RandomResizedCrop(32)));

    CropGeometry g = plan.geometry(1000, 10, new SplittableRandom(3));

    assertInside(g, 1000, 10);
    assertThat(g.height()).isEqualTo(10);
    assertThat(g.width()).isCloseTo(10 * 4.0 / 3, within(0.5));
    assertThat(g.x() + g.width() / 2).isCloseTo(500, within(1.0));
  }

  @Test
  void geometry_horizontalFlipZero_neverFlips() {
    TransformPlan plan = TransformPlan.compile(List.of(new RandomResizedCrop(32), new HorizontalFlip(0.0)));

    for (int seed = 0; seed < DRAWS; seed++) {
      assertThat(plan.geometry(100, 80, new SplittableRandom(seed)).flip()).isFalse();
    }
  }

  @Test
  void geometry_horizontalFlipOne_alwaysFlips() {
    TransformPlan plan = TransformPlan.compile(List.of(new RandomResizedCrop(32), new HorizontalFlip(1.0)));

    for (int seed = 0; seed < DRAWS; seed++) {
      assertThat(plan.geometry(100, 80, new SplittableRandom(seed)).flip()).isTrue();
    }
  }

  @Test
  void geometry_horizontalFlipHalf_flipsAboutHalfTheSamples() {
    TransformPlan plan = TransformPlan.compile(List.of(new Resize(8, 8), new HorizontalFlip(0.5)));

    long flipped = 0;
    for (int seed = 0; seed < DRAWS; seed++) {
      flipped += plan.geometry(100, 80, new SplittableRandom(seed)).flip() ? 1 : 0;
    }

    assertThat(flipped).isBetween(DRAWS * 45L / 100, DRAWS * 55L / 100);
  }

  @Test
  void geometry_horizontalFlipZeroAnywhereInTheList_leavesTheGeometryAsWithoutIt() {
    TransformPlan without = TransformPlan.compile(List.of(new RandomResizedCrop(32)));
    TransformPlan flipFirst = TransformPlan.compile(List.of(new HorizontalFlip(0.0), new RandomResizedCrop(32)));
    TransformPlan flipLast = TransformPlan.compile(List.of(new RandomResizedCrop(32), new HorizontalFlip(0.0)));

    for (int seed = 0; seed < 100; seed++) {
      CropGeometry expected = without.geometry(300, 200, new SplittableRandom(seed));
      assertThat(flipFirst.geometry(300, 200, new SplittableRandom(seed))).isEqualTo(expected);
      assertThat(flipLast.geometry(300, 200, new SplittableRandom(seed))).isEqualTo(expected);
    }
  }

  @Test
  void geometry_centerCropAfterResizeShorter_mapsToTheCenteredSourceRectangle() {
    TransformPlan plan = TransformPlan.compile(List.of(new ResizeShorter(256), new CenterCrop(224, 224)));

    CropGeometry landscape = plan.geometry(400, 300, new SplittableRandom(0));
    CropGeometry portrait = plan.geometry(300, 400, new SplittableRandom(0));

    // torchvision: 400x300 resizes to 341x256 (256 * 400 / 300 rounded down); the crop starts at
    // round(117 / 2) = 58 (halves to even) and round(32 / 2) = 16 whole resized pixels
    double side = 300.0 * 224 / 256;
    double sx = 400.0 / 341;
    assertThat(landscape.height()).isCloseTo(side, within(1e-9));
    assertThat(landscape.width()).isCloseTo(224 * sx, within(1e-9));
    assertThat(landscape.x()).isCloseTo(58 * sx, within(1e-9));
    assertThat(landscape.y()).isCloseTo(16 * 300.0 / 256, within(1e-9));
    assertThat(portrait.width()).isCloseTo(side, within(1e-9));
    assertThat(portrait.height()).isCloseTo(224 * sx, within(1e-9));
    assertThat(portrait.x()).isCloseTo(16 * 300.0 / 256, within(1e-9));
    assertThat(portrait.y()).isCloseTo(58 * sx, within(1e-9));
    assertThat(landscape.outWidth()).isEqualTo(224);
    assertThat(landscape.outHeight()).isEqualTo(224);
    assertThat(landscape.flip()).isFalse();
  }

  @Test
  void geometry_centerCropAfterFlip_staysCentered() {
    TransformPlan plan = TransformPlan.compile(List.of(new HorizontalFlip(1.0), new Resize(100, 100), new CenterCrop(50, 20)));

    CropGeometry g = plan.geometry(200, 100, new SplittableRandom(0));

    assertThat(g.flip()).isTrue();
    assertThat(g.x()).isCloseTo(50, within(1e-9));
    assertThat(g.width()).isCloseTo(100, within(1e-9));
    assertThat(g.y()).isCloseTo(40, within(1e-9));
    assertThat(g.height()).isCloseTo(20, within(1e-9));
  }

  @Test
  void geometry_resize_coversTheWholeImage() {
    TransformPlan plan = TransformPlan.compile(List.of(new Resize(32, 16)));

    CropGeometry g = plan.geometry(123, 45, new SplittableRandom(1));

    assertThat(g).isEqualTo(new CropGeometry(0, 0, 123, 45, 32, 16, false));
  }

  @Test
  void geometry_sameSeed_sameGeometryAndDifferentSeeds_differ() {
    TransformPlan plan = TransformPlan.compile(List.of(new RandomResizedCrop(224), new HorizontalFlip(0.5)));
    Set<CropGeometry> distinct = new HashSet<>();

    for (int seed = 0; seed < 50; seed++) {
      CropGeometry first = plan.geometry(640, 480, new SplittableRandom(seed));
      assertThat(plan.geometry(640, 480, new SplittableRandom(seed))).isEqualTo(first);
      distinct.add(first);
    }

    assertThat(distinct).hasSizeGreaterThan(45);
  }

  @Test
  void geometry_verticalFlipOneAndZero_alwaysAndNeverFlipVertically() {
    TransformPlan always = TransformPlan.compile(List.of(new RandomResizedCrop(32), new VerticalFlip(1.0)));
    TransformPlan never = TransformPlan.compile(List.of(new RandomResizedCrop(32), new VerticalFlip(0.0)));

    for (int seed = 0; seed < 200; seed++) {
      CropGeometry g = always.geometry(100, 80, new SplittableRandom(seed));
      assertThat(g.flipVertical()).isTrue();
      assertThat(g.flip()).isFalse();
      assertThat(never.geometry(100, 80, new SplittableRandom(seed)).flipVertical()).isFalse();
    }
  }

  @Test
  void geometry_verticalFlipHalf_flipsAboutHalfTheSamples() {
    TransformPlan plan = TransformPlan.compile(List.of(new Resize(8, 8), new VerticalFlip(0.5)));

    long flipped = 0;
    for (int seed = 0; seed < DRAWS; seed++) {
      flipped += plan.geometry(100, 80, new SplittableRandom(seed)).flipVertical() ? 1 : 0;
    }

    assertThat(flipped).isBetween(DRAWS * 45L / 100, DRAWS * 55L / 100);
  }

  @Test
  void geometry_zeroProbabilityAndPhotometricSteps_leaveTheGeometryAsWithoutThem() {
    TransformPlan without = TransformPlan.compile(List.of(new RandomResizedCrop(32), new HorizontalFlip(0.5)));
    TransformPlan with = TransformPlan.compile(List.of(new VerticalFlip(0.0), new ColorJitter(0.4, 0.4, 0.4, 0.1),
        new RandomResizedCrop(32), new Grayscale(0.5), new HorizontalFlip(0.5), new VerticalFlip(0.0)));

    for (int seed = 0; seed < 100; seed++) {
      assertThat(with.geometry(300, 200, new SplittableRandom(seed)))
          .isEqualTo(without.geometry(300, 200, new SplittableRandom(seed)));
    }
  }

  @Test
  void crop_afterVerticalFlip_takesTheMirroredRows() {
    // flipped top to bottom, the top 20 canvas rows of a 100-row image are source rows 80..100
    CropGeometry g = CropGeometry.identity(100, 100).mirroredVertically().crop(10, 0, 30, 20, 30, 20);

    assertThat(g).isEqualTo(new CropGeometry(10, 80, 30, 20, 30, 20, false, true));
  }

  @Test
  void geometry_centerCropAfterVerticalFlip_staysCentered() {
    TransformPlan plan = TransformPlan.compile(List.of(new VerticalFlip(1.0), new Resize(100, 100),
        new CenterCrop(50, 20)));

    CropGeometry g = plan.geometry(200, 100, new SplittableRandom(0));

    assertThat(g.flipVertical()).isTrue();
    assertThat(g.x()).isCloseTo(50, within(1e-9));
    assertThat(g.width()).isCloseTo(100, within(1e-9));
    assertThat(g.y()).isCloseTo(40, within(1e-9));
    assertThat(g.height()).isCloseTo(20, within(1e-9));
  }

  @Test
  void outputSteps_keepsThePhotometricSpecsInWrittenOrder() {
    ColorJitter jitter = new ColorJitter(0.4, 0.4, 0.4, 0.1);
    Grayscale gray = new Grayscale(0.2);

    TransformPlan plan = TransformPlan.compile(List.of(gray, new RandomResizedCrop(32), jitter, new VerticalFlip(0.5)));

    assertThat(plan.outputSteps()).containsExactly(gray, jitter);
  }

  @Test
  void compile_sampleLargerThanABufferMayHold_refusesNamingTheBytes() {
    assertThatThrownBy(() -> TransformPlan.compile(List.of(new RandomResizedCrop(100_000))))
        .isInstanceOf(MemoryLimitException.class)
        .hasMessageStartingWith("specs: an output of 100000x100000x3 uint8 is 30,000,000,000 bytes per sample")
        .hasMessageContaining(String.format("%,d", TransformPlan.MAX_SAMPLE_BYTES));
  }

  @Test
  void compile_sampleBytesOverflowingALong_refusesInsteadOfGoingNegative() {
    assertThatThrownBy(() -> TransformPlan.compile(List.of(new RandomResizedCrop(2_000_000_000))))
        .isInstanceOf(MemoryLimitException.class)
        .hasMessageStartingWith("specs: an output of 2000000000x2000000000x3 uint8");
  }

  @Test
  void compile_largestSampleThatFits_compiles() {
    // negative control: 26,000 x 26,000 x 3 = 2,028,000,000 bytes, under the limit
    TransformPlan plan = TransformPlan.compile(List.of(new Resize(26_000, 26_000)));

    assertThat(plan.sampleBytes()).isEqualTo(2_028_000_000L);
    assertThat(plan.sampleBytes()).isLessThanOrEqualTo(TransformPlan.MAX_SAMPLE_BYTES);
  }
}
