package dev.stoker.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * The timeline of a run for {@code --report}: a sampler thread takes a {@link Reading} of the
 * loader's cumulative meters every {@link #PERIOD_MILLIS} ms, and {@link #points()} turns each
 * pair of neighbouring readings into one interval's rates: images/s per stage, the consumer's busy
 * and waiting shares, the ring's mean fill. The number of readings is bounded: when
 * {@link #MAX_READINGS} are held, every other one is dropped and the period doubles, so a run of
 * hours keeps the same few hundred points (its rates stay exact averages, since readings are
 * cumulative). The epoch of each reading is kept, and the time each epoch was first seen.
 *
 * <pre>{@code
 * try (RunTimeline timeline = RunTimeline.start(LoaderProbe.of(loader), System::nanoTime)) {
 *   loader.run(0, 3, consumer);
 *   timeline.stop();
 *   List<RunTimeline.Point> points = timeline.points();
 * }
 * }</pre>
 */
final class RunTimeline implements AutoCloseable {
  /** The first sampling period. */
  static final long PERIOD_MILLIS = 200;
  /** Readings held at most; then every other is dropped and the period doubles. */
  static final int MAX_READINGS = 480;
  /** The stages charted, in this order: the per-sample counts of {@link Reading#counts()}. */
  static final List<String> STAGES = List.of("read", "decode", "augment", "collate", "delivered");

  /**
   * One reading of the loader's meters, all cumulative over the loader's life except the epoch.
   *
   * @param nanos when, on the timeline's clock
   * @param epoch the epoch the loader is in (its state's epoch)
   * @param counts samples through each of {@link #STAGES}
   * @param consumerBusyNanos the consumer's time inside its batches
   * @param consumerWaitNanos the consumer's time waiting for a batch
   * @param fills batches the ring's fill was recorded for (one per batch taken)
   * @param fillTotal the sum of those fills (slots in use when the consumer took a batch)
   * @param ringSlots slots in the ring
   */
  record Reading(long nanos, int epoch, long[] counts, double consumerBusyNanos, double consumerWaitNanos,
      long fills, double fillTotal, int ringSlots) {
    Reading {
      if (counts.length != STAGES.size()) {
        throw new IllegalArgumentException("counts: one per stage, " + STAGES.size() + ", got " + counts.length);
      }
      counts = counts.clone();
    }

    @Override
    public long[] counts() {
      return counts.clone();
    }
  }

  /** Where readings come from: the loader's meters, or a test's fake. */
  @FunctionalInterface
  interface Probe {
    /**
     * Reads the meters now.
     *
     * @param nanos the clock's time of the reading, to put into it
     */
    Reading read(long nanos);
  }

  /**
   * One interval of the timeline.
   *
   * @param start seconds since the first reading, at the interval's start
   * @param end seconds since the first reading, at its end
   * @param epoch the epoch at its end
   * @param perSecond images per second through each of {@link #STAGES} in the interval
   * @param busyPercent the consumer's share of the interval inside its batches, in [0, 100]
   * @param waitPercent its share waiting for a batch, in [0, 100 - busyPercent]
   * @param ringFill mean slots in use when the consumer took a batch, NaN when it took none
   * @param ringSlots slots in the ring
   */
  record Point(double start, double end, int epoch, double[] perSecond, double busyPercent, double waitPercent,
      double ringFill, int ringSlots) {
    Point {
      perSecond = perSecond.clone();
    }

    @Override
    public double[] perSecond() {
      return perSecond.clone();
    }
  }

  /**
   * The time an epoch was first seen.
   *
   * @param seconds since the first reading
   * @param epoch the epoch
   */
  record EpochStart(double seconds, int epoch) {}

  private final Probe probe;
  private final LongSupplier clock;
  private final List<Reading> readings = new ArrayList<>();
  private final List<EpochStart> epochs = new ArrayList<>();
  private long periodMillis = PERIOD_MILLIS;
  private Thread thread;
  private boolean stopped;

  /** A timeline with its first reading taken now, and no thread: {@link #tick()} takes the next. */
  RunTimeline(Probe probe, LongSupplier clock) {
    this.probe = probe;
    this.clock = clock;
    tick();
  }

  /**
   * A timeline whose thread takes a reading every period until {@link #stop()} (a daemon thread,
   * {@code stoker-report}).
   */
  static RunTimeline start(Probe probe, LongSupplier clock) {
    RunTimeline timeline = new RunTimeline(probe, clock);
    timeline.thread = Thread.ofPlatform().daemon().name("stoker-report").start(timeline::loop);
    return timeline;
  }

  private void loop() {
    while (true) {
      long period;
      synchronized (this) {
        if (stopped) {
          return;
        }
        period = periodMillis;
      }
      try {
        Thread.sleep(period);
      } catch (InterruptedException e) {
        return;
      }
      tick();
    }
  }

  /**
   * Takes one reading (nothing once stopped), dropping every other held reading first when
   * {@link #MAX_READINGS} are held.
   */
  synchronized void tick() {
    tick(false);
  }

  /**
   * Takes one reading; the {@code last} one replaces the one before it if that came less than half
   * a period earlier, so that the timeline does not end on a sliver whose rate is mostly noise (the
   * meters' last flush as the run ends).
   */
  private void tick(boolean last) {
    if (stopped) {
      return;
    }
    Reading r = probe.read(clock.getAsLong());
    if (last && readings.size() >= 2 && r.nanos() - readings.getLast().nanos() < periodMillis * 1_000_000 / 2) {
      readings.removeLast();
    }
    if (readings.size() >= MAX_READINGS) {
      List<Reading> kept = new ArrayList<>(MAX_READINGS / 2 + 1);
      for (int i = 0; i < readings.size(); i += 2) {
        kept.add(readings.get(i));
      }
      readings.clear();
      readings.addAll(kept);
      periodMillis *= 2;
    }
    if (readings.isEmpty() || readings.getLast().epoch() != r.epoch()) {
      epochs.add(new EpochStart(readings.isEmpty() ? 0 : seconds(r), r.epoch()));
    }
    readings.add(r);
  }

  /**
   * Takes the last reading (it replaces the one before if that is under half a period old) and ends
   * the thread; later calls do nothing.
   */
  void stop() {
    synchronized (this) {
      if (stopped) {
        return;
      }
      tick(true);
      stopped = true;
    }
    if (thread != null) {
      thread.interrupt();
    }
  }

  /** The current sampling period, in milliseconds. */
  synchronized long periodMillis() {
    return periodMillis;
  }

  /** The readings held. */
  synchronized int readings() {
    return readings.size();
  }

  /** Each epoch's first sighting, in order. */
  synchronized List<EpochStart> epochs() {
    return List.copyOf(epochs);
  }

  /** Seconds from the first reading to the last. */
  synchronized double seconds() {
    return readings.isEmpty() ? 0 : seconds(readings.getLast());
  }

  private double seconds(Reading r) {
    return (r.nanos() - readings.getFirst().nanos()) / 1e9;
  }

  /** One point per pair of neighbouring readings held (none before the second reading). */
  synchronized List<Point> points() {
    List<Point> points = new ArrayList<>(readings.size());
    for (int i = 1; i < readings.size(); i++) {
      Reading a = readings.get(i - 1);
      Reading b = readings.get(i);
      double dt = (b.nanos() - a.nanos()) / 1e9;
      if (dt <= 0) {
        continue;
      }
      long[] ca = a.counts;
      long[] cb = b.counts;
      double[] rates = new double[STAGES.size()];
      for (int s = 0; s < rates.length; s++) {
        rates[s] = Math.max(0, cb[s] - ca[s]) / dt;
      }
      double busy = share(b.consumerBusyNanos() - a.consumerBusyNanos(), dt);
      double wait = Math.min(100 - busy, share(b.consumerWaitNanos() - a.consumerWaitNanos(), dt));
      long fills = b.fills() - a.fills();
      double fill = fills > 0 ? (b.fillTotal() - a.fillTotal()) / fills : Double.NaN;
      points.add(new Point(seconds(a), seconds(b), b.epoch(), rates, busy, wait, fill, b.ringSlots()));
    }
    return points;
  }

  /** {@code nanos} as a percentage of {@code seconds}, in [0, 100]. */
  private static double share(double nanos, double seconds) {
    double p = 100 * nanos / (seconds * 1e9);
    return Double.isFinite(p) ? Math.max(0, Math.min(100, p)) : 0;
  }

  /** Same as {@link #stop()}. */
  @Override
  public void close() {
    stop();
  }
}
