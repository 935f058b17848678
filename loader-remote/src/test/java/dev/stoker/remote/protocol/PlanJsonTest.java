package dev.stoker.remote.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoker.api.SampleImage;
import dev.stoker.api.SampleStep;
import dev.stoker.api.TransformSpec;
import dev.stoker.pipeline.Presets;
import dev.stoker.pipeline.SupplyPlan;
import dev.stoker.pipeline.TransformSpecs;
import java.util.List;
import java.util.SplittableRandom;
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

  @Test
  void readWrite_everyRecordWithAJsonForm_roundTrips() {
    List<TransformSpec> all = TransformSpecs.parse("RandomResizedCrop(224, 200, minScale=0.2), Resize(64, 48), "
        + "ResizeShorter(256), CenterCrop(224), HorizontalFlip(0.25), VerticalFlip, ColorJitter(0.4, 0.4, 0.4, 0.1), "
        + "Grayscale, RandomCrop(32, fill=7), Pad(1, 2, 3, 4, 128), Rotate(-10, 10, 0.5), "
        + "RandomIoUCrop(minIoUs=[0.1, 2]), RandAugment(n=3, m=7, bins=11, fill=5), TrivialAugmentWide(bins=16, fill=1), "
        + "RandomErasing(0.3, value=-1), GaussianBlur(7, 0.5, 1.5), PhotometricDistort(p=0.25), ZoomOut(1.5, 3, 0.75, 9), "
        + "Normalize(mean=[0.5, 0.4, 0.3], std=[0.2, 0.2, 0.1])");
    List<String> types = java.util.Arrays.stream(TransformSpec.class.getPermittedSubclasses())
        .filter(t -> t != TransformSpec.Custom.class).map(Class::getSimpleName).toList();
    assertThat(all).extracting(s -> s.getClass().getSimpleName()).containsExactlyInAnyOrderElementsOf(types);
    SupplyPlan plan = new SupplyPlan(all, 3);

    String json = PlanJson.write(plan);

    assertThat(PlanJson.read(json)).isEqualTo(plan);
    assertThat(json).contains("{\"type\":\"RandAugment\",\"numOps\":3,\"magnitude\":7,\"numMagnitudeBins\":11,\"fill\":5}");
  }

  @Test
  void write_anOldPlan_theSameBytesAsBefore() {
    assertThat(PlanJson.write(new SupplyPlan(Presets.imagenetTrain(224), 42))).isEqualTo("{\"seed\":42,\"transforms\":["
        + "{\"type\":\"RandomResizedCrop\",\"width\":224,\"height\":224,\"minScale\":0.08,\"maxScale\":1.0,"
        + "\"minRatio\":0.75,\"maxRatio\":1.3333333333333333},{\"type\":\"HorizontalFlip\",\"p\":0.5}]}");
  }

  @Test
  void write_customStep_refusedAtTheClient() {
    SampleStep mine = new SampleStep() {
      @Override
      public String name() {
        return "mine";
      }

      @Override
      public Kind kind() {
        return Kind.PHOTOMETRIC;
      }

      @Override
      public void apply(SampleImage image, SplittableRandom random) {}
    };
    SupplyPlan plan = new SupplyPlan(List.of(new TransformSpec.Resize(8, 8), new TransformSpec.Custom(mine)), 1);

    assertThatThrownBy(() -> PlanJson.write(plan)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("step 1 (Custom): a Custom step runs only in this JVM; nodes cannot run it (run it with a local "
            + "source, or use built-in steps)");
  }

  @Test
  void read_customOrStrictnessBroken_refused() {
    assertThatThrownBy(() -> PlanJson.read("{\"seed\":1,\"transforms\":[{\"type\":\"Custom\",\"step\":{}}]}"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'Custom'");
    assertThatThrownBy(() -> PlanJson.read("{\"seed\":1,\"transforms\":[{\"type\":\"GaussianBlur\",\"kernelSize\":5.5,"
        + "\"minSigma\":1,\"maxSigma\":2}]}")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PlanJson.read("{\"seed\":1,\"transforms\":[{\"type\":\"ZoomOut\",\"minRatio\":1,"
        + "\"maxRatio\":2,\"p\":0.5}]}")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("fill");
  }
}
