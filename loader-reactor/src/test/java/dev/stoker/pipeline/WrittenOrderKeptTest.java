package dev.stoker.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoker.api.TransformSpec.ColorJitter;
import dev.stoker.api.TransformSpec.GaussianBlur;
import dev.stoker.api.TransformSpec.HorizontalFlip;
import dev.stoker.api.TransformSpec.RandomResizedCrop;
import dev.stoker.api.TransformSpec.Resize;
import dev.stoker.api.TransformSpec.ZoomOut;
import dev.stoker.image.TransformPlan;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A step whose moving would change the result beyond its tolerance keeps the written order (issue 19). */
class WrittenOrderKeptTest {
  @Test
  void keepsWrittenOrder_blurBeforeACropWithoutBoxes_true() {
    TransformPlan plan = TransformPlan.compile(List.of(new GaussianBlur(5), new RandomResizedCrop(32)));

    assertThat(SampleStage.keepsWrittenOrder(plan, false)).isTrue();
  }

  @Test
  void keepsWrittenOrder_blurBeforeACropWithBoxes_refusesNamingTheStepWhyAndWhatToWrite() {
    TransformPlan plan = TransformPlan.compile(List.of(new GaussianBlur(5), new ZoomOut(), new Resize(300, 300)));

    assertThatThrownBy(() -> SampleStage.keepsWrittenOrder(plan, true))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("transforms: step 1 GaussianBlur must stay where it is written (defined on the output")
        .hasMessageContaining("cannot move boxes")
        .hasMessageContaining("write step 1 GaussianBlur after the geometric steps")
        .hasMessageNotContaining("kept in place");
  }

  @Test
  void keepsWrittenOrder_colourBeforeZoomOutOrBlurAfterTheGeometry_falseEvenWithBoxes() {
    TransformPlan ssd = TransformPlan.compile(List.of(new ColorJitter(0.4, 0.4, 0.4, 0.1), new ZoomOut(),
        new Resize(300, 300), new HorizontalFlip(0.5)));
    TransformPlan blurAfter = TransformPlan.compile(List.of(new RandomResizedCrop(32), new GaussianBlur(5)));

    assertThat(SampleStage.keepsWrittenOrder(ssd, true)).isFalse();
    assertThat(SampleStage.keepsWrittenOrder(blurAfter, true)).isFalse();
  }
}
