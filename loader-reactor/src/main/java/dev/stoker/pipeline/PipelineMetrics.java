package dev.stoker.pipeline;

import dev.stoker.api.BatchConsumer;
import dev.stoker.api.BatchRing;
import dev.stoker.api.Stage;
import dev.stoker.image.SampleTimer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.DoubleSupplier;

/**
 * A loader's Micrometer meters and the hooks that feed them.
 *
 * <ul>
 *   <li>{@code stoker.stage} timers tagged {@code stage=} each {@link Stage#tag()}, publishing
 *       their 0.5, 0.95 and 0.99 percentiles (no percentile histogram buckets); among them
 *       {@code stage=source_wait}, the wait for each sample supplied from outside (remote nodes),
 *       which stays at count 0 for a local source;
 *   <li>gauges {@code stoker.ring.occupancy} (slots in use now), {@code stoker.ring.slots} and
 *       {@code stoker.consumer.wait.percent} (of the current or last run);
 *   <li>counters {@code stoker.samples.delivered}, {@code stoker.samples.failed} and
 *       {@code stoker.batches.delivered};
 *   <li>the summary {@code stoker.ring.fill}: slots in use each time the consumer took a batch.
 * </ul>
 *
 * <p>The Micrometer percentiles are time-windowed (they may include an earlier, untimed run); the
 * {@link StageReports} take theirs from a cumulative {@link StageHistogram} per stage instead, over
 * the same samples as their counts and means.
 *
 * <p>Every meter lives in a {@link SimpleMeterRegistry} of the loader's own, whose cumulative counts
 * the {@link StageReports} read whatever the user's registry does with them (a step registry resets
 * its counts each step). When the user gives a registry, the same meters are registered there too
 * and each measurement goes to both; they are removed from it on {@link #close()}. Recording
 * allocates nothing.
 *
 * <p>The stages timed once per sample (read, decode, augment, collate, source wait) run on many
 * threads at once; their times are held in {@link StageTimeStripes}, one stripe per thread as far
 * as they go, and reach the meters in runs of {@link StageTimeStripes#RUN} per thread and stage,
 * so that the workers share no meter's cache line at every sample. {@link #flush()} hands on what is
 * held; {@link #count}, {@link #totalNanos} and {@link #histogram} call it, and so do the
 * {@link StageReports} at each run's start and end. Between flushes the meters (in the user's
 * registry too) lag by about one batch: after each batch the consumer's thread asks every stripe to
 * hand on what it holds at its next record (on a node, which has no consumer, by up to {@code RUN}
 * samples per thread and stage). The stages timed once per
 * batch or per stall (consumer, ring wait, list) are recorded at once.
 */
final class PipelineMetrics implements SampleTimer, AutoCloseable {
  static final String STAGE_TIMER = "stoker.stage";
  static final String RING_OCCUPANCY = "stoker.ring.occupancy";
  static final String RING_SLOTS = "stoker.ring.slots";
  static final String RING_FILL = "stoker.ring.fill";
  static final String CONSUMER_WAIT = "stoker.consumer.wait.percent";
  static final String DELIVERED = "stoker.samples.delivered";
  static final String FAILED = "stoker.samples.failed";
  static final String BATCHES = "stoker.batches.delivered";

  private final SimpleMeterRegistry own = new SimpleMeterRegistry();
  private final MeterRegistry user;
  /** Both registries, the own one first, or the own one alone. */
  private final List<MeterRegistry> targets;
  private final List<Meter> userMeters = new ArrayList<>();
  /** Per stage (by ordinal), one timer per target. */
  private final Timer[][] stages = new Timer[Stage.values().length][];
  /** Per stage (by ordinal), the same times in a cumulative histogram, for per-run percentiles. */
  private final StageHistogram[] histograms = new StageHistogram[Stage.values().length];
  private final Counter[] delivered;
  private final Counter[] failed;
  private final Counter[] batches;
  private final DistributionSummary[] ringFill;
  /** The per-sample stages' times, held per thread until a run of them is full or a flush. */
  private final StageTimeStripes held;
  /** Bytes read, summed over the samples whose reads were timed with their size. */
  private final LongAdder readBytes = new LongAdder();
  private final LongAdder sourcePixels = new LongAdder();

  /**
   * @param user the registry to publish to as well, or null for the own one alone
   * @param listTime how long opening the source took, recorded as the list stage, or null
   */
  PipelineMetrics(MeterRegistry user, Duration listTime) {
    this(user, listTime, 0);
  }

  /**
   * @param user the registry to publish to as well, or null for the own one alone
   * @param listTime how long opening the source took, recorded as the list stage, or null
   * @param workers the threads that will time samples, so that each has a stripe of its own (0 if unknown)
   */
  PipelineMetrics(MeterRegistry user, Duration listTime, int workers) {
    this.held = new StageTimeStripes(Stage.values().length,
        StageTimeStripes.stripesFor(Runtime.getRuntime().availableProcessors(), workers), this::recordNow);
    this.user = user;
    this.targets = user == null ? List.of(own) : List.of(own, user);
    for (Stage stage : Stage.values()) {
      histograms[stage.ordinal()] = new StageHistogram();
      stages[stage.ordinal()] = targets.stream().map(r -> keep(r, Timer.builder(STAGE_TIMER)
          .description("time of one run of a loader stage; see dev.stoker.api.Stage")
          .tag("stage", stage.tag())
          .publishPercentiles(0.5, 0.95, 0.99)
          .percentilePrecision(2)
          .publishPercentileHistogram(false)
          .register(r))).toArray(Timer[]::new);
    }
    delivered = counters(DELIVERED, "samples delivered to the consumer");
    failed = counters(FAILED, "samples that failed to read or decode and were skipped");
    batches = counters(BATCHES, "batches delivered to the consumer");
    ringFill = targets.stream().map(r -> keep(r, DistributionSummary.builder(RING_FILL)
        .description("ring slots in use when the consumer took a batch, its own included")
        .register(r))).toArray(DistributionSummary[]::new);
    if (listTime != null) {
      record(Stage.LIST, listTime.toNanos());
    }
  }

  private Counter[] counters(String name, String description) {
    return targets.stream().map(r -> keep(r, Counter.builder(name).description(description).register(r)))
        .toArray(Counter[]::new);
  }

  /** Notes a meter registered in the user's registry, to remove it on close. */
  private <M extends Meter> M keep(MeterRegistry registry, M meter) {
    if (registry == user) {
      userMeters.add(meter);
    }
    return meter;
  }

  /** The registry the user gave, or else the loader's own. */
  MeterRegistry registry() {
    return user != null ? user : own;
  }

  /** Adds the gauges of {@code ring} and of the consumer's wait share. */
  void watch(BatchRing ring, DoubleSupplier consumerWaitPercent) {
    for (MeterRegistry r : targets) {
      keep(r, Gauge.builder(RING_OCCUPANCY, ring, BatchRing::occupancy).strongReference(true)
          .description("ring slots claimed or published and not yet released").register(r));
      keep(r, Gauge.builder(RING_SLOTS, ring, BatchRing::slots).strongReference(true)
          .description("slots in the ring").register(r));
      keep(r, Gauge.builder(CONSUMER_WAIT, consumerWaitPercent, DoubleSupplier::getAsDouble).strongReference(true)
          .description("the consumer's share of time waiting for data in the current or last run, percent")
          .register(r));
    }
  }

  /** Records a time of a stage timed once per batch or per stall, at once. */
  void record(Stage stage, long nanos) {
    recordNow(stage.ordinal(), nanos);
  }

  /** Holds a time of a stage timed once per sample, until its run is full or a {@link #flush()}. */
  void recordPerSample(Stage stage, long nanos) {
    held.record(stage.ordinal(), nanos);
  }

  private void recordNow(int stage, long nanos) {
    histograms[stage].record(nanos);
    for (Timer t : stages[stage]) {
      t.record(nanos, TimeUnit.NANOSECONDS);
    }
  }

  /** Hands every held per-sample time on to the meters; call before reading them. */
  void flush() {
    held.flush();
  }

  /** One sample's bytes were read in {@code nanos}. */
  void read(long nanos) {
    recordPerSample(Stage.READ, nanos);
  }

  /** One sample's {@code bytes} were read in {@code nanos}. */
  void read(long nanos, long bytes) {
    recordPerSample(Stage.READ, nanos);
    readBytes.add(bytes);
  }

  /** The bytes read so far ({@link #read(long, long)}), for the advice's estimate of the dataset's size. */
  long readBytes() {
    return readBytes.sum();
  }

  @Override
  public void sample(long decodeNanos, long augmentNanos) {
    recordPerSample(Stage.DECODE, decodeNanos);
    recordPerSample(Stage.AUGMENT, augmentNanos);
  }

  @Override
  public void sample(long decodeNanos, long augmentNanos, long pixels) {
    sample(decodeNanos, augmentNanos);
    sourcePixels.add(pixels);
  }

  /** The source pixels of the samples processed so far, for the advice's mean source size. */
  long sourcePixels() {
    return sourcePixels.sum();
  }

  /** One sample failed. */
  void failed() {
    for (Counter c : failed) {
      c.increment();
    }
  }

  /**
   * {@code consumer} timed: each batch's time in it goes to the consumer stage, the slots in use
   * when it started to the ring fill, and (when it returns) its samples to the delivered counters.
   */
  BatchConsumer timing(BatchConsumer consumer, BatchRing ring) {
    return batch -> {
      double fill = ring.occupancy();
      for (DistributionSummary s : ringFill) {
        s.record(fill);
      }
      long start = System.nanoTime();
      try {
        consumer.accept(batch);
      } finally {
        record(Stage.CONSUMER, System.nanoTime() - start);
      }
      for (int i = 0; i < batches.length; i++) {
        batches[i].increment();
        delivered[i].increment(batch.size());
      }
      held.nextGeneration();
    };
  }

  /**
   * A probe for one run's bridge: its copies are the collate stage, its stalls the ring wait and,
   * when {@code sourceWait}, its idle time with room for more the {@link Stage#SOURCE_WAIT}: one
   * record per arriving sample or failure, of the time since the one before it was copied (or since
   * room was made for it) during which the bridge had asked for more and the ring had room. Ask for
   * that only where the samples come from outside the loader: a local origin's samples are late
   * because its own stages are busy, and those are timed already.
   */
  BridgeProbe bridgeProbe(boolean sourceWait) {
    return new BridgeProbe() {
      private long stalledSince = -1;
      /** Since when the bridge has waited with demand outstanding, or -1. */
      private long waitingSince = -1;
      /** Waited before a ring stall between two arrivals (when an epoch's end marker was the last asked for). */
      private long waitedBefore;

      @Override
      public void arrived() {
        if (waitingSince >= 0) {
          recordPerSample(Stage.SOURCE_WAIT, waitedBefore + System.nanoTime() - waitingSince);
          waitingSince = -1;
          waitedBefore = 0;
        }
      }

      @Override
      public void collated(long nanos) {
        recordPerSample(Stage.COLLATE, nanos);
      }

      @Override
      public void demand(long outstanding) {
        long now = System.nanoTime();
        if (outstanding == 0) {
          if (stalledSince < 0) {
            stalledSince = now;
          }
          if (waitingSince >= 0) {
            waitedBefore += now - waitingSince;
            waitingSince = -1;
          }
          return;
        }
        if (stalledSince >= 0) {
          record(Stage.RING_WAIT, now - stalledSince);
          stalledSince = -1;
        }
        if (sourceWait && waitingSince < 0) {
          waitingSince = now;
        }
      }
    };
  }

  /** The cumulative count of {@code stage} in the own registry, held times handed on first. */
  long count(Stage stage) {
    flush();
    return stages[stage.ordinal()][0].count();
  }

  /** The cumulative time of {@code stage} in the own registry, in nanoseconds, held times handed on first. */
  double totalNanos(Stage stage) {
    flush();
    return stages[stage.ordinal()][0].totalTime(TimeUnit.NANOSECONDS);
  }

  /** The cumulative bucket counts of {@code stage}'s times, for {@link StageHistogram#percentile}. */
  long[] histogram(Stage stage) {
    flush();
    return histograms[stage.ordinal()].copy();
  }

  /** Samples delivered so far, over the loader's life. */
  long delivered() {
    return (long) delivered[0].count();
  }

  /** Batches the ring fill was recorded for so far. */
  long fillCount() {
    return ringFill[0].count();
  }

  /** The sum of the recorded ring fills so far. */
  double fillTotal() {
    return ringFill[0].totalAmount();
  }

  /** Removes the meters from the user's registry and closes the own one. */
  @Override
  public void close() {
    if (user != null) {
      userMeters.forEach(user::remove);
      userMeters.clear();
    }
    own.close();
  }
}
