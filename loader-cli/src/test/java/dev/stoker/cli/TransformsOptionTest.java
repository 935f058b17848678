package dev.stoker.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stoker.pipeline.TransformSpecs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --transforms} on {@code bench} and {@code demo}: a SPEC or a JSON file runs the same bytes as
 * the preset it spells, the bench JSON names the canonical SPEC that ran, and every mistake is a
 * usage error (exit 2) naming the option, with a caret under the offending token.
 */
class TransformsOptionTest {
  @RegisterExtension
  static final CliDataset dataset = CliDataset.demo(2);

  @RegisterExtension
  final ConsoleCapture console = new ConsoleCapture();

  private JsonNode bench(String... extra) {
    List<String> args = new ArrayList<>(List.of("bench", dataset.dir().toString(), "--threads", "2", "--batch", "4",
        "--epochs", "1", "--seed", "5", "--json"));
    args.addAll(List.of(extra));
    console.resetOut();
    assertThat(StokerCli.run(args.toArray(String[]::new))).as(console.err()).isZero();
    return console.lastJson();
  }

  private String refusal(String command, String... extra) {
    List<String> args = new ArrayList<>(List.of(command, dataset.dir().toString(), "--epochs", "1"));
    args.addAll(List.of(extra));
    console.resetErr();
    assertThat(StokerCli.run(args.toArray(String[]::new))).as(console.err()).isEqualTo(2);
    return console.err();
  }

  @Test
  void bench_aSpecThatSpellsAPreset_theSameBytesAndTheCanonicalSpec() {
    JsonNode preset = bench("--preset", "imagenet-train", "--size", "16");
    JsonNode spec = bench("--transforms", "RandomResizedCrop(16, minRatio=3/4), HorizontalFlip(p=0.5)");
    JsonNode named = bench("--transforms", "imagenet-train(16)");

    assertThat(preset.get("transforms").asText()).isEqualTo("RandomResizedCrop(16), HorizontalFlip");
    assertThat(preset.get("preset").asText()).isEqualTo("imagenet-train");
    for (JsonNode json : List.of(spec, named)) {
      assertThat(json.get("transforms").asText()).isEqualTo("RandomResizedCrop(16), HorizontalFlip");
      assertThat(json.get("preset").isNull()).isTrue();
      assertThat(json.get("digest").asText()).isEqualTo(preset.get("digest").asText());
    }
  }

  @Test
  void bench_anotherSpec_otherBytesAndItsOwnSpec() {
    JsonNode flipped = bench("--transforms", "Resize(16, 12), VerticalFlip(1), Grayscale(p=1)");
    JsonNode plain = bench("--transforms", "Resize(16, 12)");

    assertThat(flipped.get("transforms").asText()).isEqualTo("Resize(16, height=12), VerticalFlip(p=1.0), Grayscale(p=1.0)");
    assertThat(flipped.get("size").asInt()).isEqualTo(12);
    assertThat(flipped.get("digest").asText()).isNotEqualTo(plain.get("digest").asText());
  }

  @Test
  void bench_batchStepsAtTheEnd_mixTheBatchesAndAreNamedInTheSpec() {
    JsonNode plain = bench("--transforms", "Resize(16), RandAugment(n=2, m=9)");
    JsonNode mixed = bench("--transforms", "Resize(16), RandAugment(n=2, m=9), MixUp(0.2)");
    JsonNode again = bench("--transforms", "Resize(16), RandAugment(n=2, m=9), MixUp(alpha=0.2, p=1)");

    assertThat(mixed.get("transforms").asText()).isEqualTo("Resize(16), RandAugment, MixUp(alpha=0.2)");
    assertThat(mixed.get("images").asLong()).isEqualTo(plain.get("images").asLong());
    assertThat(mixed.get("digest").asText()).isNotEqualTo(plain.get("digest").asText())
        .isEqualTo(again.get("digest").asText());
  }

  @Test
  void batchSteps_inTheWrongPlaceOrOnDemo_usageErrors() {
    assertThat(refusal("bench", "--transforms", "Resize(16), MixUp(0.2), HorizontalFlip"))
        .contains("--transforms: HorizontalFlip: a per-sample step after a batch step (MixUp)");
    assertThat(refusal("demo", "--transforms", "Resize(16), CutMix"))
        .contains("--transforms: demo's reference model trains on hard labels")
        .contains("CutMix");
  }

  @Test
  void bench_aJsonFile_atOrByItsExtension(@TempDir Path dir) throws IOException {
    String list = "[{\"type\":\"Resize\",\"width\":16,\"height\":16},{\"type\":\"HorizontalFlip\",\"p\":0.5}]";
    Path json = Files.writeString(dir.resolve("t.json"), list);
    Path other = Files.writeString(dir.resolve("t.list"), list);

    for (String value : List.of(json.toString(), "@" + other)) {
      assertThat(bench("--transforms", value).get("transforms").asText()).isEqualTo("Resize(16), HorizontalFlip");
    }
  }

  @Test
  void bench_badSpec_usageErrorWithTheCaret() {
    String err = refusal("bench", "--transforms", "RandomResizeCrop(16), HorizontalFlip");

    assertThat(err).contains("stoker: --transforms: unknown step 'RandomResizeCrop' at column 1; did you mean "
        + "RandomResizedCrop?\n  RandomResizeCrop(16), HorizontalFlip\n  ^^^^^^^^^^^^^^^^");
    assertThat(refusal("bench", "--transforms", "Resize(16), HorizontalFlip(p=1.5)"))
        .contains("stoker: --transforms: HorizontalFlip: p must be in [0.0, 1.0], got 1.5 at column 30");
  }

  @Test
  void bench_transformsBesidePresetOrSize_refused() {
    assertThat(refusal("bench", "--transforms", "Resize(16)", "--preset", "decode-only"))
        .contains("stoker: --transforms names every step and size; leave out --preset");
    assertThat(refusal("bench", "--transforms", "Resize(16)", "--size", "16"))
        .contains("stoker: --transforms names every step and size; leave out --size");
  }

  @Test
  void bench_specThatCannotRun_refusedBeforeTheRun() {
    assertThat(refusal("bench", "--transforms", "HorizontalFlip"))
        .contains("stoker: --transforms: must end at a fixed output size").contains("got HorizontalFlip");
    assertThat(refusal("bench", "--transforms", "Resize(16), Normalize(imagenet), HorizontalFlip"))
        .contains("stoker: --transforms: Normalize(imagenet) must be the last step");
  }

  @Test
  void bench_badJsonFile_refusedNamingTheFile(@TempDir Path dir) throws IOException {
    Path missing = dir.resolve("missing.json");
    assertThat(refusal("bench", "--transforms", missing.toString()))
        .contains("stoker: --transforms: " + missing + ": no such file");
    Path bad = Files.writeString(dir.resolve("bad.json"), "[{\"type\":\"Resize\",\"width\":16}]");
    assertThat(refusal("bench", "--transforms", "@" + bad))
        .contains("stoker: --transforms: " + bad + ": step 0, field height: Missing creator property 'height'");
  }

  @Test
  void demo_transformsEndingInNormalize_refused() {
    assertThat(refusal("demo", "--transforms", "Resize(16), Normalize(imagenet)"))
        .contains("stoker: --transforms: demo normalizes on the GPU (or the host) itself");
  }

  @Test
  void demo_transforms_namedOnTheRunLine() {
    console.resetErr();
    assertThat(StokerCli.run("demo", dataset.dir().toString(), "--epochs", "1", "--batch", "4", "--threads", "2",
        "--transforms", "Resize(32), CenterCrop(16)")).as(console.err()).isZero();
    assertThat(console.err()).contains("transforms Resize(32), CenterCrop(16), 2 threads");
  }

  @Test
  void readme_defaultsTable_listsEveryStepsSignature() throws IOException {
    String readme = Files.readString(Path.of("..", "README.md")).replace("\\|", "|");
    List<String> all = new ArrayList<>(TransformSpecs.signatures());
    all.addAll(TransformSpecs.batchSignatures());
    for (String signature : all) {
      assertThat(readme).as("README.md's defaults table").contains("| `" + signature + "` |");
    }
  }
}
