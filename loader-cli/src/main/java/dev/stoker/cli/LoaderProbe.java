package dev.stoker.cli;

import dev.stoker.api.Progress;
import dev.stoker.pipeline.Loader;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;

/**
 * A {@link RunTimeline.Probe} over a {@link Loader}'s meters ({@link Loader#meterRegistry()}): the
 * {@code stoker.stage} timers' counts for read, decode, augment and collate, the
 * {@code stoker.samples.delivered} counter, the consumer stage's total time (busy), the
 * {@code stoker.ring.fill} summary and the ring's slots; the consumer's waiting time comes from
 * {@link Loader#progress()} (its wait share of the current run times the run's time so far, added
 * up over the runs) and the epoch from {@link Loader#state()}. The per-sample timers lag by about
 * one batch (see the loader's metrics), which a timeline of 200 ms intervals does not see.
 *
 * <pre>{@code
 * RunTimeline timeline = RunTimeline.start(LoaderProbe.of(loader), System::nanoTime);
 * }</pre>
 */
final class LoaderProbe implements RunTimeline.Probe {
  private final Loader loader;
  private final Timer[] stages;
  private final Counter delivered;
  private final Timer consumer;
  private final DistributionSummary fill;
  /** The waiting time of the runs before the current one. */
  private double waitBefore;
  /** The current run's waiting time at the last reading, and its elapsed seconds. */
  private double waitThisRun;
  private double lastElapsed = -1;

  private LoaderProbe(Loader loader) {
    this.loader = loader;
    MeterRegistry registry = loader.meterRegistry();
    this.stages = new Timer[RunTimeline.STAGES.size() - 1];
    for (int i = 0; i < stages.length; i++) {
      stages[i] = registry.find("stoker.stage").tag("stage", RunTimeline.STAGES.get(i)).timer();
    }
    this.delivered = registry.find("stoker.samples.delivered").counter();
    this.consumer = registry.find("stoker.stage").tag("stage", "consumer").timer();
    this.fill = registry.find("stoker.ring.fill").summary();
  }

  /** A probe of {@code loader}'s meters. */
  static LoaderProbe of(Loader loader) {
    return new LoaderProbe(loader);
  }

  @Override
  public synchronized RunTimeline.Reading read(long nanos) {
    long[] counts = new long[RunTimeline.STAGES.size()];
    for (int i = 0; i < stages.length; i++) {
      counts[i] = stages[i] == null ? 0 : stages[i].count();
    }
    counts[stages.length] = delivered == null ? 0 : (long) delivered.count();
    Progress p = loader.progress();
    if (p.elapsedSeconds() < lastElapsed) {   // a new run started: its share starts afresh
      waitBefore += waitThisRun;
    }
    lastElapsed = p.elapsedSeconds();
    waitThisRun = p.consumerWaitPercent() / 100 * p.elapsedSeconds() * 1e9;
    return new RunTimeline.Reading(nanos, loader.state().epoch(), counts,
        consumer == null ? 0 : consumer.totalTime(TimeUnit.NANOSECONDS), waitBefore + waitThisRun,
        fill == null ? 0 : fill.count(), fill == null ? 0 : fill.totalAmount(), p.ringSlots());
  }
}
