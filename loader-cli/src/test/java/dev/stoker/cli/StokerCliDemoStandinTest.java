package dev.stoker.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stoker.cuda.standin.StandinCheck;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code stoker demo --json} on the CUDA driver stand-in (a test fixture, found first as
 * libcuda.so.1 in the surefire execution {@code standin}): the CUDA backend runs end to end, pinned
 * slots, copies, the normalize kernels and the reference trainer's kernels (host builds of the same
 * {@code .cu} sources), and the trainer learns from what arrived on the "device". {@link StandinCheck}
 * fails the test on anything the stand-in reports (a use after free, a free under a queued copy, a
 * launch with wrong parameters, a leak).
 */
@Tag("standin")
@ExtendWith(StandinCheck.class)
class StokerCliDemoStandinTest {
  @RegisterExtension
  static final CliDataset dataset = CliDataset.demo(10);

  @RegisterExtension
  final ConsoleCapture console = new ConsoleCapture();

  @Test
  void demoJson_onTheStandin_trainsOnTheCudaBackendAndTheTrainerLearns() throws Exception {
    int status = StokerCli.run("demo", dataset.dir().toString(), "--epochs", "4", "--size", "32", "--batch", "16",
        "--json");

    assertThat(status).as(console.err()).isZero();
    JsonNode json = console.lastJson();
    assertThat(json.get("backend").asText()).as(json.toString()).isEqualTo("cuda");
    assertThat(json.get("device").asText()).as("the stand-in's device, never reported as a GPU").contains("stand-in");
    assertThat(json.get("driver_version").asInt()).isPositive();
    assertThat(json.get("fallback_reason").asText()).isEmpty();
    assertThat(json.get("delivered").asLong()).isEqualTo(4L * 60);
    assertThat(json.get("bytes_to_device").asLong()).as("every batch's pixels were copied to the device")
        .isGreaterThanOrEqualTo(4L * 60 * 32 * 32 * 3);
    double lossStart = json.get("loss_start").asDouble();
    double lossEnd = json.get("loss_end").asDouble();
    double accuracy = json.get("accuracy").asDouble();
    double chance = json.get("chance").asDouble();
    assertThat(lossEnd).as("loss falls").isLessThan(lossStart * 0.8);
    assertThat(accuracy).as("clearly above chance").isGreaterThan(chance + 0.3);
    assertThat(console.out()).contains("trained on the GPU");
  }
}
