package dev.stoker.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.stoker.api.TransformSpec;
import dev.stoker.api.TransformSpec.ColorJitter;
import dev.stoker.api.TransformSpec.GaussianBlur;
import dev.stoker.api.TransformSpec.Grayscale;
import dev.stoker.api.TransformSpec.HorizontalFlip;
import dev.stoker.api.TransformSpec.Normalize;
import dev.stoker.api.TransformSpec.RandomResizedCrop;
import dev.stoker.api.TransformSpec.Resize;
import dev.stoker.api.TransformSpec.Rotate;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The plan's rows, costs and notes on fixed specs: one test per kind of fold. */
class AugmentationPlanTest {
  private static final AugmentationCosts COSTS = AugmentationCosts.MEASURED;

  /** Costs of one kind only, so a row's estimate is a pixel count. */
  private static AugmentationCosts only(String kind) {
    return new AugmentationCosts(kind.equals("entropy") ? 1 : 0, kind.equals("idct") ? 1 : 0,
        kind.equals("resampleIn") ? 1 : 0, kind.equals("resampleOut") ? 1 : 0, kind.equals("warp") ? 1 : 0, 0,
        kind.equals("colorJitter") ? 1 : 0, 0, 0, 0, 0);
  }

  private static AugmentationPlan estimate(AugmentationCosts costs, TransformSpec... specs) {
    return AugmentationPlan.estimate(TransformPlan.compile(List.of(specs)), 4000, 3000, costs);
  }

  @Test
  void estimate_rotateCropFlip_foldsTheGeometryIntoOneStokerRow() {
    AugmentationPlan p = estimate(COSTS, new Rotate(-10, 10, 1.0, 0), new RandomResizedCrop(224), new HorizontalFlip(0.5));

    assertThat(p.naive()).hasSize(4);   // decode, then one row per written step
    assertThat(p.stoker()).hasSize(2);
    assertThat(p.stoker().get(1).steps()).containsExactly(0, 1, 2);
    assertThat(p.stoker().get(1).action()).contains("folded into one map");
    assertThat(p.stoker().get(1).outWidth()).isEqualTo(224);
  }

  @Test
  void estimate_cropOfAPhotograph_decodesOnlyTheRegionAtADctScale() {
    AugmentationPlan p = estimate(only("idct"), new RandomResizedCrop(224));
    AugmentationPlan.Row decode = p.stoker().getFirst();

    assertThat(p.naive().getFirst().nanos()).isEqualTo(4000.0 * 3000);   // every pixel, at full scale
    assertThat(decode.action()).startsWith("decode region at 1/");
    assertThat(decode.nanos()).isEqualTo(decode.pixelsOut()).isLessThan(4000.0 * 3000 / 16);
    assertThat(p.ratio()).isGreaterThan(16);
  }

  @Test
  void estimate_colourBeforeTheCrop_runsOnTheOutputInsteadOfTheWholeImage() {
    AugmentationPlan p = estimate(only("colorJitter"), new ColorJitter(0.4, 0.4, 0.4, 0), new RandomResizedCrop(224));

    AugmentationPlan.Row naive = p.naive().get(1);
    AugmentationPlan.Row stoker = p.stoker().get(2);
    assertThat(naive.steps()).containsExactly(0);
    assertThat(naive.nanos()).isEqualTo(4000.0 * 3000);
    assertThat(stoker.steps()).containsExactly(0);
    assertThat(stoker.action()).isEqualTo("on the output");
    assertThat(stoker.nanos()).isEqualTo(224.0 * 224);
  }

  @Test
  void estimate_resampleCosts_countTheRegionReadAndTheOutputWritten() {
    AugmentationPlan p = estimate(only("resampleOut"), new Resize(224, 224));

    assertThat(p.naive().get(1).nanos()).isEqualTo(224.0 * 224);
    assertThat(p.stoker().get(1).nanos()).isEqualTo(224.0 * 224);
    assertThat(p.ratio()).isCloseTo(1.0, within(1e-9));
  }

  @Test
  void estimate_flipWithHalfAChance_costsHalfAFlip() {
    AugmentationPlan p = estimate(only("resampleOut"), new HorizontalFlip(0.5), new Resize(224, 224));

    // draws 0..63: the coin comes up about half the time; each flip writes the whole image
    assertThat(p.naive().get(1).nanos() / (4000.0 * 3000)).isBetween(0.3, 0.7);
  }

  @Test
  void estimate_rotationBeforeTheCrop_isABilinearWarpInTheFold() {
    AugmentationPlan p = estimate(only("warp"), new Rotate(-10, 10, 1.0, 0), new RandomResizedCrop(224));

    assertThat(p.stoker().get(1).action()).contains("bilinear warp");
    assertThat(p.stoker().get(1).nanos()).isEqualTo(224.0 * 224);
    assertThat(p.naive().get(1).nanos()).isEqualTo(4000.0 * 3000);   // the whole image, warped
  }

  @Test
  void notes_jitterWithContrastBeforeTheCrop_withinToleranceNamingTheMean() {
    AugmentationPlan p = estimate(COSTS, new ColorJitter(0.4, 0.4, 0.4, 0), new RandomResizedCrop(224));

    assertThat(p.notes()).singleElement().satisfies(n -> {
      assertThat(n.step()).isZero();
      assertThat(n.verdict()).isEqualTo(AugmentationPlan.Verdict.WITHIN_TOLERANCE);
      assertThat(n.reason()).contains("mean gray of the crop");
    });
  }

  @Test
  void notes_contrastWithoutBrightnessBeforeTheCrop_differsBeyondTheTolerance() {
    AugmentationPlan p = estimate(COSTS, new ColorJitter(0, 0.8, 0, 0), new RandomResizedCrop(224));

    assertThat(p.notes()).singleElement().satisfies(n -> {
      assertThat(n.verdict()).isEqualTo(AugmentationPlan.Verdict.DIFFERS);
      assertThat(n.reason()).contains("more than the 0 levels").contains("--literal-order");
    });
  }

  @Test
  void notes_colourBeforeARotationWithFill_exactSayingTheFillIsLeftPlain() {
    AugmentationPlan p = estimate(COSTS, new Grayscale(1.0), new Rotate(-10, 10, 1.0, 0), new RandomResizedCrop(224));

    assertThat(p.notes()).singleElement().satisfies(n -> {
      assertThat(n.verdict()).isEqualTo(AugmentationPlan.Verdict.EXACT);
      assertThat(n.reason()).contains("fill").contains("left plain");
    });
  }

  @Test
  void notes_jitterBeforeAPad_exactSayingTheBorderIsLeftPlain() {
    AugmentationPlan p = estimate(COSTS, new Resize(224, 224), new ColorJitter(0.4, 0.4, 0.4, 0.1),
        new dev.stoker.api.TransformSpec.Pad(4, 4, 4, 4, 0));

    assertThat(p.notes()).singleElement().satisfies(n -> {
      assertThat(n.verdict()).isEqualTo(AugmentationPlan.Verdict.EXACT);
      assertThat(n.reason()).contains("border a later Pad or ZoomOut adds is left plain");
    });
  }

  @Test
  void notes_ssdRecipeDistortBeforeZoomOutAndCrop_withinToleranceOfTheCropMeanWithTheFillPlain() {
    AugmentationPlan p = estimate(COSTS, new dev.stoker.api.TransformSpec.PhotometricDistort(),
        new dev.stoker.api.TransformSpec.ZoomOut(1, 4, 0.5, 116), new dev.stoker.api.TransformSpec.RandomIoUCrop(),
        new HorizontalFlip(0.5), new Resize(300, 300));

    assertThat(p.notes()).singleElement().satisfies(n -> {
      assertThat(n.verdict()).isEqualTo(AugmentationPlan.Verdict.WITHIN_TOLERANCE);
      assertThat(n.reason()).contains("left plain").contains("mean gray of the crop");
    });
  }

  @Test
  void notes_blurBeforeAResize_differsBecauseItIsDefinedOnTheOutput() {
    AugmentationPlan p = estimate(COSTS, new GaussianBlur(23), new Resize(224, 224));

    assertThat(p.notes()).singleElement().satisfies(n -> {
      assertThat(n.verdict()).isEqualTo(AugmentationPlan.Verdict.DIFFERS);
      assertThat(n.reason()).contains("defined on the output image");
    });
  }

  @Test
  void notes_blurBeforeAFlipOnly_withinToleranceNotKeptInPlace() {
    AugmentationPlan p = estimate(COSTS, new RandomResizedCrop(224), new GaussianBlur(23), new HorizontalFlip(0.5));

    assertThat(p.notes()).singleElement().satisfies(n -> {
      assertThat(n.verdict()).isEqualTo(AugmentationPlan.Verdict.WITHIN_TOLERANCE);
      assertThat(n.reason()).contains("flips only");
    });
    assertThat(estimate(COSTS, new GaussianBlur(23), new HorizontalFlip(0.5), new Resize(224, 224)).notes())
        .as("a resize after it as well (the negative control)").singleElement()
        .extracting(AugmentationPlan.Note::verdict).isEqualTo(AugmentationPlan.Verdict.DIFFERS);
  }

  @Test
  void notes_brightnessBeforeAFlip_exact() {
    AugmentationPlan p = estimate(COSTS, new RandomResizedCrop(224), new ColorJitter(0.4, 0, 0, 0),
        new HorizontalFlip(0.5));

    assertThat(p.notes()).singleElement().extracting(AugmentationPlan.Note::verdict)
        .isEqualTo(AugmentationPlan.Verdict.EXACT);
  }

  @Test
  void notes_colourAfterTheGeometry_noNote() {
    AugmentationPlan p = estimate(COSTS, new RandomResizedCrop(224), new ColorJitter(0.4, 0.4, 0.4, 0),
        new Normalize(List.of(0.5, 0.5, 0.5), List.of(0.25, 0.25, 0.25)));

    assertThat(p.notes()).isEmpty();
    assertThat(p.stoker().getLast().action()).isEqualTo("to float32");
  }

  @Test
  void estimate_issue19Recipe_stokerEstimatedAtLeastFourTimesCheaper() {
    AugmentationPlan p = estimate(COSTS, new ColorJitter(0.4, 0.4, 0.4, 0), new Rotate(-10, 10, 1.0, 0),
        new RandomResizedCrop(224), new HorizontalFlip(0.5));

    assertThat(p.ratio()).isGreaterThan(4);
    assertThat(p.naiveNanos()).isCloseTo(p.naive().stream().mapToDouble(AugmentationPlan.Row::nanos).sum(),
        within(1e-6));
  }

  @Test
  void costs_negative_throwsNamingTheCost() {
    assertThatThrownBy(() -> new AugmentationCosts(1, 1, 1, 1, -1, 1, 1, 1, 1, 1, 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("warp");
  }
}
