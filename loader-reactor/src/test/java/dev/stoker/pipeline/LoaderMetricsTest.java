package dev.stoker.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoker.api.RunSummary;
import dev.stoker.api.Stage;
import dev.stoker.api.StageReport;
import dev.stoker.api.StageStats;
import dev.stoker.api.TransformSpec;
import dev.stoker.testkit.Await;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The loader's meters and stage report, on the test ring: what is counted where, per run. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LoaderMetricsTest {
  private final List<Loader> loaders = new ArrayList<>();
  private final RecordingRing.Factory rings = new RecordingRing.Factory();

  @AfterEach
  void close() {
    loaders.forEach(Loader::close);
  }

  private LoaderBuilder builder(FakeSamples.Source source, int batchSize, int slots) {
    return Loader.builder()
        .source(source)
        .decoder(new FakeSamples.Decoder())
        .transforms(List.of(new TransformSpec.Resize(FakeSamples.SIZE, FakeSamples.SIZE)))
        .batchSize(batchSize)
        .threads(2)
        .inFlight(4)
        .seed(7)
        .ring(rings, slots);
  }

  private Loader build(LoaderBuilder builder) {
    Loader loader = builder.build();
    loaders.add(loader);
    return loader;
  }

  private static Timer stage(MeterRegistry registry, Stage stage) {
    return registry.get(PipelineMetrics.STAGE_TIMER).tag("stage", stage.tag()).timer();
  }

  private static double counter(MeterRegistry registry, String name) {
    return registry.get(name).counter().count();
  }

  @Test
  void run_withFailures_timersAndCountersMatchWhatWasReadDecodedAndDelivered() {
    int size = 30;
    FakeSamples.Source source = new FakeSamples.Source(size, Set.of(3), Set.of(7));
    Loader loader = build(builder(source, 4, 2));

    RunSummary summary = loader.run(1, batch -> { });

    MeterRegistry registry = loader.meterRegistry();
    assertThat(summary.delivered()).isEqualTo(size - 2);
    assertThat(stage(registry, Stage.READ).count()).as("reads that returned bytes").isEqualTo(size - 1);
    assertThat(stage(registry, Stage.DECODE).count()).isEqualTo(summary.delivered());
    assertThat(stage(registry, Stage.AUGMENT).count()).isEqualTo(summary.delivered());
    assertThat(stage(registry, Stage.COLLATE).count()).isEqualTo(summary.delivered());
    assertThat(stage(registry, Stage.CONSUMER).count()).isEqualTo(summary.batches());
    assertThat(stage(registry, Stage.LIST).count()).isZero();
    assertThat(stage(registry, Stage.SOURCE_WAIT).count()).as("a local source's wait is its own stages").isZero();
    assertThat(counter(registry, PipelineMetrics.DELIVERED)).isEqualTo(summary.delivered());
    assertThat(counter(registry, PipelineMetrics.BATCHES)).isEqualTo(summary.batches());
    assertThat(counter(registry, PipelineMetrics.FAILED)).isEqualTo(summary.failed());
    assertThat(registry.get(PipelineMetrics.RING_SLOTS).gauge().value()).isEqualTo(2);
    assertThat(registry.get(PipelineMetrics.RING_OCCUPANCY).gauge().value()).isZero();
    assertThat(registry.get(PipelineMetrics.RING_FILL).summary().count()).isEqualTo(summary.batches());
  }

  @Test
  void run_readsOnIoThreads_readsAreTimedThere() {
    int size = 12;
    Loader loader = build(builder(new FakeSamples.Source(size), 4, 2).readOnIoThreads(true));

    loader.run(2, batch -> { });

    assertThat(stage(loader.meterRegistry(), Stage.READ).count()).isEqualTo(2L * size);
  }

  @Test
  void stageReport_secondRun_coversThatRunAloneButListOverTheLoadersLife() {
    int size = 10;
    Loader loader = build(builder(new FakeSamples.Source(size), 4, 2).listTime(Duration.ofMillis(25)));
    loader.run(0, 2, batch -> { });

    RunSummary second = loader.run(2, 1, batch -> { });
    StageReport report = loader.stageReport();

    assertThat(report.delivered()).isEqualTo(second.delivered()).isEqualTo(size);
    assertThat(report.stages()).extracting(StageStats::stage).containsExactly(Stage.values());
    assertThat(report.stage(Stage.READ).orElseThrow().count()).isEqualTo(size);
    assertThat(report.stage(Stage.DECODE).orElseThrow().count()).isEqualTo(size);
    assertThat(report.stage(Stage.CONSUMER).orElseThrow().count()).isEqualTo(second.batches());
    StageStats list = report.stage(Stage.LIST).orElseThrow();
    assertThat(list.count()).isEqualTo(1);
    assertThat(list.meanMillis()).isEqualTo(25.0);
    assertThat(report.ringSlots()).isEqualTo(2);
    assertThat(report.meanRingOccupancy()).isBetween(1.0, 2.0);
    assertThat(report.bottleneck().sentence()).isNotBlank();
    assertThat(stage(loader.meterRegistry(), Stage.READ).count()).as("the meter itself is cumulative")
        .isEqualTo(3L * size);
  }

  @Test
  void stageReport_slowWarmUpThenFastRun_percentilesCoverTheSameSamplesAsTheMean() {
    Loader loader = build(builder(new FakeSamples.Source(16), 4, 2));
    loader.run(1, batch -> sleep(40));

    loader.run(1, batch -> { });
    StageStats consumer = loader.stageReport().stage(Stage.CONSUMER).orElseThrow();

    assertThat(consumer.count()).isEqualTo(4);
    assertThat(consumer.meanMillis()).as("the fast run alone").isLessThan(20);
    assertThat(consumer.p99Millis()).as("no warm-up batch in the percentiles").isLessThan(20);
    assertThat(consumer.p50Millis()).isLessThanOrEqualTo(consumer.p95Millis());
    assertThat(consumer.p95Millis()).isLessThanOrEqualTo(consumer.p99Millis());
  }

  @Test
  void stageReport_fastWarmUpThenSlowRun_percentilesSeeTheSlowBatches() {
    Loader loader = build(builder(new FakeSamples.Source(16), 4, 2));
    loader.run(1, batch -> { });

    loader.run(1, batch -> sleep(30));
    StageStats consumer = loader.stageReport().stage(Stage.CONSUMER).orElseThrow();

    assertThat(consumer.p50Millis()).isGreaterThanOrEqualTo(25);
    assertThat(consumer.p99Millis()).isGreaterThanOrEqualTo(consumer.p50Millis());
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Test
  void run_consumerHoldsTheFirstBatchUntilTheRingIsFull_ringWaitRecordsTheStall() throws Exception {
    int slots = 2;
    Loader loader = build(builder(new FakeSamples.Source(64), 4, slots));

    loader.run(1, batch -> {
      if (batch.indexInEpoch() == 0) {
        RecordingRing ring = rings.ring;
        Await.until(() -> ring.published() == slots, "the ring to fill");
      }
    });

    assertThat(stage(loader.meterRegistry(), Stage.RING_WAIT).count()).isPositive();
    assertThat(loader.stageReport().stage(Stage.RING_WAIT).orElseThrow().count()).isPositive();
  }

  @Test
  void bridgeProbe_supplied_sourceWaitSpansAnEndMarkerButNotTheRingStallAfterIt() {
    try (PipelineMetrics metrics = new PipelineMetrics(null, null)) {
      BridgeProbe probe = metrics.bridgeProbe(true);

      probe.demand(4); // room: the wait starts
      sleep(30); // an epoch's end marker arrives (no arrived()) and was the last thing asked for:
      probe.demand(0); // the ring is full
      sleep(300); // the stall is the ring's wait, not the source's
      probe.demand(4);
      sleep(30);
      probe.arrived();

      assertThat(metrics.count(Stage.SOURCE_WAIT)).isEqualTo(1);
      assertThat(metrics.totalNanos(Stage.SOURCE_WAIT) / 1e6).as("both waits with room, not the stall")
          .isBetween(59.0, 250.0);
      assertThat(metrics.count(Stage.RING_WAIT)).isEqualTo(1);
      assertThat(metrics.totalNanos(Stage.RING_WAIT) / 1e6).isGreaterThanOrEqualTo(299.0);
    }
  }

  @Test
  void bridgeProbe_local_noSourceWaitEvenWithRoomAndNothingArriving() {
    try (PipelineMetrics metrics = new PipelineMetrics(null, null)) {
      BridgeProbe probe = metrics.bridgeProbe(false);

      probe.demand(4);
      sleep(20);
      probe.arrived();
      probe.collated(1_000);

      assertThat(metrics.count(Stage.SOURCE_WAIT)).isZero();
      assertThat(metrics.count(Stage.COLLATE)).isEqualTo(1);
    }
  }

  @Test
  void meterRegistry_given_metersArePublishedThereAndRemovedOnClose() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    Loader loader = build(builder(new FakeSamples.Source(8), 4, 2).meterRegistry(registry));

    RunSummary summary = loader.run(1, batch -> { });

    assertThat(loader.meterRegistry()).isSameAs(registry);
    assertThat(stage(registry, Stage.DECODE).count()).isEqualTo(summary.delivered());
    assertThat(counter(registry, PipelineMetrics.DELIVERED)).isEqualTo(summary.delivered());
    assertThat(registry.find(PipelineMetrics.CONSUMER_WAIT).gauge()).isNotNull();
    loader.close();
    assertThat(registry.getMeters()).isEmpty();
  }

  @Test
  void builder_badMetricsArguments_failNamingTheParameter() {
    LoaderBuilder builder = Loader.builder();

    assertThatThrownBy(() -> builder.meterRegistry(null)).hasMessageStartingWith("meterRegistry");
    assertThatThrownBy(() -> builder.listTime(null)).hasMessageStartingWith("listTime");
    assertThatThrownBy(() -> builder.listTime(Duration.ofSeconds(-1))).hasMessageStartingWith("listTime");
  }

  @Test
  void stageReport_beforeAnyRun_reportsNothingDelivered() {
    Loader loader = build(builder(new FakeSamples.Source(8), 4, 2));

    StageReport report = loader.stageReport();

    assertThat(report.delivered()).isZero();
    assertThat(report.bottleneck().bound()).isEqualTo(dev.stoker.api.Bottleneck.Bound.UNKNOWN);
  }
}
