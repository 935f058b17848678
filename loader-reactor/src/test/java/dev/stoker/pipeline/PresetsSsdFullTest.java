package dev.stoker.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stoker.api.TransformSpec;
import dev.stoker.api.TransformSpec.HorizontalFlip;
import dev.stoker.api.TransformSpec.PhotometricDistort;
import dev.stoker.api.TransformSpec.RandomIoUCrop;
import dev.stoker.api.TransformSpec.Resize;
import dev.stoker.api.TransformSpec.ZoomOut;
import dev.stoker.image.TransformPlan;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The full SSD recipe preset, beside the unchanged {@code ssd300-train}. */
class PresetsSsdFullTest {
  @Test
  void byName_ssd300TrainFull_isTheSsdRecipeInItsOrderAt300() {
    List<TransformSpec> expected = List.of(new PhotometricDistort(), new ZoomOut(1.0, 4.0, 0.5, 116),
        new RandomIoUCrop(), new HorizontalFlip(0.5), new Resize(300, 300));

    assertThat(Presets.byName("ssd300-train-full", 224)).isEqualTo(expected);
    assertThat(Presets.ssd300TrainFull()).isEqualTo(expected);
    assertThat(Presets.ssdTrainFull(512)).endsWith(new Resize(512, 512));
    assertThat(Presets.NAMES).contains("ssd300-train", "ssd300-train-full");
  }

  @Test
  void compile_ssd300TrainFull_fixedSquareOutputOfUint8() {
    TransformPlan plan = TransformPlan.compile(Presets.ssd300TrainFull());

    assertThat(plan.outputWidth()).isEqualTo(300);
    assertThat(plan.outputHeight()).isEqualTo(300);
    assertThat(plan.floatOutput()).isFalse();
  }

  @Test
  void byName_ssd300Train_unchangedByTheFullRecipe() {
    assertThat(Presets.byName("ssd300-train", 300))
        .containsExactly(new HorizontalFlip(0.5), new RandomIoUCrop(), new Resize(300, 300));
  }
}
