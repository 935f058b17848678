package dev.stoker.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code --memory}: the loader chooses inside the budget, says what it chose, and refuses a budget too small. */
class StokerCliMemoryTest {
  @RegisterExtension
  static final CliDataset dataset = CliDataset.demo(10);

  @RegisterExtension
  final ConsoleCapture console = new ConsoleCapture();

  private int bench(String... extra) {
    List<String> args = new java.util.ArrayList<>(List.of("bench", dataset.dir().toString(), "--size", "32",
        "--batch", "16", "--epochs", "1", "--json"));
    args.addAll(List.of(extra));
    return StokerCli.run(args.toArray(String[]::new));
  }

  @Test
  void bench_memory_choosesInsideTheBudgetAndSaysSoInTextAndJson() {
    assertThat(bench("--memory", "512m")).as(console.err()).isZero();
    JsonNode json = console.lastJson();
    assertThat(json.get("autotuned").asBoolean()).isTrue();
    assertThat(json.get("memory_budget_bytes").asLong()).isEqualTo(512L << 20);
    assertThat(json.get("memory_bytes").asLong()).isLessThanOrEqualTo(512L << 20)
        .isEqualTo(json.get("ring_bytes").asLong() + json.get("sample_buffer_bytes").asLong()
            + json.get("worker_bytes").asLong());
    assertThat(json.get("threads").asInt()).isEqualTo(Runtime.getRuntime().availableProcessors());
    assertThat(json.get("active_threads").asInt()).isBetween(1, json.get("threads").asInt());
    assertThat(json.get("ring_slots").asInt()).isEqualTo(4);
    assertThat(json.get("in_flight").asInt()).isEqualTo(4 * json.get("threads").asInt());
    assertThat(json.get("tuning").asText()).contains("the budget holds the full setting");
    assertThat(console.err()).contains("tuning: autotuned within 512.0 MiB: ");
  }

  @Test
  void bench_memoryWithThreadsInFlightAndSlots_keepsThem() {
    assertThat(bench("--memory", "512m", "--threads", "3", "--in-flight", "5", "--ring-slots", "2"))
        .as(console.err()).isZero();
    JsonNode json = console.lastJson();
    assertThat(List.of(json.get("threads").asInt(), json.get("active_threads").asInt(), json.get("in_flight").asInt(),
        json.get("ring_slots").asInt())).containsExactly(3, 3, 5, 2);
    assertThat(json.get("tuning").asText()).contains("threads as given", "in-flight as given", "ring slots as given");
  }

  @Test
  void bench_noMemory_settingsAsGivenAndTheSameDigest() {
    assertThat(bench("--threads", "1", "--in-flight", "1", "--ring-slots", "1")).as(console.err()).isZero();
    JsonNode untuned = console.lastJson();
    assertThat(untuned.get("autotuned").asBoolean()).isFalse();
    assertThat(untuned.get("memory_budget_bytes").asLong()).isZero();
    console.resetOut();
    assertThat(bench("--memory", "512m")).as(console.err()).isZero();
    assertThat(console.lastJson().get("digest").asText()).isEqualTo(untuned.get("digest").asText());
  }

  @Test
  void bench_memoryTooSmall_refusedNamingMemoryAndTheMinimum() {
    assertThat(bench("--memory", "1m")).isEqualTo(2);
    assertThat(console.err()).contains("stoker: --memory: 1,048,576 bytes cannot hold the smallest setting")
        .contains("raise --memory to at least").doesNotContain("memoryBudget").doesNotContain("\tat ");
  }

  @Test
  void bench_inFlightZero_refusedNamingTheOption() {
    assertThat(bench("--in-flight", "0")).isEqualTo(2);
    assertThat(console.err()).contains("stoker: --in-flight: must be at least 1, got 0");
  }
}
