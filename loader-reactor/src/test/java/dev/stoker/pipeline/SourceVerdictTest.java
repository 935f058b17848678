package dev.stoker.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stoker.api.Bottleneck;
import dev.stoker.api.RunSummary;
import dev.stoker.api.Stage;
import dev.stoker.api.StageReport;
import dev.stoker.api.TransformSpec;
import dev.stoker.ring.BatchRings;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The verdict for samples supplied from outside (remote nodes), end to end: a supplier that is
 * slow to give each sample makes the run source-bound ("node/network-bound"), not collate-bound,
 * from the loader's own wait for the next sample; a fast supplier and a slow consumer make it
 * consumer-bound, with the ring's stalls kept out of that wait.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SourceVerdictTest {
  private static final int SIZE = 32;
  private static final int BATCH = 4;
  private static final long SLOW_MILLIS = 15;

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private record Outcome(StageReport report, RunSummary summary) {
    double mean(Stage stage) {
      return report.stage(stage).orElseThrow().meanMillis();
    }

    long count(Stage stage) {
      return report.stage(stage).orElseThrow().count();
    }
  }

  /** Runs one untimed warm-up epoch and then the epoch reported on, with {@code consumerMillis} per batch. */
  private static Outcome run(PacedSupplier supplier, long consumerMillis) {
    try (Loader loader = Loader.builder()
        .supplier(supplier)
        .transforms(List.of(new TransformSpec.Resize(FakeSamples.SIZE, FakeSamples.SIZE)))
        .batchSize(BATCH)
        .threads(2)
        .seed(3)
        .ring(BatchRings.direct(), 2)
        .build()) {
      loader.run(0, 1, batch -> { }); // warm-up: the first samples pay for class loading and the JIT
      RunSummary summary = loader.run(1, 1, batch -> sleep(consumerMillis)); // the report covers this run alone
      return new Outcome(loader.stageReport(), summary);
    }
  }

  @Test
  void stageReport_slowSupplier_sourceBoundNodeOrNetworkNotCollateBound() {
    Outcome run = run(new PacedSupplier(SIZE, SLOW_MILLIS), 0);
    Bottleneck verdict = run.report().bottleneck();

    assertThat(verdict.bound()).as(verdict.sentence()).isEqualTo(Bottleneck.Bound.SOURCE);
    assertThat(verdict.sentence()).startsWith("source-bound: the nodes or the network deliver a sample every ")
        .contains("node/network-bound").doesNotContain("collate-bound");
    assertThat(run.summary().delivered()).isEqualTo(SIZE);
    assertThat(run.count(Stage.SOURCE_WAIT)).as("one wait per supplied sample").isEqualTo(SIZE);
    assertThat(run.mean(Stage.SOURCE_WAIT)).isGreaterThanOrEqualTo(SLOW_MILLIS - 1)
        .isGreaterThan(3 * run.mean(Stage.COLLATE));
    assertThat(run.report().consumerWaitPercent()).isGreaterThan(50);
    assertThat(verdict.producerImagesPerSecond()).isLessThanOrEqualTo(1000.0 / (SLOW_MILLIS - 1));
  }

  @Test
  void stageReport_fastSupplierSlowConsumer_consumerBoundAndTheRingStallsAreNoSourceWait() {
    int size = 2 * SIZE;
    long consumerMillis = 100; // a batch of 4 every 100 ms: the ring stalls for most of it, with the supplier idle
    Outcome run = run(new PacedSupplier(size, 0), consumerMillis);
    Bottleneck verdict = run.report().bottleneck();

    assertThat(run.summary().delivered()).isEqualTo(size);
    assertThat(run.count(Stage.SOURCE_WAIT)).as("supplied samples are timed").isEqualTo(size);
    assertThat(run.count(Stage.RING_WAIT)).isPositive();
    // Counting the stalls on the full ring as waiting for the source would add about 20 ms per sample.
    assertThat(run.mean(Stage.SOURCE_WAIT)).isLessThan(10.0);
    assertThat(run.report().consumerWaitPercent()).isLessThan(10);
    assertThat(verdict.bound()).as(verdict.sentence()).isEqualTo(Bottleneck.Bound.CONSUMER);
    assertThat(verdict.sentence()).startsWith("consumer-bound").doesNotContain("node/network-bound");
  }
}
