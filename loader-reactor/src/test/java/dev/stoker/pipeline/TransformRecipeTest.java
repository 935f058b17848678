package dev.stoker.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoker.api.BatchTransformSpec;
import dev.stoker.api.BatchTransformSpec.CutMix;
import dev.stoker.api.BatchTransformSpec.MixUp;
import dev.stoker.api.TransformSpec.HorizontalFlip;
import dev.stoker.api.TransformSpec.RandAugment;
import dev.stoker.api.TransformSpec.RandomResizedCrop;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** A SPEC with batch steps: MixUp and CutMix after the per-sample steps, read by {@code parseRecipe}. */
class TransformRecipeTest {
  @Test
  void parseRecipe_perSampleThenBatchSteps_splitsThemInOrder() {
    TransformSpecs.Recipe recipe = TransformSpecs.parseRecipe(
        "imagenet-train, RandAugment(n=2, m=9), MixUp(0.2), CutMix(alpha=1.0, p=0.5)");

    assertThat(recipe.transforms()).containsExactly(new RandomResizedCrop(224), new HorizontalFlip(0.5),
        new RandAugment(2, 9));
    assertThat(recipe.batchTransforms()).containsExactly(new MixUp(0.2, 1.0), new CutMix(1.0, 0.5));
  }

  @Test
  void parseRecipe_noBatchStep_equalsParse() {
    String spec = "RandomResizedCrop(160), HorizontalFlip";

    TransformSpecs.Recipe recipe = TransformSpecs.parseRecipe(spec);

    assertThat(recipe.transforms()).isEqualTo(TransformSpecs.parse(spec));
    assertThat(recipe.batchTransforms()).isEmpty();
  }

  @Test
  void parseRecipe_defaults_areTorchvisions() {
    assertThat(TransformSpecs.parseRecipe("Resize(8), MixUp, CutMix").batchTransforms())
        .containsExactly(new MixUp(1.0, 1.0), new CutMix(1.0, 1.0));
    assertThat(TransformSpecs.batchSignatures()).containsExactly("MixUp(alpha=1.0, p=1.0)", "CutMix(alpha=1.0, p=1.0)");
  }

  @Test
  void formatThenParseRecipe_randomBatchSteps_roundTripExactly() {
    SplittableRandom random = new SplittableRandom(17);
    for (int i = 0; i < 200; i++) {
      double alpha = random.nextInt(3) == 0 ? 1.0 : random.nextDouble(1e-3, 50);
      double p = random.nextInt(3) == 0 ? 1.0 : random.nextDouble();
      BatchTransformSpec batch = random.nextBoolean() ? new MixUp(alpha, p) : new CutMix(alpha, p);
      TransformSpecs.Recipe recipe = new TransformSpecs.Recipe(List.of(new RandomResizedCrop(32)), List.of(batch));

      String text = TransformSpecs.format(recipe);

      assertThat(TransformSpecs.parseRecipe(text)).as(text).isEqualTo(recipe);
    }
  }

  @Test
  void parse_batchStep_refusedPointingToParseRecipe() {
    assertThatThrownBy(() -> TransformSpecs.parse("Resize(8), MixUp(0.2)"))
        .isInstanceOf(TransformSpecSyntaxException.class)
        .hasMessageStartingWith("MixUp is a batch step, not a per-sample TransformSpec at column 12")
        .hasMessageContaining("parseRecipe");
  }

  @Test
  void parseRecipe_perSampleStepAfterABatchStep_refusedAtThatStep() {
    assertThatThrownBy(() -> TransformSpecs.parseRecipe("Resize(8), MixUp(0.2), HorizontalFlip"))
        .isInstanceOf(TransformSpecSyntaxException.class)
        .hasMessageStartingWith("HorizontalFlip: a per-sample step after a batch step (MixUp) at column 24");
    assertThatThrownBy(() -> TransformSpecs.parseRecipe("Resize(8), CutMix, imagenet-train"))
        .hasMessageStartingWith("imagenet-train: a per-sample step after a batch step (CutMix)");
  }

  @Test
  void parseRecipe_batchStepsOnly_refused() {
    assertThatThrownBy(() -> TransformSpecs.parseRecipe("MixUp(0.2)"))
        .isInstanceOf(TransformSpecSyntaxException.class)
        .hasMessageStartingWith("a recipe of batch steps only");
  }

  @Test
  void parseRecipe_badBatchValues_theRecordsMessageAtTheArgument() {
    assertThatThrownBy(() -> TransformSpecs.parseRecipe("Resize(8), MixUp(alpha=0)"))
        .hasMessageContaining("MixUp: alpha")
        .hasMessageContaining("column 24");
    assertThatThrownBy(() -> TransformSpecs.parseRecipe("Resize(8), CutMix(q=1)"))
        .hasMessageStartingWith("CutMix: unknown argument 'q'");
    assertThatThrownBy(() -> TransformSpecs.parseRecipe("Resize(8), Mixup(0.2)"))
        .hasMessageContaining("did you mean MixUp?");
  }
}
