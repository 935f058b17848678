package dev.stoker.api;

import dev.stoker.api.internal.Checks;

import java.util.List;
import java.util.Optional;

/**
 * Per-stage timings of one loader run and the verdict on what limited it.
 *
 * <pre>{@code
 * loader.run(2, consumer);
 * StageReport report = loader.stageReport();
 * System.out.println(report.bottleneck().sentence());
 * report.stage(Stage.DECODE).ifPresent(s -> System.out.println(s.p99Millis()));
 * }</pre>
 *
 * @param seconds wall time of the run so far
 * @param delivered samples delivered to the consumer in the run
 * @param consumerWaitPercent the consumer's share of time spent waiting for a batch
 * @param meanRingOccupancy slots in use, on average, when the consumer took a batch (the batch's
 *     own slot included): near {@code ringSlots} the ring runs full, near 1 it runs dry
 * @param ringSlots slots in the ring
 * @param stages one entry per {@link Stage}, in the enum's order
 * @param bottleneck the verdict
 */
public record StageReport(double seconds, long delivered, double consumerWaitPercent, double meanRingOccupancy,
    int ringSlots, List<StageStats> stages, Bottleneck bottleneck) {

  /** Validates and copies the fields. */
  public StageReport {
    stages = List.copyOf(Checks.notNull(stages, "stages"));
    Checks.notNull(bottleneck, "bottleneck");
  }

  /**
   * The entry of {@code stage}, if the report has one.
   *
   * @param stage the stage to look up, not null
   * @return the stage's stats, or empty when the stage was not timed
   */
  public Optional<StageStats> stage(Stage stage) {
    Checks.notNull(stage, "stage");
    return stages.stream().filter(s -> s.stage() == stage).findFirst();
  }

  /**
   * Delivered samples per second of the run's wall time.
   *
   * @return {@code delivered / seconds}, or 0 when no time was measured
   */
  public double imagesPerSecond() {
    return seconds > 0 ? delivered / seconds : 0.0;
  }
}
