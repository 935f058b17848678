package dev.stoker.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code stoker plan} (issue 19) and {@code bench --literal-order}. */
class PlanCommandTest {
  private static final String RECIPE = "ColorJitter(0.4, 0.4, 0.4), Rotate(-10, 10), RandomResizedCrop(224), "
      + "HorizontalFlip";

  @RegisterExtension
  static final CliDataset dataset = CliDataset.demo(3);

  @RegisterExtension
  final ConsoleCapture console = new ConsoleCapture();

  @Test
  void plan_text_showsBothOrdersTheRatioAndWhyTheJitterMoves() {
    int status = StokerCli.run("plan", "--transforms", RECIPE);

    assertThat(status).as(console.err()).isZero();
    assertThat(console.out())
        .contains("on a 4000x3000 image (12.0 MP)")
        .contains("as written (a naive pipeline")
        .contains("as Stoker executes it")
        .containsPattern("(?m)^  decode +decode the whole image +4000x3000 +4000x3000")
        .contains("  step 1: ColorJitter(brightness=0.4, contrast=0.4, saturation=0.4)")
        .containsPattern("(?m)^  1 ColorJitter +on the image it receives +4000x3000")
        .containsPattern("(?m)^  decode +decode region at 1/\\d DCT scale")
        .containsPattern("(?m)^  2\\+3\\+4 +folded into one map: bilinear warp into the output .* 224x224")
        .containsPattern("(?m)^  1 ColorJitter +on the output +224x224 +224x224")
        .containsPattern("estimated: [0-9.]+ ms as written, [0-9.]+ ms as Stoker runs it: [0-9.]+x")
        .contains("steps Stoker would run elsewhere than written:")
        .contains("step 1 ColorJitter: within_tolerance: ");
  }

  @Test
  void plan_json_emitsTheDocumentedKeys() {
    int status = StokerCli.run("plan", "--transforms", RECIPE, "--image", "6000x4000", "--json");

    assertThat(status).as(console.err()).isZero();
    JsonNode json = console.lastJson();
    assertThat(keys(json)).containsExactly("transforms", "image_width", "image_height", "draws", "naive", "stoker",
        "naive_ms", "stoker_ms", "ratio", "written_order_kept", "notes", "costs_ns_per_pixel");
    assertThat(json.get("image_width").asInt()).isEqualTo(6000);
    assertThat(json.get("naive")).hasSize(5);
    assertThat(keys(json.get("naive").get(1))).containsExactly("steps", "names", "action", "in_width", "in_height",
        "out_width", "out_height", "pixels_in", "pixels_out", "ms");
    assertThat(json.get("naive").get(1).get("names").get(0).asText())
        .isEqualTo("ColorJitter(brightness=0.4, contrast=0.4, saturation=0.4)");
    assertThat(json.get("stoker").get(1).get("steps")).extracting(JsonNode::asInt).containsExactly(2, 3, 4);
    assertThat(json.get("ratio").asDouble()).isGreaterThan(4)
        .isCloseTo(json.get("naive_ms").asDouble() / json.get("stoker_ms").asDouble(),
            org.assertj.core.api.Assertions.within(0.05));
    assertThat(json.get("notes").get(0).get("verdict").asText()).isEqualTo("within_tolerance");
  }

  @Test
  void plan_badImageOrSpec_exitsTwoNamingTheOption() {
    assertThat(StokerCli.run("plan", "--transforms", RECIPE, "--image", "4000by3000")).isEqualTo(2);
    assertThat(console.err()).contains("--image");
    assertThat(StokerCli.run("plan", "--transforms", "Rotate(-10, 10)")).isEqualTo(2);
    assertThat(console.err()).contains("--transforms").contains("fixed output size");
  }

  @Test
  void bench_literalOrder_saysSoInJsonSameSeedSameBytesOtherBytesThanThePlan() {
    List<String> base = List.of("bench", dataset.dir().toString(), "--threads", "2", "--batch", "4", "--epochs", "1",
        "--json", "--transforms", "ColorJitter(0.4, 0.4, 0.4), Rotate(-10, 10), RandomResizedCrop(32), HorizontalFlip");
    List<String> literal = new ArrayList<>(base);
    literal.add("--literal-order");

    assertThat(StokerCli.run(literal.toArray(String[]::new))).as(console.err()).isZero();
    JsonNode first = console.lastJson();
    console.resetOut();
    assertThat(StokerCli.run(literal.toArray(String[]::new))).as(console.err()).isZero();
    JsonNode again = console.lastJson();
    console.resetOut();
    assertThat(StokerCli.run(base.toArray(String[]::new))).as(console.err()).isZero();
    JsonNode folded = console.lastJson();

    assertThat(first.get("literal_order").asBoolean()).isTrue();
    assertThat(folded.get("literal_order").asBoolean()).isFalse();
    assertThat(first.get("failed").asInt()).isZero();
    assertThat(again.get("digest").asText()).isEqualTo(first.get("digest").asText());
    assertThat(folded.get("digest").asText()).isNotEqualTo(first.get("digest").asText());
  }

  @Test
  void plan_stepThatDiffers_saysItIsKeptInPlaceAndShowsTheWrittenOrder() {
    assertThat(StokerCli.run("plan", "--transforms", "GaussianBlur(5), Resize(224, 224)")).as(console.err()).isZero();
    assertThat(console.out())
        .contains("as Stoker executes it: in the order written, since a step is kept in place")
        .contains("step 1 GaussianBlur: differs, kept in place: defined on the output image")
        .contains("write it after the geometry")
        .containsPattern("estimated: [0-9.]+ ms as written, [0-9.]+ ms as Stoker runs it: 1.0x");
    console.resetOut();

    assertThat(StokerCli.run("plan", "--transforms", "GaussianBlur(5), Resize(224, 224)", "--json")).isZero();
    JsonNode json = console.lastJson();
    assertThat(json.get("written_order_kept").asBoolean()).isTrue();
    assertThat(json.get("stoker")).isEqualTo(json.get("naive"));
    assertThat(json.get("notes").get(0).get("verdict").asText()).isEqualTo("differs");
  }

  @Test
  void plan_noStepThatDiffers_foldsAndKeepsNothing() {
    assertThat(StokerCli.run("plan", "--transforms", RECIPE, "--json")).isZero();
    JsonNode json = console.lastJson();

    assertThat(json.get("written_order_kept").asBoolean()).isFalse();
    assertThat(json.get("stoker")).isNotEqualTo(json.get("naive"));
  }

  @Test
  void bench_stepThatDiffers_runsTheWrittenOrderAndSaysSoOnce() {
    List<String> base = List.of("bench", dataset.dir().toString(), "--threads", "2", "--batch", "4", "--epochs", "1",
        "--json", "--transforms", "GaussianBlur(5), RandomResizedCrop(32), HorizontalFlip");
    List<String> literal = new ArrayList<>(base);
    literal.add("--literal-order");

    assertThat(StokerCli.run(base.toArray(String[]::new))).as(console.err()).isZero();
    JsonNode kept = console.lastJson();
    String err = console.err();
    console.resetOut();
    assertThat(StokerCli.run(literal.toArray(String[]::new))).as(console.err()).isZero();
    JsonNode asWritten = console.lastJson();

    assertThat(kept.get("digest").asText()).isEqualTo(asWritten.get("digest").asText());
    assertThat(kept.get("literal_order").asBoolean()).isFalse();
    assertThat(kept.get("written_order_kept").asText()).startsWith("written order kept: step 1 GaussianBlur (");
    assertThat(asWritten.get("written_order_kept").isNull()).isTrue();
    assertThat(err.split("bench: transforms: written order kept", -1)).hasSize(2);
  }

  @Test
  void bench_noStepThatDiffers_foldsUnlikeTheWrittenOrder() {
    List<String> base = List.of("bench", dataset.dir().toString(), "--threads", "2", "--batch", "4", "--epochs", "1",
        "--json", "--transforms", "ColorJitter(0.4), RandomResizedCrop(32), HorizontalFlip");
    List<String> literal = new ArrayList<>(base);
    literal.add("--literal-order");

    assertThat(StokerCli.run(base.toArray(String[]::new))).as(console.err()).isZero();
    JsonNode folded = console.lastJson();
    console.resetOut();
    assertThat(StokerCli.run(literal.toArray(String[]::new))).as(console.err()).isZero();

    assertThat(folded.get("written_order_kept").isNull()).isTrue();
    assertThat(folded.get("digest").asText()).isNotEqualTo(console.lastJson().get("digest").asText());
  }

  private static List<String> keys(JsonNode node) {
    List<String> keys = new ArrayList<>();
    node.fieldNames().forEachRemaining(keys::add);
    return keys;
  }
}
