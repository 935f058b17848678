package dev.stoker.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stoker.cuda.CudaStatus;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code stoker demo --json}: the reference trainer learns from what the loader delivers. */
class StokerCliDemoTrainingTest {
  @RegisterExtension
  static final CliDataset dataset = CliDataset.demo(20);

  @RegisterExtension
  final ConsoleCapture console = new ConsoleCapture();

  @Test
  void demo_json_lastLineShowsTheTrainerLearnedAndNamesTheBackend() throws Exception {
    int status = StokerCli.run("demo", dataset.dir().toString(), "--epochs", "5", "--size", "64", "--batch", "16", "--json");

    assertThat(status).as(console.err()).isZero();
    JsonNode json = console.lastJson();
    assertThat(json.get("backend").asText()).isEqualTo(CudaStatus.probe().usable() ? "cuda" : "host");
    assertThat(json.get("delivered").asLong()).isEqualTo(5L * 120);
    assertThat(json.get("images_per_s").asDouble()).isPositive();
    assertThat(json.get("consumer_wait_pct").asDouble()).isBetween(0.0, 100.0);
    double lossStart = json.get("loss_start").asDouble();
    double lossEnd = json.get("loss_end").asDouble();
    double accuracy = json.get("accuracy").asDouble();
    double chance = json.get("chance").asDouble();
    assertThat(lossEnd).as("loss falls").isLessThan(lossStart * 0.7);
    assertThat(chance).isBetween(1.0 / 6, 0.5);
    assertThat(accuracy).as("clearly above chance").isGreaterThan(chance + 0.3);
    assertThat(console.out()).contains("trained on the ");
  }

  @Test
  void demo_json_withoutAGpu_saysWhyItFellBack() throws Exception {
    int status = StokerCli.run("demo", dataset.dir().toString(), "--epochs", "1", "--size", "32", "--batch", "16", "--json");

    assertThat(status).isZero();
    JsonNode json = console.lastJson();
    assertThat(json.get("decoder").asText()).isIn("libjpeg-turbo", "imageio");
    assertThat(json.get("advice").asText()).startsWith(json.get("bound").asText());
    assertThat(json.get("remedy").asText()).isNotBlank();
    assertThat(console.out()).contains("advice: " + json.get("advice").asText());
    if (json.get("backend").asText().equals("host")) {
      assertThat(json.get("fallback_reason").asText()).isNotBlank();
      assertThat(json.get("driver_version").isNull()).as("no driver version without CUDA").isTrue();
      assertThat(json.get("bytes_to_device").asLong()).isZero();
    } else {
      assertThat(json.get("driver_version").asInt()).isPositive();
      assertThat(json.get("bytes_to_device").asLong()).isPositive();
    }
  }

  @Test
  void demo_json_printsTheClassListAndHoldsItInLabelOrder() throws Exception {
    int status = StokerCli.run("demo", dataset.dir().toString(), "--epochs", "1", "--size", "32", "--batch", "16", "--json");

    assertThat(status).as(console.err()).isZero();
    List<String> sorted = DemoDataset.CLASSES.stream().sorted().toList();
    assertThat(console.lastJson().get("class_names")).as("index = label").extracting(JsonNode::asText)
        .containsExactlyElementsOf(sorted);
    assertThat(console.err()).contains("demo: 6 classes (label name): 0 " + sorted.get(0) + ", 1 " + sorted.get(1) + ", ");
  }
}
