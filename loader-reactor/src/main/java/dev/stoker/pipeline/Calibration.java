package dev.stoker.pipeline;

import dev.stoker.api.RingStats;
import dev.stoker.api.Stage;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Times the first batches of a loader with a memory budget and applies {@link Autotune#activeWorkers}
 * once: it skips {@value #SKIPPED} batch (the pool fills, the code warms up), then measures the
 * stage times and the consumer's wait over the next {@code window} batches from the
 * {@link PipelineMetrics} and the ring's counters. Called on the consumer's thread after each batch;
 * a run too short to fill the window leaves it for the next run.
 */
final class Calibration {
  static final int SKIPPED = 1;
  private final PipelineMetrics metrics;
  private final Supplier<RingStats> ring;
  private final int threads;
  private final int batchSize;
  private final int window;
  private final Consumer<Autotune.Decision> apply;
  private int seen;
  private boolean done;
  private Snapshot start;

  /**
   * @param threads the workers there are
   * @param window batches measured, at least 1
   * @param apply told the decision once, on the consumer's thread
   */
  Calibration(PipelineMetrics metrics, Supplier<RingStats> ring, int threads, int batchSize, int window,
      Consumer<Autotune.Decision> apply) {
    this.metrics = metrics;
    this.ring = ring;
    this.threads = threads;
    this.batchSize = batchSize;
    this.window = Math.max(1, window);
    this.apply = apply;
  }

  /** The window for an epoch of {@code batches}: a quarter of it, 2 to 8 batches. */
  static int window(long batches) {
    return (int) Math.max(2, Math.min(8, batches / 4));
  }

  /** A new run starts: the window starts again unless calibration is done. */
  void runStarted() {
    seen = 0;
    start = null;
  }

  /** Whether the decision was applied. */
  boolean done() {
    return done;
  }

  /** One batch went through the consumer. */
  void afterBatch() {
    if (done) {
      return;
    }
    seen++;
    if (seen == SKIPPED) {
      start = snapshot();
    } else if (start != null && seen == SKIPPED + window) {
      done = true;
      apply.accept(Autotune.activeWorkers(threads, start.measuredUntil(snapshot(), batchSize)));
    }
  }

  private Snapshot snapshot() {
    long[] counts = new long[Stage.values().length];
    double[] nanos = new double[Stage.values().length];
    for (Stage s : Stage.values()) {
      counts[s.ordinal()] = metrics.count(s);
      nanos[s.ordinal()] = metrics.totalNanos(s);
    }
    return new Snapshot(counts, nanos, ring.get());
  }

  private record Snapshot(long[] counts, double[] nanos, RingStats ring) {
    Autotune.Measured measuredUntil(Snapshot end, int batchSize) {
      double worker = mean(end, Stage.READ) + mean(end, Stage.DECODE) + mean(end, Stage.AUGMENT)
          + mean(end, Stage.COLLATE);
      long consumed = end.counts[Stage.CONSUMER.ordinal()] - counts[Stage.CONSUMER.ordinal()];
      double consumer = consumed == 0 ? 0
          : (end.nanos[Stage.CONSUMER.ordinal()] - nanos[Stage.CONSUMER.ordinal()]) / consumed;
      RingStats between = end.ring.minus(ring);
      return new Autotune.Measured(worker, consumer, batchSize, between.consumerWaitPercent(), between.samples());
    }

    private double mean(Snapshot end, Stage stage) {
      long n = end.counts[stage.ordinal()] - counts[stage.ordinal()];
      return n == 0 ? 0 : (end.nanos[stage.ordinal()] - nanos[stage.ordinal()]) / n;
    }
  }
}
