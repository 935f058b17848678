package dev.stoker.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stoker.api.RingStats;
import dev.stoker.api.Stage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link Calibration} on stage times recorded by hand and a ring whose counters the test sets (no clock). */
class CalibrationTest {
  private static final int BATCH = 16;
  private final PipelineMetrics metrics = new PipelineMetrics(null, null);
  private final AtomicReference<RingStats> ring = new AtomicReference<>(new RingStats(0, 0, 0, 0));
  private final List<Autotune.Decision> decisions = new ArrayList<>();

  @AfterEach
  void close() {
    metrics.close();
  }

  /** One batch went through: its samples' stage times, the consumer's time, and the ring's wait and busy time. */
  private void batch(Calibration calibration, long workerNanos, long consumerNanos, long waitNanos) {
    for (int i = 0; i < BATCH; i++) {
      metrics.read(workerNanos / 4);
      metrics.sample(workerNanos / 2, workerNanos / 4);
    }
    metrics.record(Stage.CONSUMER, consumerNanos);
    RingStats r = ring.get();
    ring.set(new RingStats(r.batches() + 1, r.samples() + BATCH, r.waitNanos() + waitNanos,
        r.busyNanos() + consumerNanos));
    calibration.afterBatch();
  }

  @Test
  void afterBatch_consumerBoundWindow_parksOnceFromTheWindowsTimesOnly() {
    Calibration calibration = new Calibration(metrics, ring::get, 8, BATCH, 3, decisions::add);
    // the first batch is skipped: a slow start (cold code, pool filling) must not count
    batch(calibration, 100_000_000, 1_000, 50_000_000);
    for (int i = 0; i < 2; i++) {
      batch(calibration, 4_000_000, 16_000_000, 0);   // consumer 1,000 images/s, a worker 250/s
      assertThat(decisions).isEmpty();
    }
    batch(calibration, 4_000_000, 16_000_000, 0);
    assertThat(decisions).singleElement().extracting(Autotune.Decision::active).isEqualTo(5);
    assertThat(calibration.done()).isTrue();
    batch(calibration, 4_000_000, 16_000_000, 0);
    assertThat(decisions).hasSize(1);
  }

  @Test
  void afterBatch_consumerWaitsInTheWindow_keepsEveryWorker() {
    Calibration calibration = new Calibration(metrics, ring::get, 8, BATCH, 2, decisions::add);
    for (int i = 0; i < 3; i++) {
      batch(calibration, 4_000_000, 16_000_000, 16_000_000);   // waited half its time
    }
    assertThat(decisions).singleElement().extracting(Autotune.Decision::active).isEqualTo(8);
  }

  @Test
  void runStarted_beforeTheWindowFilled_startsItAgain() {
    Calibration calibration = new Calibration(metrics, ring::get, 8, BATCH, 2, decisions::add);
    batch(calibration, 4_000_000, 16_000_000, 0);
    batch(calibration, 4_000_000, 16_000_000, 0);
    calibration.runStarted();
    batch(calibration, 4_000_000, 16_000_000, 0);
    batch(calibration, 4_000_000, 16_000_000, 0);
    assertThat(decisions).isEmpty();
    batch(calibration, 4_000_000, 16_000_000, 0);
    assertThat(decisions).hasSize(1);
  }

  @Test
  void window_quarterOfTheEpochBetweenTwoAndEight() {
    assertThat(Calibration.window(1)).isEqualTo(2);
    assertThat(Calibration.window(16)).isEqualTo(4);
    assertThat(Calibration.window(5_000)).isEqualTo(8);
  }
}
