package dev.stoker.advice;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stoker.api.Bottleneck.Bound;
import org.junit.jupiter.api.Test;

/** One test per rule of {@link Feasibility}, on injected hardware and measured rates. */
class FeasibilityTest {
  private static final double NONE = Double.POSITIVE_INFINITY;
  private static final long GIB = 1L << 30;

  /** 8 cores, 16 GiB free, no GPU. */
  private static final Hardware CPU_ONLY = Hardware.withoutGpu(8, 16 * GIB);

  private static FeedAdvice keepsUp(double feed, double target) {
    return new FeedAdvice(Bound.CONSUMER, feed, target, target / feed, Remedy.NONE, "", "the loader keeps up");
  }

  private static FeedAdvice short_(Bound bound, double feed, double target, Remedy first, String change) {
    return new FeedAdvice(bound, feed, target, target / feed, first, change, bound.label() + "-bound: " + change);
  }

  private static ModelMemory model(ModelFamily family, int batch, int size) {
    return ModelMemory.estimate(family, batch, size, size, ModelMemory.Optimizer.SGD_MOMENTUM, false);
  }

  @Test
  void feed_targetBelowWhatTheCoresDecode_feasibleWithoutChanges() {
    Workload w = new Workload(keepsUp(4_000, 3_000), 3_000, 500, NONE, NONE, GIB, 10 * GIB, null);

    FeasibilityAnswer a = Feasibility.judge(w, CPU_ONLY);

    assertThat(a.verdict()).isEqualTo(Verdict.FEASIBLE);
    assertThat(a.changes()).isEmpty();
    assertThat(a.feedImagesPerSecond()).isEqualTo(4_000);
    assertThat(a.coresNeeded()).isEqualTo(6);
    assertThat(a.nodesNeeded()).isEqualTo(1);
  }

  @Test
  void feed_targetAboveWhatTheCoresDecode_withChangesNamingTheNodes() {
    FeedAdvice advice = short_(Bound.DECODE, 4_000, 10_000, Remedy.CHEAPER_RECIPE, "use a cheaper recipe");
    Workload w = new Workload(advice, 10_000, 500, NONE, NONE, GIB, 10 * GIB, null);

    FeasibilityAnswer a = Feasibility.judge(w, CPU_ONLY);

    assertThat(a.verdict()).isEqualTo(Verdict.FEASIBLE_WITH_CHANGES);
    assertThat(a.coresNeeded()).isEqualTo(20);
    assertThat(a.nodesNeeded()).isEqualTo(3);
    assertThat(a.changes()).first().isEqualTo("use a cheaper recipe");   // the advisor's first change first
    assertThat(a.changes()).anyMatch(c -> c.startsWith("decode on 3 data-server nodes like this one"));
  }

  @Test
  void feed_advisorAlreadySaysNodes_nodesNotRepeated() {
    FeedAdvice advice = short_(Bound.DECODE, 4_000, 10_000, Remedy.ADD_NODES, "add 2 data-server nodes");
    Workload w = new Workload(advice, 10_000, 500, NONE, NONE, GIB, 10 * GIB, null);

    FeasibilityAnswer a = Feasibility.judge(w, CPU_ONLY);

    assertThat(a.changes()).containsExactly("add 2 data-server nodes");
  }

  @Test
  void data_coldReadsBelowTheTargetAndTheFilesFit_cacheIsAChange() {
    FeedAdvice advice = short_(Bound.READ, 1_000, 3_000, Remedy.FASTER_STORAGE, "read faster");
    Workload w = new Workload(advice, 3_000, 500, 1_000, 20_000, 4 * GIB, 40 * GIB, null);

    FeasibilityAnswer a = Feasibility.judge(w, CPU_ONLY);

    assertThat(a.verdict()).isEqualTo(Verdict.FEASIBLE_WITH_CHANGES);
    assertThat(a.data()).isEqualTo(DataAdvice.CACHE);
    assertThat(a.encodedCacheFits()).isTrue();
    assertThat(a.decodedCacheFits()).isFalse();
    assertThat(a.feedImagesPerSecond()).isEqualTo(1_000);   // bounded by the cold reads
    assertThat(a.changes()).anyMatch(c -> c.startsWith("cache the encoded files in memory"));
  }

  @Test
  void data_coldReadsBoundAndTheFilesDoNotFit_packIsAChange() {
    FeedAdvice advice = short_(Bound.READ, 1_000, 3_000, Remedy.ADD_THREADS, "more threads");
    Workload w = new Workload(advice, 3_000, 500, 1_000, 20_000, 100 * GIB, 400 * GIB, null);

    FeasibilityAnswer a = Feasibility.judge(w, CPU_ONLY);

    assertThat(a.data()).isEqualTo(DataAdvice.PACK);
    assertThat(a.encodedCacheFits()).isFalse();
    assertThat(a.changes()).anyMatch(c -> c.startsWith("pack the dataset"));
  }

  @Test
  void data_justInsideTheCacheShare_fitsAndJustOutside_doesNot() {
    long room = 16 * GIB / 100 * Feasibility.CACHE_SHARE_PERCENT;
    Workload inside = new Workload(keepsUp(4_000, NONE), NONE, 500, NONE, NONE, room, room + 1, null);

    FeasibilityAnswer a = Feasibility.judge(inside, CPU_ONLY);

    assertThat(a.encodedCacheFits()).isTrue();
    assertThat(a.decodedCacheFits()).isFalse();
  }

  @Test
  void data_readsKeepUp_noCacheAdvisedEvenIfItFits() {
    Workload w = new Workload(keepsUp(4_000, NONE), NONE, 500, 50_000, 90_000, GIB, 2 * GIB, null);

    FeasibilityAnswer a = Feasibility.judge(w, CPU_ONLY);

    assertThat(a.data()).isEqualTo(DataAdvice.NONE);
    assertThat(a.verdict()).isEqualTo(Verdict.FEASIBLE);
    assertThat(a.coresNeeded()).isZero();   // no target: the feed is reported, not judged
  }

  @Test
  void gpu_modelFitsAsAsked_feasible() {
    Hardware h = new Hardware(8, 16 * GIB, 80 * GIB, 20e9);
    Workload w = new Workload(keepsUp(4_000, NONE), NONE, 500, NONE, NONE, GIB, GIB,
        model(ModelFamily.RESNET50, 64, 224));

    FeasibilityAnswer a = Feasibility.judge(w, h);

    assertThat(a.verdict()).isEqualTo(Verdict.FEASIBLE);
    assertThat(a.largestBatch()).isEqualTo(64);
    assertThat(a.mixedPrecision()).isFalse();
  }

  @Test
  void gpu_fitsOnlyWithMixedPrecision_changeSaysMixedPrecision() {
    ModelMemory asked = model(ModelFamily.RESNET50, 128, 224);
    long between = (asked.totalBytes() + ModelMemory.estimate(ModelFamily.RESNET50, 128, 224, 224,
        ModelMemory.Optimizer.SGD_MOMENTUM, true).totalBytes()) / 2;
    Workload w = new Workload(keepsUp(4_000, NONE), NONE, 500, NONE, NONE, GIB, GIB, asked);

    FeasibilityAnswer a = Feasibility.judge(w, new Hardware(8, 16 * GIB, between, 0));

    assertThat(a.verdict()).isEqualTo(Verdict.FEASIBLE_WITH_CHANGES);
    assertThat(a.mixedPrecision()).isTrue();
    assertThat(a.largestBatch()).isEqualTo(128);
    assertThat(a.changes()).singleElement().asString().startsWith("train with mixed precision");
  }

  @Test
  void gpu_fitsOnlyAtASmallerBatch_changeNamesTheLargestBatchThatFits() {
    ModelMemory asked = model(ModelFamily.FASTERRCNN_RESNET50_FPN, 16, 800);
    Workload w = new Workload(keepsUp(4_000, NONE), NONE, 500, NONE, NONE, GIB, GIB, asked);
    long gpu = 4 * GIB;   // neither batch 16 nor mixed precision at 16 fits

    FeasibilityAnswer a = Feasibility.judge(w, new Hardware(8, 16 * GIB, gpu, 0));

    assertThat(a.verdict()).isEqualTo(Verdict.FEASIBLE_WITH_CHANGES);
    int b = a.largestBatch();
    assertThat(b).isBetween(1, 15);
    boolean mixed = a.mixedPrecision();
    assertThat(ModelMemory.estimate(ModelFamily.FASTERRCNN_RESNET50_FPN, b, 800, 800,
        ModelMemory.Optimizer.SGD_MOMENTUM, mixed).totalBytes()).isLessThanOrEqualTo(gpu);
    assertThat(ModelMemory.estimate(ModelFamily.FASTERRCNN_RESNET50_FPN, b + 1, 800, 800,
        ModelMemory.Optimizer.SGD_MOMENTUM, mixed).totalBytes()).isGreaterThan(gpu);
    assertThat(a.changes()).singleElement().asString().startsWith("use batch " + b);
  }

  @Test
  void gpu_notEvenBatchOneFits_notFeasible() {
    Workload w = new Workload(keepsUp(4_000, NONE), NONE, 500, NONE, NONE, GIB, GIB,
        model(ModelFamily.VIT_B_16, 8, 224));

    FeasibilityAnswer a = Feasibility.judge(w, new Hardware(8, 16 * GIB, GIB, 0));   // less than the overhead

    assertThat(a.verdict()).isEqualTo(Verdict.NOT_FEASIBLE);
    assertThat(a.largestBatch()).isZero();
    assertThat(a.reasons()).anyMatch(r -> r.startsWith("not even batch 1 fits"));
  }

  @Test
  void gpu_noGpu_modelNotJudgedAndSaidSo() {
    Workload w = new Workload(keepsUp(4_000, NONE), NONE, 500, NONE, NONE, GIB, GIB,
        model(ModelFamily.VIT_B_16, 4096, 224));

    FeasibilityAnswer a = Feasibility.judge(w, CPU_ONLY);

    assertThat(a.verdict()).isEqualTo(Verdict.FEASIBLE);
    assertThat(a.largestBatch()).isEqualTo(-1);
    assertThat(a.reasons()).anyMatch(r -> r.startsWith("no GPU to judge the model against"));
  }

  @Test
  void verdict_notFeasibleWinsOverChanges() {
    FeedAdvice advice = short_(Bound.DECODE, 4_000, 10_000, Remedy.ADD_NODES, "add nodes");
    Workload w = new Workload(advice, 10_000, 500, NONE, NONE, GIB, GIB, model(ModelFamily.RESNET50, 8, 224));

    FeasibilityAnswer a = Feasibility.judge(w, new Hardware(8, 16 * GIB, 512L << 20, 0));

    assertThat(a.verdict()).isEqualTo(Verdict.NOT_FEASIBLE);
    assertThat(a.changes()).contains("add nodes");
  }
}
