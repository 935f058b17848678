package dev.stoker.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code stoker doctor} on a small generated dataset: its sentences, its JSON keys, its usage errors. */
class DoctorCommandTest {
  @RegisterExtension
  static final CliDataset dataset = CliDataset.demo(4);   // 6 classes x 4 images

  @RegisterExtension
  final ConsoleCapture console = new ConsoleCapture();

  /** Every key the README's doctor table documents that a run with --model always writes. */
  static final List<String> KEYS = List.of("dataset", "images", "sample", "preset", "transforms", "output_width",
      "output_height", "encoded_bytes", "encoded_method", "mean_source_pixels", "decoded_bytes", "decoded_method",
      "read_cold_mb_per_s", "read_cold_images_per_s", "read_cold_method", "read_cached_mb_per_s",
      "read_cached_images_per_s", "read_cached_method", "per_core_images_per_s", "decode_ms", "augment_ms",
      "per_core_method", "cores", "memory_available_bytes", "memory_method", "encoded_cache_fits", "decoded_cache_fits",
      "gpu", "gpu_reason", "gpu_memory_bytes", "gpu_free_bytes", "gpu_h2d_gb_per_s", "gpu_method",
      "target_images_per_s", "target_method", "feed_images_per_s", "cores_needed", "nodes_needed", "data", "bound",
      "shortfall", "first_change", "feed_advice", "model", "batch", "optimizer", "model_parameters",
      "activation_bytes_per_image", "activation_basis", "gpu_memory_estimate_bytes", "gpu_memory_estimate",
      "memory_formula", "gpu_memory_judged_bytes", "largest_batch", "mixed_precision", "verdict", "changes", "reasons",
      "sentences");

  @Test
  void doctor_targetAndModel_printsEachFigureWithItsMethodAndTheJsonKeys() {
    int status = StokerCli.run("doctor", dataset.dir().toString(), "--sample", "12", "--target-images-per-s",
        "1000000", "--model", "resnet18", "--batch", "8", "--gpu-memory", "64g", "--json");

    assertThat(status).as(console.err()).isZero();
    JsonNode json = console.lastJson();
    List<String> keys = new ArrayList<>();
    json.fieldNames().forEachRemaining(keys::add);
    assertThat(keys).containsExactlyInAnyOrderElementsOf(KEYS);
    assertThat(json.get("images").asInt()).isEqualTo(24);
    assertThat(json.get("sample").asInt()).isEqualTo(12);
    assertThat(json.get("preset").asText()).isEqualTo("imagenet-train");
    assertThat(json.get("encoded_bytes").asLong()).isPositive();
    assertThat(json.get("decoded_bytes").asLong()).isCloseTo(
        Math.round(json.get("mean_source_pixels").asDouble() * 3 * 24),
        org.assertj.core.data.Offset.offset(24L * 3 + 1));
    assertThat(json.get("per_core_images_per_s").asDouble()).isPositive();
    assertThat(json.get("read_cached_images_per_s").asDouble()).isPositive();
    assertThat(json.get("read_cold_method").asText()).satisfiesAnyOf(
        m -> assertThat(m).startsWith("O_DIRECT reads (page cache bypassed)"),
        m -> assertThat(m).contains("refused O_DIRECT"));
    assertThat(json.get("gpu").isNull()).isTrue();   // no driver in this execution: the reason says why
    assertThat(json.get("gpu_reason").asText()).startsWith("no usable GPU: ");
    assertThat(json.get("target_images_per_s").asDouble()).isEqualTo(1_000_000);
    assertThat(json.get("cores_needed").asInt()).isGreaterThan(1);
    assertThat(json.get("nodes_needed").asInt()).isGreaterThan(1);
    assertThat(json.get("verdict").asText()).isEqualTo("feasible with changes");   // a million images/s: nodes
    assertThat(json.get("changes")).anyMatch(c -> c.asText().contains("data-server nodes like this one"));
    assertThat(json.get("model").asText()).isEqualTo("resnet18");
    assertThat(json.get("largest_batch").asInt()).isEqualTo(8);   // 64 GiB holds resnet18 at batch 8
    assertThat(json.get("memory_formula").asText()).startsWith("total = 1 GiB");
    assertThat(console.out())
        .contains("Dataset: ", "Reads, cold: ", "Reads, from the page cache: ", "images/s per core (the loader with 1 "
            + "worker thread", "Memory: ", "MemAvailable", "GPU: none measured: ", "Model: resnet18 at batch 8",
            "Formula: total = ", "Feed: this machine can feed ", "it needs ", "Verdict: feasible with changes: ");
  }

  @Test
  void readmeDoctorTable_listsExactlyTheKeys() throws Exception {
    List<String> lines = Files.readAllLines(Path.of("..", "README.md"));
    int start = lines.indexOf("### Can this machine feed it? (doctor)");
    assertThat(start).as("the README's doctor section").isNotNegative();
    while (!lines.get(start).startsWith("| key |")) {
      start++;
    }
    Set<String> documented = new TreeSet<>();
    Pattern key = Pattern.compile("`([a-z0-9_]+)`");
    for (int i = start + 2; i < lines.size() && lines.get(i).startsWith("|"); i++) {
      Matcher m = key.matcher(lines.get(i).split("\\|")[1]);
      while (m.find()) {
        documented.add(m.group(1));
      }
    }
    assertThat(documented).containsExactlyInAnyOrderElementsOf(KEYS);
  }

  @Test
  void doctor_modelThatCannotFitEvenOneImage_notFeasible() {
    int status = StokerCli.run("doctor", dataset.dir().toString(), "--sample", "6", "--model", "vit_b_16",
        "--gpu-memory", "1g", "--json");

    assertThat(status).as(console.err()).isZero();
    JsonNode json = console.lastJson();
    assertThat(json.get("verdict").asText()).isEqualTo("not feasible");
    assertThat(json.get("largest_batch").asInt()).isZero();
    assertThat(json.get("batch").asInt()).isEqualTo(DoctorCommand.DEFAULT_BATCH);
    assertThat(json.get("target_images_per_s").isNull()).isTrue();
    assertThat(console.out()).contains("Because: not even batch 1 fits").contains("Verdict: not feasible.");
  }

  @Test
  void doctor_stepTimeAndBatch_targetIsBatchOverStep() {
    int status = StokerCli.run("doctor", dataset.dir().toString(), "--sample", "4", "--gpu-step-ms", "100",
        "--batch", "64", "--transforms", "RandomResizedCrop(96)", "--json");

    assertThat(status).as(console.err()).isZero();
    JsonNode json = console.lastJson();
    assertThat(json.get("target_images_per_s").asDouble()).isEqualTo(640);
    assertThat(json.get("target_method").asText()).isEqualTo("--batch 64 / --gpu-step-ms 100.0");
    assertThat(json.get("preset").isNull()).isTrue();
    assertThat(json.get("output_width").asInt()).isEqualTo(96);
    assertThat(json.get("model").isNull()).isTrue();
    assertThat(json.has("batch")).isFalse();
  }

  @Test
  void doctor_unknownModel_usageErrorListingTheNames() {
    int status = StokerCli.run("doctor", dataset.dir().toString(), "--model", "resnet51");

    assertThat(status).isEqualTo(2);
    assertThat(console.err()).contains("stoker: --model: unknown model 'resnet51'; one of: resnet18, resnet50,")
        .contains("yolov5s");
  }

  @Test
  void doctor_contradictingOrIgnoredOptions_usageErrorNamingTheOption() {
    assertThat(StokerCli.run("doctor", dataset.dir().toString(), "--gpu-step-ms", "50")).isEqualTo(2);
    assertThat(console.err()).contains("stoker: --gpu-step-ms needs --batch B");
    assertThat(StokerCli.run("doctor", dataset.dir().toString(), "--gpu-step-ms", "50", "--batch", "8",
        "--target-images-per-s", "100")).isEqualTo(2);
    assertThat(console.err()).contains("stoker: --target-images-per-s and --gpu-step-ms both give the target");
    assertThat(StokerCli.run("doctor", dataset.dir().toString(), "--batch", "8")).isEqualTo(2);
    assertThat(console.err()).contains("stoker: --batch has no effect without --gpu-step-ms or --model");
    assertThat(StokerCli.run("doctor", dataset.dir().toString(), "--target-images-per-s", "0")).isEqualTo(2);
    assertThat(console.err()).contains("stoker: --target-images-per-s: must be more than 0, got 0.0");
    assertThat(StokerCli.run("doctor", dataset.dir().toString(), "--model", "resnet18", "--optimizer", "lamb"))
        .isEqualTo(2);
    assertThat(console.err()).contains("stoker: --optimizer: 'lamb' is not one of sgd, adam");
    assertThat(StokerCli.run("doctor", dataset.dir().toString(), "--preset", "imagenet-eval", "--transforms",
        "RandomResizedCrop(96)")).isEqualTo(2);
    assertThat(console.err()).contains("stoker: --transforms names every step and size; leave out --preset");
    assertThat(StokerCli.run("doctor", dataset.dir().toString(), "--sample", "0")).isEqualTo(2);
    assertThat(console.err()).contains("stoker: --sample: must be at least 1, got 0");
  }

  @Test
  void doctor_datasetThatDoesNotExist_failsWithStatus1() {
    assertThat(StokerCli.run("doctor", dataset.dir().resolve("missing").toString())).isEqualTo(1);
    assertThat(console.err()).startsWith("stoker: ");
  }
}
