package dev.stoker.advice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoker.api.Bottleneck.Bound;
import org.junit.jupiter.api.Test;

/** One test per rule of {@link FeedAdvisor}, then its boundaries: at the target, unknown rates and sizes. */
class FeedAdvisorTest {
  private static final double UNKNOWN = Double.POSITIVE_INFINITY;
  private static final long GIB = 1L << 30;

  /** Facts to vary: by default decode-bound, 2 of 8 threads at 800 images/s each, the consumer asks 3,000. */
  private static final class Facts {
    Bound bound = Bound.DECODE;
    double feed = 1_600;
    double target = 3_000;
    int threads = 2;
    int cores = 8;
    double perThread = 800;
    double augmentShare = 0.2;
    double read = UNKNOWN;
    double cachedRead = UNKNOWN;
    long encoded = -1;
    long memory = -1;
    double sourcePixels = 0;
    long outputPixels = 0;
    boolean remote;
    int nodes;

    FeedAdvice advise() {
      return FeedAdvisor.advise(new FeedFacts(bound, feed, target, threads, cores, perThread, augmentShare, read,
          cachedRead, encoded, -1, memory, sourcePixels, outputPixels, remote, nodes));
    }
  }

  /** Decode-bound at all 8 cores, 6,400 images/s, asked 20,000: what the all-cores rules see. */
  private static Facts allCores() {
    Facts f = new Facts();
    f.threads = 8;
    f.feed = 6_400;
    f.target = 20_000;
    return f;
  }

  /** Read-bound: reads deliver 500 images/s, the consumer asks 2,000. */
  private static Facts readBound() {
    Facts f = new Facts();
    f.bound = Bound.READ;
    f.feed = 500;
    f.target = 2_000;
    f.read = 500;
    return f;
  }

  // --- one test per rule ---

  @Test
  void advise_consumerBound_noneWithTheHeadroom() {
    Facts f = new Facts();
    f.bound = Bound.CONSUMER;
    f.feed = 4_000;

    FeedAdvice a = f.advise();

    assertThat(a.first()).isEqualTo(Remedy.NONE);
    assertThat(a.change()).isEmpty();
    assertThat(a.sentence()).isEqualTo("consumer-bound: the consumer sets the pace (the loader feeds 4,000 images/s, "
        + "33% headroom over the 3,000 asked); nothing to change in the loader");
  }

  @Test
  void advise_feedAboveTargetWhateverTheBound_noneWithTheHeadroom() {
    Facts f = new Facts();
    f.feed = 3_300;

    FeedAdvice a = f.advise();

    assertThat(a.first()).isEqualTo(Remedy.NONE);
    assertThat(a.shortfall()).isLessThan(1);
    assertThat(a.sentence()).isEqualTo("decode-bound: the loader keeps up (the loader feeds 3,300 images/s, 10% "
        + "headroom over the 3,000 asked); nothing to change in the loader");
  }

  @Test
  void advise_unknownBound_noneSayingNothingWasMeasured() {
    Facts f = new Facts();
    f.bound = Bound.UNKNOWN;
    f.feed = UNKNOWN;

    FeedAdvice a = f.advise();

    assertThat(a.first()).isEqualTo(Remedy.NONE);
    assertThat(a.sentence()).startsWith("unknown: nothing on the producing side was measured");
  }

  @Test
  void advise_workerBoundWithFewerThreadsThanCores_addThreadsEnoughForTheTarget() {
    FeedAdvice a = new Facts().advise();

    assertThat(a.first()).isEqualTo(Remedy.ADD_THREADS);
    assertThat(a.shortfall()).isEqualTo(3_000 / 1_600.0);
    assertThat(a.sentence()).isEqualTo("decode-bound: the consumer asked for 1.9x what the workers deliver (3,000 vs "
        + "1,600 images/s); first, use 4 threads instead of 2 (8 cores; 800 images/s per thread reaches 3,000)");
  }

  @Test
  void advise_workerBoundNeedingMoreThreadsThanCores_addThreadsCappedAtTheCoresAndSaysTheRest() {
    Facts f = new Facts();
    f.target = 12_800;

    FeedAdvice a = f.advise();

    assertThat(a.first()).isEqualTo(Remedy.ADD_THREADS);
    assertThat(a.change()).isEqualTo("use 8 threads instead of 2 (8 cores; 800 images/s per thread gives 6,400, "
        + "still 2.0x short of 12,800)");
  }

  @Test
  void advise_workerBoundAtAllCoresWithSourcesMuchLargerThanTheOutput_packWithThePixelRatio() {
    Facts f = allCores();
    f.sourcePixels = 12_000_000;
    f.outputPixels = 224 * 224;
    f.augmentShare = 0.9;   // packing comes first: it also makes the augment cheaper

    FeedAdvice a = f.advise();

    assertThat(a.first()).isEqualTo(Remedy.PACK);
    assertThat(a.change()).isEqualTo("preprocess once: store the images shrunk near the output size (the sources "
        + "average 12,000,000 pixels, 239x the output's 50,176), so each epoch decodes fewer");
  }

  @Test
  void advise_workerBoundAtAllCoresWithAugmentDominant_cheaperRecipeWithTheShare() {
    Facts f = allCores();
    f.bound = Bound.AUGMENT;
    f.augmentShare = 0.62;

    FeedAdvice a = f.advise();

    assertThat(a.first()).isEqualTo(Remedy.CHEAPER_RECIPE);
    assertThat(a.sentence()).isEqualTo("augment-bound: the consumer asked for 3.1x what the workers deliver (20,000 vs "
        + "6,400 images/s); first, a cheaper recipe: augment takes 62% of each worker's time with all 8 cores busy "
        + "(fewer or cheaper steps, or a smaller output)");
  }

  @Test
  void advise_workerBoundAtAllCoresOtherwise_addNodesLikeThisOne() {
    FeedAdvice a = allCores().advise();

    assertThat(a.first()).isEqualTo(Remedy.ADD_NODES);
    assertThat(a.change()).isEqualTo("serve from 4 data-server nodes like this one (stoker serve, --remote): all 8 "
        + "cores feed 6,400 images/s of the 20,000 asked");
  }

  @Test
  void advise_readBoundAndTheFilesFitInMemory_cacheWithTheBytesToGive() {
    Facts f = readBound();
    f.encoded = 1_500_000_000L;
    f.memory = 16 * GIB;

    FeedAdvice a = f.advise();

    assertThat(a.first()).isEqualTo(Remedy.CACHE);
    assertThat(a.sentence()).isEqualTo("read-bound: the consumer asked for 4.0x what the reads deliver (2,000 vs 500 "
        + "images/s); first, cache the files in memory with --cache-bytes 1431m (they take 1.4 GiB of the 16.0 GiB "
        + "available; from the second epoch on, reads come from memory; the heap must hold it: -Xmx in "
        + "STOKER_JAVA_OPTS)");
  }

  @Test
  void advise_readBoundTooLargeToCacheWithSmallManyFiles_packTheFiles() {
    Facts f = readBound();
    f.encoded = 100 * GIB;
    f.memory = 16 * GIB;
    f.cachedRead = 6_000;

    FeedAdvice a = f.advise();

    assertThat(a.first()).isEqualTo(Remedy.PACK);
    assertThat(a.change()).isEqualTo("pack the files into fewer, larger ones: from memory they read 12x faster than "
        + "from storage (6,000 vs 500 images/s), so opening each small file costs more than its bytes (the files "
        + "take 100.0 GiB, more than 75% of the 16.0 GiB available)");
  }

  @Test
  void advise_readBoundTooLargeToCacheWithLargeFiles_fasterStorage() {
    Facts f = readBound();
    f.encoded = 100 * GIB;
    f.memory = 16 * GIB;
    f.cachedRead = 1_000;

    FeedAdvice a = f.advise();

    assertThat(a.first()).isEqualTo(Remedy.FASTER_STORAGE);
    assertThat(a.change()).isEqualTo("faster storage, or more reads in flight (--in-flight): reads deliver 500 "
        + "images/s (the files take 100.0 GiB, more than 75% of the 16.0 GiB available)");
  }

  @Test
  void advise_sourceBoundWithKnownNodes_addNodesWithTheCount() {
    Facts f = new Facts();
    f.bound = Bound.SOURCE;
    f.remote = true;
    f.nodes = 2;
    f.feed = 400;
    f.target = 1_000;

    FeedAdvice a = f.advise();

    assertThat(a.first()).isEqualTo(Remedy.ADD_NODES);
    assertThat(a.sentence()).isEqualTo("source-bound: the consumer asked for 2.5x what the nodes deliver (1,000 vs 400 "
        + "images/s); first, serve from 5 nodes instead of 2, or a faster network (each node delivers 200 images/s; "
        + "1,000 are asked)");
  }

  @Test
  void advise_sourceBoundWithTheNodesUncounted_addNodesAsAMultiple() {
    Facts f = new Facts();
    f.bound = Bound.SOURCE;
    f.remote = true;
    f.feed = 400;
    f.target = 1_000;

    FeedAdvice a = f.advise();

    assertThat(a.first()).isEqualTo(Remedy.ADD_NODES);
    assertThat(a.change()).startsWith("serve from 3 times the nodes serving now");
  }

  @Test
  void advise_collateBound_smallerOutputByTheShortfall() {
    Facts f = new Facts();
    f.bound = Bound.COLLATE;
    f.threads = 8;
    f.feed = 2_000;
    f.target = 3_000;
    f.outputPixels = 224 * 224;

    FeedAdvice a = f.advise();

    assertThat(a.first()).isEqualTo(Remedy.SMALLER_OUTPUT);
    assertThat(a.sentence()).isEqualTo("collate-bound: the consumer asked for 1.5x what the copies into the ring "
        + "deliver (3,000 vs 2,000 images/s); first, smaller output samples: the copy into the ring, one sample at a "
        + "time, delivers 2,000 images/s, so each sample of 50,176 pixels must shrink 1.5x (uint8 rather than float, "
        + "a smaller size)");
  }

  // --- boundaries ---

  @Test
  void advise_feedExactlyAtTheTarget_noneWithNoHeadroom() {
    Facts f = new Facts();
    f.feed = 3_000;

    FeedAdvice a = f.advise();

    assertThat(a.first()).isEqualTo(Remedy.NONE);
    assertThat(a.shortfall()).isEqualTo(1.0);
    assertThat(a.sentence()).contains("0% headroom");
  }

  @Test
  void advise_feedJustBelowTheTarget_advises() {
    Facts f = new Facts();
    f.feed = Math.nextDown(3_000.0);

    assertThat(f.advise().first()).isEqualTo(Remedy.ADD_THREADS);
  }

  @Test
  void advise_targetUnknown_producerBoundAdvisesAllCoresAndNeverKeepsUp() {
    Facts f = new Facts();
    f.target = UNKNOWN;

    FeedAdvice a = f.advise();

    assertThat(a.first()).isEqualTo(Remedy.ADD_THREADS);
    assertThat(a.shortfall()).isInfinite();
    assertThat(a.sentence()).isEqualTo("decode-bound: the consumer asked for more than the workers deliver (1,600 "
        + "images/s); first, use 8 threads instead of 2 (8 cores; 800 images/s per thread gives 6,400)");
  }

  @Test
  void advise_targetUnknownAtAllCores_addNodesWithoutACount() {
    Facts f = allCores();
    f.target = UNKNOWN;

    FeedAdvice a = f.advise();

    assertThat(a.first()).isEqualTo(Remedy.ADD_NODES);
    assertThat(a.change()).isEqualTo("serve from more data-server nodes like this one (stoker serve, --remote): all 8 "
        + "cores are busy and feed 6,400 images/s");
  }

  @Test
  void advise_perThreadRateUnknown_takesTheFeedOverTheThreads() {
    Facts f = new Facts();
    f.perThread = UNKNOWN;

    assertThat(f.advise().change()).isEqualTo("use 4 threads instead of 2 (8 cores; 800 images/s per thread reaches "
        + "3,000)");
  }

  @Test
  void advise_oneThreadShortOfTheCores_addsAtLeastOneThread() {
    Facts f = new Facts();
    f.threads = 7;
    f.feed = 2_900;
    f.perThread = 1_000;   // a rate that says 3 threads would do: never fewer than now plus one

    assertThat(f.advise().change()).startsWith("use 8 threads instead of 7");
  }

  @Test
  void advise_readBoundWithUnknownSizes_fasterStorageSayingACacheWasNotJudged() {
    FeedAdvice a = readBound().advise();

    assertThat(a.first()).isEqualTo(Remedy.FASTER_STORAGE);
    assertThat(a.change()).isEqualTo("faster storage, or more reads in flight (--in-flight): reads deliver 500 "
        + "images/s (whether a cache fits was not judged: the dataset's size is unknown)");
  }

  @Test
  void advise_readBoundWithTheMemoryUnknown_noCache() {
    Facts f = readBound();
    f.encoded = GIB;

    FeedAdvice a = f.advise();

    assertThat(a.first()).isEqualTo(Remedy.FASTER_STORAGE);
    assertThat(a.change()).endsWith("(whether a cache fits was not judged: the available memory is unknown)");
  }

  @Test
  void advise_encodedExactlyThreeQuartersOfMemory_cacheAndJustAbove_not() {
    Facts fits = readBound();
    fits.memory = 16 * GIB;
    fits.encoded = 12 * GIB;
    Facts over = readBound();
    over.memory = 16 * GIB;
    over.encoded = 12 * GIB + 1;

    assertThat(fits.advise().first()).isEqualTo(Remedy.CACHE);
    assertThat(over.advise().first()).isEqualTo(Remedy.FASTER_STORAGE);
  }

  @Test
  void advise_cachedReadUnknown_neverJudgesTheFilesSmall() {
    Facts f = readBound();
    f.cachedRead = UNKNOWN;
    f.read = 100;

    assertThat(f.advise().first()).isEqualTo(Remedy.FASTER_STORAGE);
  }

  @Test
  void advise_cachedReadExactlyFourTimesCold_packAndJustBelow_not() {
    Facts at = readBound();
    at.cachedRead = 2_000;
    Facts below = readBound();
    below.cachedRead = Math.nextDown(2_000.0);

    assertThat(at.advise().first()).isEqualTo(Remedy.PACK);
    assertThat(below.advise().first()).isEqualTo(Remedy.FASTER_STORAGE);
  }

  @Test
  void advise_sourcesExactlyFourTimesTheOutput_packAndJustBelow_not() {
    Facts at = allCores();
    at.outputPixels = 50_000;
    at.sourcePixels = 200_000;
    Facts below = allCores();
    below.outputPixels = 50_000;
    below.sourcePixels = Math.nextDown(200_000.0);

    assertThat(at.advise().first()).isEqualTo(Remedy.PACK);
    assertThat(below.advise().first()).isEqualTo(Remedy.ADD_NODES);
  }

  @Test
  void advise_sourcePixelsUnknown_neverPacks() {
    Facts f = allCores();
    f.outputPixels = 50_000;
    f.sourcePixels = 0;

    assertThat(f.advise().first()).isEqualTo(Remedy.ADD_NODES);
  }

  @Test
  void advise_augmentShareExactlyHalf_cheaperRecipeAndJustBelow_not() {
    Facts at = allCores();
    at.augmentShare = 0.5;
    Facts below = allCores();
    below.augmentShare = Math.nextDown(0.5);

    assertThat(at.advise().first()).isEqualTo(Remedy.CHEAPER_RECIPE);
    assertThat(below.advise().first()).isEqualTo(Remedy.ADD_NODES);
  }

  @Test
  void advise_consumerBoundWithTheProducersUnmeasured_noneWithoutInfinity() {
    Facts f = new Facts();
    f.bound = Bound.CONSUMER;
    f.feed = UNKNOWN;

    FeedAdvice a = f.advise();

    assertThat(a.first()).isEqualTo(Remedy.NONE);
    assertThat(a.sentence()).isEqualTo("consumer-bound: the consumer sets the pace (it takes 3,000 images/s); "
        + "nothing to change in the loader").doesNotContain("Infinity");
  }

  @Test
  void advise_nullFacts_refusedNamingTheParameter() {
    assertThatThrownBy(() -> FeedAdvisor.advise(null)).isInstanceOf(NullPointerException.class)
        .hasMessageContaining("facts");
  }

  @Test
  void notJudged_anyRates_noneWithAnEmptySentence() {
    FeedAdvice a = FeedAdvice.notJudged(Bound.DECODE, 1_000, 2_000);

    assertThat(a.judged()).isFalse();
    assertThat(a.first()).isEqualTo(Remedy.NONE);
    assertThat(a.shortfall()).isEqualTo(2.0);
  }

  @Test
  void label_everyRemedy_lowerCaseWithDashes() {
    assertThat(Remedy.ADD_THREADS.label()).isEqualTo("add-threads");
    assertThat(Remedy.SMALLER_OUTPUT.label()).isEqualTo("smaller-output");
  }
}
