package dev.stoker.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoker.api.TransformSpec;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The presets, now SPECs, equal the lists they were built by hand as before, so no delivered byte changes. */
class PresetSpecsTest {
  /** The presets as they were written before they became SPECs. */
  private static List<TransformSpec> handBuilt(String name, int size) {
    return switch (name) {
      case "imagenet-train" -> List.of(new TransformSpec.RandomResizedCrop(size), new TransformSpec.HorizontalFlip(0.5));
      case "imagenet-eval" -> List.of(new TransformSpec.ResizeShorter(size * 8 / 7), new TransformSpec.CenterCrop(size, size));
      case "decode-only" -> List.of(new TransformSpec.Resize(size, size));
      case "ssd300-train" -> List.of(new TransformSpec.HorizontalFlip(0.5), new TransformSpec.RandomIoUCrop(),
          new TransformSpec.Resize(300, 300));
      case "ssd300-train-full" -> List.of(new TransformSpec.PhotometricDistort(),
          new TransformSpec.ZoomOut(1.0, 4.0, 0.5, 116), new TransformSpec.RandomIoUCrop(),
          new TransformSpec.HorizontalFlip(0.5), new TransformSpec.Resize(300, 300));
      default -> throw new AssertionError(name);
    };
  }

  @Test
  void byName_everyPresetAtManySizes_equalsTheHandBuiltList() {
    List<Integer> sizes = IntStream.concat(IntStream.rangeClosed(1, 600), IntStream.of(1023, 4096, 100_000, 268_435_455))
        .boxed().toList();
    for (String name : Presets.NAMES) {
      for (int size : sizes) {
        assertThat(Presets.byName(name, size)).as(name + " " + size).isEqualTo(handBuilt(name, size));
      }
    }
    for (int size : sizes) {
      assertThat(Presets.imagenetTrain(size)).isEqualTo(handBuilt("imagenet-train", size));
      assertThat(Presets.imagenetEval(size)).isEqualTo(handBuilt("imagenet-eval", size));
      assertThat(Presets.decodeOnly(size)).isEqualTo(handBuilt("decode-only", size));
      assertThat(Presets.ssdTrain(size)).containsExactly(new TransformSpec.HorizontalFlip(0.5),
          new TransformSpec.RandomIoUCrop(), new TransformSpec.Resize(size, size));
    }
    assertThat(Presets.ssd300Train()).isEqualTo(handBuilt("ssd300-train", 1));
    assertThat(Presets.ssd300TrainFull()).isEqualTo(handBuilt("ssd300-train-full", 1));
    assertThat(TransformSpecs.parse("ssd300-train-full, Grayscale(p=0)"))
        .startsWith(handBuilt("ssd300-train-full", 1).toArray(TransformSpec[]::new));
    assertThatThrownBy(() -> TransformSpecs.parse("ssd300-train-full(320)"))
        .hasMessageContaining("ssd300-train-full takes no arguments");
  }

  @Test
  void spec_isTheTextTheListIsParsedFrom() {
    assertThat(Presets.spec("imagenet-train", 224)).isEqualTo("RandomResizedCrop(224), HorizontalFlip(p=0.5)");
    assertThat(Presets.spec("imagenet-eval", 224)).isEqualTo("ResizeShorter(256), CenterCrop(224, 224)");
    assertThat(TransformSpecs.format(Presets.byName("imagenet-train", 224)))
        .isEqualTo("RandomResizedCrop(224), HorizontalFlip");
  }

  @Test
  void byName_unknownOrBadSize_refusedAsBefore() {
    assertThatThrownBy(() -> Presets.byName("fancy", 224)).hasMessage(
        "preset: unknown 'fancy'; known: imagenet-train, imagenet-eval, decode-only, ssd300-train, ssd300-train-full");
    assertThatThrownBy(() -> Presets.byName("imagenet-train", 0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("size must be positive, got 0");
  }
}
