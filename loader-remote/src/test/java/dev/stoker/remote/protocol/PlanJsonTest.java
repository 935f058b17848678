package dev.stoker.remote.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoker.api.TransformSpec;
import dev.stoker.pipeline.Presets;
import dev.stoker.pipeline.SupplyPlan;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlanJsonTest {
  @Test
  void readWrite_everyTransformKind_roundTripsToAnEqualPlan() {
    List<TransformSpec> all = List.of(
        new TransformSpec.RandomResizedCrop(224, 200, 0.08, 1.0, 0.75, 4.0 / 3),
        new TransformSpec.Resize(64, 48), new TransformSpec.ResizeShorter(256), new TransformSpec.CenterCrop(224, 224),
        new TransformSpec.HorizontalFlip(0.5), new TransformSpec.VerticalFlip(0.25),
        new TransformSpec.ColorJitter(0.4, 0.4, 0.4, 0.1), new TransformSpec.Grayscale(0.1),
        new TransformSpec.RandomCrop(32, 32, 0), new TransformSpec.Pad(1, 2, 3, 4, 128),
        new TransformSpec.Rotate(-10, 10, 0.5, 0),
        new TransformSpec.Normalize(List.of(0.485, 0.456, 0.406), List.of(0.229, 0.224, 0.225)));
    SupplyPlan plan = new SupplyPlan(all, -7);

    SupplyPlan back = PlanJson.read(PlanJson.write(plan));

    assertThat(back).isEqualTo(plan);
  }

  @Test
  void readWrite_presets_roundTrip() {
    for (List<TransformSpec> preset : List.of(Presets.imagenetTrain(224), Presets.byName("ssd300-train", 300))) {
      SupplyPlan plan = new SupplyPlan(preset, 42);
      assertThat(PlanJson.read(PlanJson.write(plan))).isEqualTo(plan);
    }
  }

  @Test
  void write_namesEachTransformByItsRecordName() {
    String json = PlanJson.write(new SupplyPlan(List.of(new TransformSpec.HorizontalFlip(0.5)), 1));

    assertThat(json).contains("\"type\":\"HorizontalFlip\"").contains("\"seed\":1");
  }

  @Test
  void read_unknownTransform_failsNamingIt() {
    assertThatThrownBy(() -> PlanJson.read("{\"seed\":1,\"transforms\":[{\"type\":\"Sharpen\",\"amount\":2}]}"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Sharpen");
  }

  @Test
  void read_invalidValue_failsWithTheRecordsOwnCheck() {
    assertThatThrownBy(() -> PlanJson.read("{\"seed\":1,\"transforms\":[{\"type\":\"Resize\",\"width\":-3,\"height\":4}]}"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("width");
  }

  @Test
  void read_garbage_failsClearly() {
    assertThatThrownBy(() -> PlanJson.read("not json")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cannot read the plan");
  }
}
