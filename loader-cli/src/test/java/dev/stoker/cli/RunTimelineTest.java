package dev.stoker.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The sampler on a fake clock and fake meters: no thread, no sleeping, no timed assertion. */
class RunTimelineTest {
  /** Fake meters: a loader delivering {@code rate} images/s through every stage, busy a tenth of the time. */
  private static final class FakeMeters implements RunTimeline.Probe {
    long nanos;
    int epoch;
    double rate = 1000;
    double busyShare = 0.1;
    double waitShare = 0.8;
    double fill = 3;
    int batchSize = 10;

    /** Advances the clock by {@code millis}. */
    long advance(long millis) {
      nanos += millis * 1_000_000;
      return nanos;
    }

    @Override
    public RunTimeline.Reading read(long now) {
      double seconds = now / 1e9;
      long images = Math.round(rate * seconds);
      long batches = images / batchSize;
      return new RunTimeline.Reading(now, epoch, new long[] {images, images, images, images, images},
          busyShare * now, waitShare * now, batches, fill * batches, 4);
    }
  }

  @Test
  void points_fromCumulativeReadings_areEachIntervalsRatesAndShares() {
    FakeMeters meters = new FakeMeters();
    RunTimeline timeline = new RunTimeline(meters, () -> meters.nanos);
    meters.advance(200);
    timeline.tick();
    meters.advance(200);
    timeline.tick();
    List<RunTimeline.Point> points = timeline.points();
    assertThat(points).hasSize(2);
    RunTimeline.Point p = points.get(1);
    assertThat(p.start()).isEqualTo(0.2, within(1e-9));
    assertThat(p.end()).isEqualTo(0.4, within(1e-9));
    for (double r : p.perSecond()) {
      assertThat(r).isEqualTo(1000, within(1e-6));
    }
    assertThat(p.busyPercent()).isEqualTo(10, within(1e-9));
    assertThat(p.waitPercent()).isEqualTo(80, within(1e-9));
    assertThat(p.ringFill()).isEqualTo(3, within(1e-9));
    assertThat(p.ringSlots()).isEqualTo(4);
  }

  @Test
  void points_busyAndWaitOverTheInterval_areClippedSoTheyAddUpToAtMostAHundred() {
    FakeMeters meters = new FakeMeters();
    meters.busyShare = 0.7;
    meters.waitShare = 0.9;   // a consumer timer that lags, or a wait share rounded up: never over 100%
    RunTimeline timeline = new RunTimeline(meters, () -> meters.nanos);
    meters.advance(250);
    timeline.tick();
    RunTimeline.Point p = timeline.points().getFirst();
    assertThat(p.busyPercent()).isEqualTo(70, within(1e-9));
    assertThat(p.waitPercent()).isEqualTo(30, within(1e-9));
  }

  @Test
  void points_noBatchTakenInAnInterval_ringFillIsNaN() {
    FakeMeters meters = new FakeMeters();
    meters.rate = 0;
    RunTimeline timeline = new RunTimeline(meters, () -> meters.nanos);
    meters.advance(200);
    timeline.tick();
    assertThat(timeline.points().getFirst().ringFill()).isNaN();
    assertThat(timeline.points().getFirst().perSecond()).containsOnly(0.0);
  }

  @Test
  void tick_pastMaxReadings_keepsEveryOtherAndDoublesThePeriod_ratesStayExact() {
    FakeMeters meters = new FakeMeters();
    RunTimeline timeline = new RunTimeline(meters, () -> meters.nanos);
    int halvings = 0;
    for (int i = 0; i < 3 * RunTimeline.MAX_READINGS; i++) {
      boolean full = timeline.readings() == RunTimeline.MAX_READINGS;
      long period = timeline.periodMillis();
      meters.advance(period);
      timeline.tick();
      if (full) {
        halvings++;
        assertThat(timeline.readings()).isEqualTo(RunTimeline.MAX_READINGS / 2 + 1);
        assertThat(timeline.periodMillis()).isEqualTo(2 * period);
      } else {
        assertThat(timeline.periodMillis()).isEqualTo(period);
      }
      assertThat(timeline.readings()).isLessThanOrEqualTo(RunTimeline.MAX_READINGS);
    }
    assertThat(halvings).isGreaterThanOrEqualTo(3);
    assertThat(timeline.periodMillis()).isEqualTo(RunTimeline.PERIOD_MILLIS << halvings);
    assertThat(timeline.readings()).isGreaterThanOrEqualTo(RunTimeline.MAX_READINGS / 2);
    List<RunTimeline.Point> points = timeline.points();
    assertThat(points).hasSize(timeline.readings() - 1);
    for (RunTimeline.Point p : points) {
      assertThat(p.perSecond()[RunTimeline.STAGES.indexOf("delivered")]).isEqualTo(1000, within(1.0));
      assertThat(p.end()).isGreaterThan(p.start());
    }
    assertThat(points.getFirst().start()).isZero();
    assertThat(points.getLast().end()).isEqualTo(timeline.seconds());
  }

  @Test
  void tick_belowMaxReadings_keepsEveryReading_negativeControl() {
    FakeMeters meters = new FakeMeters();
    RunTimeline timeline = new RunTimeline(meters, () -> meters.nanos);
    for (int i = 0; i < RunTimeline.MAX_READINGS - 1; i++) {
      meters.advance(RunTimeline.PERIOD_MILLIS);
      timeline.tick();
    }
    assertThat(timeline.readings()).isEqualTo(RunTimeline.MAX_READINGS);
    assertThat(timeline.periodMillis()).isEqualTo(RunTimeline.PERIOD_MILLIS);
  }

  @Test
  void epochs_eachEpochsFirstReading_isMarkedOnce() {
    FakeMeters meters = new FakeMeters();
    RunTimeline timeline = new RunTimeline(meters, () -> meters.nanos);
    meters.advance(200);
    timeline.tick();
    meters.epoch = 1;
    meters.advance(200);
    timeline.tick();
    meters.advance(200);
    timeline.tick();
    assertThat(timeline.epochs()).containsExactly(new RunTimeline.EpochStart(0, 0),
        new RunTimeline.EpochStart(0.4, 1));
    assertThat(timeline.points().getLast().epoch()).isEqualTo(1);
  }

  @Test
  void stop_takesAFinalReading_andLaterTicksAreIgnored() {
    FakeMeters meters = new FakeMeters();
    RunTimeline timeline = new RunTimeline(meters, () -> meters.nanos);
    meters.advance(130);
    timeline.stop();
    assertThat(timeline.readings()).isEqualTo(2);
    meters.advance(200);
    timeline.tick();
    timeline.stop();
    timeline.close();
    assertThat(timeline.readings()).isEqualTo(2);
    assertThat(timeline.seconds()).isEqualTo(0.13, within(1e-9));
  }

  @Test
  void stop_underHalfAPeriodAfterTheLastReading_replacesIt_soNoSliverEndsTheTimeline() {
    FakeMeters meters = new FakeMeters();
    RunTimeline timeline = new RunTimeline(meters, () -> meters.nanos);
    meters.advance(200);
    timeline.tick();
    meters.advance(200);
    timeline.tick();
    meters.advance(40);
    timeline.stop();
    assertThat(timeline.readings()).isEqualTo(3);
    assertThat(timeline.points().getLast().start()).isEqualTo(0.2, within(1e-9));
    assertThat(timeline.points().getLast().end()).isEqualTo(0.44, within(1e-9));
  }

  @Test
  void stop_halfAPeriodOrMoreAfterTheLastReading_addsIt_negativeControl() {
    FakeMeters meters = new FakeMeters();
    RunTimeline timeline = new RunTimeline(meters, () -> meters.nanos);
    meters.advance(200);
    timeline.tick();
    meters.advance(100);
    timeline.stop();
    assertThat(timeline.readings()).isEqualTo(3);
    assertThat(timeline.points().getLast().start()).isEqualTo(0.2, within(1e-9));
  }

  @Test
  void start_thread_readsUntilStopped() throws Exception {
    FakeMeters meters = new FakeMeters();
    RunTimeline timeline = RunTimeline.start(meters, System::nanoTime);
    timeline.stop();
    int held = timeline.readings();
    assertThat(held).isGreaterThanOrEqualTo(2);
    Thread.sleep(2 * RunTimeline.PERIOD_MILLIS);   // not a timed assertion: nothing may arrive after stop
    assertThat(timeline.readings()).isEqualTo(held);
  }
}
