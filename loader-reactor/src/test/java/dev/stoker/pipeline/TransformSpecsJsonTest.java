package dev.stoker.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoker.api.TransformSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The JSON form of a transforms list: round trips, strict reading, bounds, errors naming the file and the step. */
class TransformSpecsJsonTest {
  /** One of every record with a SPEC, none at its defaults only. */
  static final List<TransformSpec> ALL = TransformSpecs.parse("RandomResizedCrop(224, 200, minScale=0.2), "
      + "Resize(64, 48), ResizeShorter(256), CenterCrop(224), HorizontalFlip(0.25), VerticalFlip, "
      + "ColorJitter(0.4, 0.4, 0.4, 0.1), Grayscale, RandomCrop(32, fill=7), Pad(1, 2, 3, 4, 128), "
      + "Rotate(-10, 10, 0.5), RandomIoUCrop(minIoUs=[0.1, 2]), RandAugment(n=3, m=7, bins=11, fill=5), "
      + "TrivialAugmentWide(bins=16, fill=1), RandomErasing(0.3, value=-1), GaussianBlur(7, 0.5, 1.5), "
      + "PhotometricDistort(p=0.25), ZoomOut(1.5, 3, 0.75, 9), Normalize(imagenet)");

  @Test
  void toJsonThenFromJson_everyRecord_roundTrips() {
    assertThat(ALL).extracting(s -> s.getClass().getSimpleName()).containsExactlyInAnyOrderElementsOf(
        StepSyntax.STEPS.keySet());

    String json = TransformSpecs.toJson(ALL);

    assertThat(json).startsWith("[{\"type\":\"RandomResizedCrop\",\"width\":224,\"height\":200,");
    assertThat(TransformSpecs.fromJson(json, "t.json")).isEqualTo(ALL);
  }

  @Test
  void readJson_aFile_itsSteps(@TempDir Path dir) throws IOException {
    Path file = Files.writeString(dir.resolve("t.json"), "[\n {\"type\": \"HorizontalFlip\", \"p\": 0.5},\n"
        + " {\"type\": \"RandAugment\", \"numOps\": 2, \"magnitude\": 9, \"numMagnitudeBins\": 31, \"fill\": 0}\n]\n");

    assertThat(TransformSpecs.readJson(file)).containsExactly(new TransformSpec.HorizontalFlip(0.5),
        new TransformSpec.RandAugment(2, 9));
  }

  @Test
  void fromJson_hostileOrWrong_refusedNamingTheOriginAndStep() {
    String flip = "{\"type\":\"HorizontalFlip\",\"p\":0.5}";
    List<List<String>> cases = List.of(
        List.of("[" + flip + ",{\"type\":\"Sharpen\"}]", "t.json: step 1: Could not resolve type id 'Sharpen'"),
        List.of("[{\"type\":\"Custom\",\"step\":{}}]", "Could not resolve type id 'Custom'"),
        List.of("[{\"type\":\"HorizontalFlip\"}]", "t.json: step 0, field p: Missing creator property 'p' (line 1, column 26)"),
        List.of("[{\"type\":\"HorizontalFlip\",\"p\":0.5,\"q\":1}]", "t.json: step 0, field q: Unrecognized field \"q\" (line 1, column 40)"),
        List.of("[{\"type\":\"HorizontalFlip\",\"p\":0.5,\"p\":0.7}]", "t.json: step 0: Duplicate field 'p' (line 1, column 38)"),
        List.of("[{\"type\":\"HorizontalFlip\",\"p\":1.5}]", "t.json: step 0: p must be in [0.0, 1.0], got 1.5"),
        List.of("[{\"type\":\"Resize\",\"width\":8.5,\"height\":8}]",
            "t.json: step 0, field width: Cannot coerce Floating-point value (8.5) to `int` value (line 1, column 27)"),
        List.of("[{\"type\":\"Resize\",\"width\":\"8\",\"height\":8}]", "t.json: step 0, field width: Cannot coerce String value (\"8\") to `int` value (line 1, column 27)"),
        List.of("[{\"type\":\"Resize\",\"width\":8,\"height\":8}] []", "t.json: Trailing token"),
        List.of("[null]", "t.json: step 0 is null"),
        List.of("[]", "t.json: an empty transforms list"),
        List.of("{\"type\":\"Resize\"}", "t.json: Cannot deserialize value of type `java.util.ArrayList"),
        List.of("[" + String.join(",", Collections.nCopies(65, flip)) + "]", "t.json: 65 steps, more than 64"),
        List.of("[{\"type\":\"RandomIoUCrop\",\"minScale\":0.3,\"maxScale\":1,\"minRatio\":0.5,\"maxRatio\":2,"
            + "\"minIoUs\":[" + String.join(",", Collections.nCopies(65, "0.5")) + "],\"trials\":5}]",
            "t.json: step 0 (RandomIoUCrop): a list of 65 values, more than 64"),
        List.of("[" + " ".repeat(TransformSpecs.MAX_JSON_BYTES) + "]", "t.json: 65538 characters, more than 65536"));
    for (List<String> c : cases) {
      assertThatThrownBy(() -> TransformSpecs.fromJson(c.get(0), "t.json")).as(c.get(1))
          .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("t.json: ").hasMessageContaining(c.get(1));
    }
  }

  @Test
  void readJson_tooLargeOrNotAFile_refusedNamingIt(@TempDir Path dir) throws IOException {
    Path big = Files.writeString(dir.resolve("big.json"), "[" + " ".repeat(TransformSpecs.MAX_JSON_BYTES) + "]");
    assertThatThrownBy(() -> TransformSpecs.readJson(big)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage(big + ": more than 65536 bytes; a transforms list is far smaller");
    assertThatThrownBy(() -> TransformSpecs.readJson(dir)).hasMessage(dir + ": not a regular file");
  }
}
