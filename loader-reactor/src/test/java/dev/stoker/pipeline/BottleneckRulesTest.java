package dev.stoker.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.stoker.advice.FeedAdvice;
import dev.stoker.advice.FeedFacts;
import dev.stoker.advice.Remedy;
import dev.stoker.api.Bottleneck;
import dev.stoker.api.Bottleneck.Bound;
import dev.stoker.pipeline.BottleneckRules.Context;
import dev.stoker.pipeline.BottleneckRules.Timings;
import org.junit.jupiter.api.Test;

/** The verdict from fabricated mean times: which stage, which rates, which sentence. */
class BottleneckRulesTest {
  private static final double MS = 1e6;

  /** 2 workers that read, batches of 256, a consumer that could take 3,000 images/s. */
  private static Timings timings(double read, double decode, double augment, double collate, double wait) {
    return new Timings(2, 0, 256, read, decode, augment, collate, 256 * 1e9 / 3000, 10_000, wait);
  }

  @Test
  void judge_consumerWaitedMostlyAndDecodeTakesMost_decodeBoundWithBothRates() {
    Bottleneck b = BottleneckRules.judge(timings(0, 0.8 * MS, 0.2 * MS, 0, 60));

    assertThat(b.bound()).isEqualTo(Bound.DECODE);
    assertThat(b.producerImagesPerSecond()).isEqualTo(2000.0);
    assertThat(b.consumerImagesPerSecond()).isCloseTo(3000.0, within(1e-6));
    assertThat(b.sentence()).isEqualTo(
        "decode-bound: 2 workers decode 2,000 images/s (decode is 80% of their 1.0 ms per image); "
            + "the consumer asked for 3,000");
  }

  @Test
  void judge_augmentTakesMost_augmentBound() {
    Bottleneck b = BottleneckRules.judge(timings(0.05 * MS, 0.3 * MS, 0.6 * MS, 0.05 * MS, 50));

    assertThat(b.bound()).isEqualTo(Bound.AUGMENT);
    assertThat(b.sentence()).startsWith("augment-bound: 2 workers augment 2,000 images/s (augment is 60% of");
  }

  @Test
  void judge_workersReadAndReadTakesMost_readBound() {
    Bottleneck b = BottleneckRules.judge(timings(0.7 * MS, 0.2 * MS, 0.1 * MS, 0, 95));

    assertThat(b.bound()).isEqualTo(Bound.READ);
    assertThat(b.sentence()).startsWith("read-bound: 2 workers read 2,000 images/s (read is 70% of");
  }

  @Test
  void judge_readsOnTheirOwnThreadsSlowerThanTheWorkers_readBoundNamingReadsInFlight() {
    Timings t = new Timings(2, 8, 256, 20 * MS, 0.8 * MS, 0.2 * MS, 0, 256 * 1e9 / 3000, 10_000, 70);

    Bottleneck b = BottleneckRules.judge(t);

    assertThat(b.bound()).isEqualTo(Bound.READ);
    assertThat(b.producerImagesPerSecond()).isEqualTo(400.0);
    assertThat(b.sentence()).isEqualTo(
        "read-bound: 8 reads in flight deliver 400 images/s (20 ms per read); the consumer asked for 3,000");
  }

  @Test
  void judge_readsOnTheirOwnThreadsFasterThanTheWorkers_readTimeIsNotAWorkerShare() {
    Timings t = new Timings(2, 8, 256, 0.9 * MS, 0.8 * MS, 0.2 * MS, 0, 256 * 1e9 / 3000, 10_000, 70);

    Bottleneck b = BottleneckRules.judge(t);

    assertThat(b.bound()).isEqualTo(Bound.DECODE);
    assertThat(b.producerImagesPerSecond()).isEqualTo(2000.0);
  }

  @Test
  void judge_serialCollateSlowerThanTheWorkers_collateBound() {
    Bottleneck b = BottleneckRules.judge(new Timings(16, 0, 256, 0, 1 * MS, 0.5 * MS, 0.5 * MS,
        256 * 1e9 / 3000, 10_000, 40));

    assertThat(b.bound()).isEqualTo(Bound.COLLATE);
    assertThat(b.producerImagesPerSecond()).isEqualTo(2000.0);
    assertThat(b.sentence()).startsWith("collate-bound: copying into the ring takes 0.50 ms per image, one at a time");
  }

  @Test
  void judge_consumerWaitedLittle_consumerBoundNamingItsTimePerBatch() {
    Timings t = new Timings(2, 0, 256, 0, 0.4 * MS, 0.1 * MS, 0, 85 * MS, 10_000, 3.2);

    Bottleneck b = BottleneckRules.judge(t);

    assertThat(b.bound()).isEqualTo(Bound.CONSUMER);
    assertThat(b.sentence()).isEqualTo("consumer-bound: the consumer takes 85 ms per batch of 256 (3,012 images/s) "
        + "and waited for data 3.2% of the time; the workers could produce 4,000 images/s");
  }

  @Test
  void judge_consumerWaitJustBelowAndAtTheThreshold_consumerThenProducer() {
    double threshold = BottleneckRules.PRODUCER_BOUND_WAIT_PERCENT;

    assertThat(BottleneckRules.judge(timings(0, MS, 0, 0, Math.nextDown(threshold))).bound()).isEqualTo(Bound.CONSUMER);
    assertThat(BottleneckRules.judge(timings(0, MS, 0, 0, threshold)).bound()).isEqualTo(Bound.DECODE);
  }

  @Test
  void judge_nothingDelivered_unknown() {
    Timings t = new Timings(2, 0, 256, 0, 0, 0, 0, 0, 0, 0);

    Bottleneck b = BottleneckRules.judge(t);

    assertThat(b.bound()).isEqualTo(Bound.UNKNOWN);
    assertThat(b.sentence()).isEqualTo("unknown: no samples were delivered");
  }

  @Test
  void judge_producerBoundButNoProducingStageTimed_unknown() {
    Bottleneck b = BottleneckRules.judge(timings(0, 0, 0, 0, 50));

    assertThat(b.bound()).isEqualTo(Bound.UNKNOWN);
    assertThat(b.producerImagesPerSecond()).isInfinite();
  }

  @Test
  void judge_consumerTookNoMeasurableTime_sentenceSaysSoInsteadOfAnInfiniteRate() {
    Timings producerBound = new Timings(2, 0, 256, 0, MS, 0, 0, 0, 100, 90);
    Timings consumerBound = new Timings(2, 0, 256, 0, MS, 0, 0, 0, 100, 0);

    assertThat(BottleneckRules.judge(producerBound).sentence()).endsWith("the consumer asked for more (it took no "
        + "measurable time)");
    assertThat(BottleneckRules.judge(consumerBound).sentence()).doesNotContain("Infinity")
        .contains("took no measurable time per batch");
  }

  /** Supplied samples (remote nodes): nothing decodes here, the collate is timed, the samples come off the wire. */
  private static Timings supplied(double collate, double sourceWait) {
    return new Timings(2, 0, 256, 0, 0, 0, collate, 256 * 1e9 / 3000, 10_000, 90, sourceWait);
  }

  @Test
  void judge_sourceWaitDominates_sourceBoundNotCollateBound() {
    Bottleneck b = BottleneckRules.judge(supplied(0.3 * MS, 5 * MS));

    assertThat(b.bound()).as(b.sentence()).isEqualTo(Bound.SOURCE);
    assertThat(b.producerImagesPerSecond()).isCloseTo(200.0, within(1e-6));
    assertThat(b.sentence()).isEqualTo("source-bound: the nodes or the network deliver a sample every 5.0 ms "
        + "(200 images/s; node/network-bound) while the collate could take 3,333; the consumer asked for 3,000");
  }

  @Test
  void judge_suppliedButCollateSlowerThanTheWire_stillCollateBound() {
    Bottleneck b = BottleneckRules.judge(supplied(5 * MS, 0.3 * MS));

    assertThat(b.bound()).as(b.sentence()).isEqualTo(Bound.COLLATE);
    assertThat(b.sentence()).startsWith("collate-bound: copying into the ring takes 5.0 ms per image");
  }

  // --- the advice on each bound (FeedAdvisor's rules, fed from the timings and the context) ---

  private static final long GIB = 1L << 30;

  /** An 8-core machine with 16 GiB free, a local dataset of unknown size, a 224x224 output. */
  private static Context machine(int cores) {
    return new Context(cores, 16 * GIB, -1, 224 * 224, false, 0);
  }

  @Test
  void judge_decodeBoundWithCoresToSpare_advisesThreadsFromTheWorkersTime() {
    FeedAdvice a = BottleneckRules.judge(timings(0, 0.8 * MS, 0.2 * MS, 0, 60), machine(8)).advice();

    assertThat(a.first()).isEqualTo(Remedy.ADD_THREADS);
    assertThat(a.sentence()).isEqualTo("decode-bound: the consumer asked for 1.5x what the workers deliver (3,000 vs "
        + "2,000 images/s); first, use 3 threads instead of 2 (8 cores; 1,000 images/s per thread reaches 3,000)");
  }

  @Test
  void judge_augmentBoundAtAllCores_advisesACheaperRecipeWithItsShare() {
    FeedAdvice a = BottleneckRules.judge(timings(0.05 * MS, 0.3 * MS, 0.6 * MS, 0.05 * MS, 50), machine(2)).advice();

    assertThat(a.first()).isEqualTo(Remedy.CHEAPER_RECIPE);
    assertThat(a.sentence()).startsWith("augment-bound: the consumer asked for 1.5x what the workers deliver")
        .endsWith("first, a cheaper recipe: augment takes 60% of each worker's time with all 2 cores busy (fewer or "
            + "cheaper steps, or a smaller output)");
  }

  @Test
  void judge_decodeBoundAtAllCores_advisesNodesLikeThisOne() {
    FeedAdvice a = BottleneckRules.judge(timings(0, 0.8 * MS, 0.2 * MS, 0, 60), machine(2)).advice();

    assertThat(a.first()).isEqualTo(Remedy.ADD_NODES);
    assertThat(a.change()).isEqualTo("serve from 2 data-server nodes like this one (stoker serve, --remote): all 2 "
        + "cores feed 2,000 images/s of the 3,000 asked");
  }

  @Test
  void judge_aTargetGiven_advisesAgainstItNotTheConsumer() {
    Timings t = timings(0, 0.8 * MS, 0.2 * MS, 0, 60);

    FeedAdvice given = BottleneckRules.judge(t, machine(8), 4_000).advice();

    assertThat(given.targetImagesPerSecond()).isEqualTo(4_000.0);
    assertThat(given.change()).startsWith("use 4 threads instead of 2");
    assertThat(BottleneckRules.judge(t, machine(8), Double.NaN).advice().change())
        .as("no target: the consumer's 3,000 (the negative control)").startsWith("use 3 threads instead of 2");
  }

  @Test
  void judge_decodeBoundAtAllCoresOnLargeSources_advisesPackingAsDoctorDoes() {
    Context large = new Context(2, 16 * GIB, -1, 224 * 224, false, 0, 4.2 * 224 * 224);

    FeedAdvice a = BottleneckRules.judge(timings(0, 0.8 * MS, 0.2 * MS, 0, 60), large).advice();

    assertThat(a.first()).isEqualTo(Remedy.PACK);
    assertThat(BottleneckRules.judge(timings(0, 0.8 * MS, 0.2 * MS, 0, 60), machine(2)).advice().first())
        .as("the same run without the source size (the negative control)").isEqualTo(Remedy.ADD_NODES);
  }

  @Test
  void judge_readBoundAndTheDatasetFits_advisesTheCacheBytes() {
    Timings t = new Timings(2, 8, 256, 20 * MS, 0.8 * MS, 0.2 * MS, 0, 256 * 1e9 / 3000, 10_000, 70);

    FeedAdvice a = BottleneckRules.judge(t, new Context(8, 16 * GIB, GIB, 224 * 224, false, 0)).advice();

    assertThat(a.first()).isEqualTo(Remedy.CACHE);
    assertThat(a.sentence()).startsWith("read-bound: the consumer asked for 7.5x what the reads deliver (3,000 vs 400 "
        + "images/s); first, cache the files in memory with --cache-bytes 1024m (they take 1.0 GiB of the 16.0 GiB "
        + "available;");
  }

  @Test
  void judge_readBoundOfUnknownSize_advisesFasterStorageWithTheReadRate() {
    Timings t = new Timings(2, 8, 256, 20 * MS, 0.8 * MS, 0.2 * MS, 0, 256 * 1e9 / 3000, 10_000, 70);

    FeedAdvice a = BottleneckRules.judge(t, machine(8)).advice();

    assertThat(a.first()).isEqualTo(Remedy.FASTER_STORAGE);
    assertThat(a.change()).isEqualTo("faster storage, or more reads in flight (--in-flight): reads deliver 400 "
        + "images/s (whether a cache fits was not judged: the dataset's size is unknown)");
  }

  @Test
  void judge_collateBound_advisesASmallerOutput() {
    Bottleneck b = BottleneckRules.judge(new Timings(16, 0, 256, 0, 1 * MS, 0.5 * MS, 0.5 * MS, 256 * 1e9 / 3000,
        10_000, 40), machine(16));

    assertThat(b.advice().first()).isEqualTo(Remedy.SMALLER_OUTPUT);
    assertThat(b.advice().sentence()).startsWith("collate-bound: the consumer asked for 1.5x what the copies into "
        + "the ring deliver (3,000 vs 2,000 images/s); first, smaller output samples:")
        .contains("each sample of 50,176 pixels must shrink 1.5x");
  }

  @Test
  void judge_sourceBound_advisesMoreNodes() {
    FeedAdvice a = BottleneckRules.judge(supplied(0.3 * MS, 5 * MS), new Context(8, -1, -1, 0, true, 0)).advice();

    assertThat(a.first()).isEqualTo(Remedy.ADD_NODES);
    assertThat(a.sentence()).isEqualTo("source-bound: the consumer asked for 15x what the nodes deliver (3,000 vs 200 "
        + "images/s); first, serve from 15 times the nodes serving now, or a faster network (together they deliver "
        + "200 images/s; 3,000 are asked)");
  }

  @Test
  void judge_consumerBound_advisesNothingWithTheHeadroom() {
    Timings t = new Timings(2, 0, 256, 0, 0.4 * MS, 0.1 * MS, 0, 85 * MS, 10_000, 3.2);

    FeedAdvice a = BottleneckRules.judge(t, machine(8)).advice();

    assertThat(a.first()).isEqualTo(Remedy.NONE);
    assertThat(a.sentence()).isEqualTo("consumer-bound: the consumer sets the pace (the loader feeds 4,000 images/s, "
        + "33% headroom over the 3,012 asked); nothing to change in the loader");
  }

  @Test
  void judge_nothingDelivered_advisesNothingSayingSo() {
    FeedAdvice a = BottleneckRules.judge(new Timings(2, 0, 256, 0, 0, 0, 0, 0, 0, 0), machine(8)).advice();

    assertThat(a.first()).isEqualTo(Remedy.NONE);
    assertThat(a.sentence()).startsWith("unknown: ");
  }

  @Test
  void judge_withoutAContext_advisesAsIfTheCoresWereTheWorkers() {
    assertThat(BottleneckRules.judge(timings(0, 0.8 * MS, 0.2 * MS, 0, 60)).advice().first())
        .isEqualTo(Remedy.ADD_NODES);
  }

  @Test
  void facts_workersRead_perThreadRateAugmentShareAndReadRateFromTheWorkersTime() {
    Timings t = timings(0.5 * MS, 1 * MS, 0.5 * MS, 0, 60);
    Context c = new Context(8, 16 * GIB, 3 * GIB, 224 * 224, false, 0);

    FeedFacts f = BottleneckRules.facts(t, c, BottleneckRules.judge(t, c));

    assertThat(f.bound()).isEqualTo(Bound.DECODE);
    assertThat(f.threads()).isEqualTo(2);
    assertThat(f.cores()).isEqualTo(8);
    assertThat(f.feedImagesPerSecond()).isEqualTo(1000.0);
    assertThat(f.targetImagesPerSecond()).isCloseTo(3000.0, within(1e-6));
    assertThat(f.perThreadImagesPerSecond()).isEqualTo(500.0);
    assertThat(f.augmentShare()).isEqualTo(0.25);
    assertThat(f.readImagesPerSecond()).as("2 workers reading 0.5 ms each").isEqualTo(4000.0);
    assertThat(f.cachedReadImagesPerSecond()).isInfinite();
    assertThat(f.datasetEncodedBytes()).isEqualTo(3 * GIB);
    assertThat(f.memoryAvailableBytes()).isEqualTo(16 * GIB);
    assertThat(f.meanSourcePixels()).as("not measured in a run").isZero();
    assertThat(f.outputPixels()).isEqualTo(224 * 224);
  }
}
