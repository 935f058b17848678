package dev.stoker.pipeline;

import dev.stoker.advice.FeedAdvice;
import dev.stoker.advice.FeedAdvisor;
import dev.stoker.advice.FeedFacts;
import dev.stoker.api.Bottleneck;
import dev.stoker.api.Bottleneck.Bound;
import java.util.Locale;

/**
 * Names the stage that limited a run, from the stages' mean times alone (pure; no clock).
 *
 * <p>The rates: the workers could produce {@code workers / (decode + augment + collate [+ read])}
 * images/s (the read counts when the workers read; the collate runs on them too); reads on their own
 * threads could deliver {@code readConcurrency / read}; the collate, one sample at a time under the
 * bridge's monitor, {@code 1 / collate}; supplied samples (remote nodes) arrive at
 * {@code 1 / sourceWait}, the loader's mean wait for the next one. The producers could deliver the least of these. The
 * consumer could take {@code batchSize / consumer} images/s.
 *
 * <p>The rule: a consumer that waited for data less than {@value #PRODUCER_BOUND_WAIT_PERCENT}% of
 * its time had data whenever it wanted it, so the run is consumer-bound. Otherwise it is
 * producer-bound, and the bound is the stage behind the least of the producer rates: the supplier
 * (source-bound: the nodes or the network, when samples arrive slower than the collate takes them), the reads on
 * their own threads, the serial collate, or, for the worker pool, the stage with the largest share
 * of a worker's time per image (read, decode, augment or collate).
 *
 * <p>The advice: the verdict, the rates behind it and what the loader knows of its machine and
 * dataset ({@link Context}) become {@link FeedFacts}, and {@link FeedAdvisor} (the rules
 * {@code stoker doctor} uses too) says by how much the loader falls short and the first thing to
 * change. The facts: the workers in use and the machine's cores; one worker's rate
 * {@code 1 / (its time per image)}; the augment's share of that time; the reads' rate
 * ({@code readConcurrency / read}, or {@code workers / read} when the workers read); the dataset's
 * encoded bytes, the available memory and the output's pixels as the context has them; reads from
 * memory and the source images' pixels are not measured in a run (unknown).
 */
final class BottleneckRules {
  /** At or above this consumer wait, in percent, the producers set the pace. */
  static final double PRODUCER_BOUND_WAIT_PERCENT = 10.0;

  private BottleneckRules() {}

  /**
   * The mean times of one run.
   *
   * @param workers decode workers
   * @param readConcurrency reads at once on their own threads, or 0 when the workers read
   * @param batchSize samples per batch
   * @param readNanos mean read time per sample
   * @param decodeNanos mean decode time per sample
   * @param augmentNanos mean augment time per sample
   * @param collateNanos mean collate time per sample
   * @param consumerNanos mean consumer time per batch
   * @param delivered samples delivered in the run
   * @param consumerWaitPercent the consumer's share of time waiting for data
   * @param sourceWaitNanos mean wait per sample for the next sample from a supplier (the nodes and
   *     the wire, under {@code --remote}), or 0 when the samples are not supplied or it was not timed
   */
  record Timings(int workers, int readConcurrency, int batchSize, double readNanos, double decodeNanos,
      double augmentNanos, double collateNanos, double consumerNanos, long delivered, double consumerWaitPercent,
      double sourceWaitNanos) {

    /** The mean times of a run whose samples are not supplied (no source wait). */
    Timings(int workers, int readConcurrency, int batchSize, double readNanos, double decodeNanos,
        double augmentNanos, double collateNanos, double consumerNanos, long delivered, double consumerWaitPercent) {
      this(workers, readConcurrency, batchSize, readNanos, decodeNanos, augmentNanos, collateNanos, consumerNanos,
          delivered, consumerWaitPercent, 0);
    }

    boolean workersRead() {
      return readConcurrency == 0;
    }

    /** A worker's time per image. */
    double workerNanos() {
      return decodeNanos + augmentNanos + collateNanos + (workersRead() ? readNanos : 0);
    }

    double workerRate() {
      return rate(workers, workerNanos());
    }

    double readRate() {
      return workersRead() ? Double.POSITIVE_INFINITY : rate(readConcurrency, readNanos);
    }

    double collateRate() {
      return rate(1, collateNanos);
    }

    /** How fast the supplied samples arrive: one per mean wait ({@code Infinity} when none was timed). */
    double sourceRate() {
      return rate(1, sourceWaitNanos);
    }

    double producerRate() {
      return Math.min(Math.min(workerRate(), sourceRate()), Math.min(readRate(), collateRate()));
    }

    double consumerRate() {
      return rate(batchSize, consumerNanos);
    }

    static double rate(int items, double nanos) {
      return nanos > 0 ? items * 1e9 / nanos : Double.POSITIVE_INFINITY;
    }
  }

  /**
   * What a run's loader knows of its machine and dataset, beside the timings.
   *
   * @param cores processors the machine offers
   * @param memoryAvailableBytes memory free for a cache, or -1
   * @param datasetEncodedBytes the dataset's files in bytes, or -1
   * @param outputPixels pixels per output sample (height times width), or 0
   * @param remote whether the samples come from data-server nodes
   * @param nodes the nodes serving, or 0 when local or not counted
   * @param meanSourcePixels the mean source image's pixels in the run, or 0 when nothing was decoded here
   */
  record Context(int cores, long memoryAvailableBytes, long datasetEncodedBytes, long outputPixels, boolean remote,
      int nodes, double meanSourcePixels) {

    /** A context without the source images' size. */
    Context(int cores, long memoryAvailableBytes, long datasetEncodedBytes, long outputPixels, boolean remote,
        int nodes) {
      this(cores, memoryAvailableBytes, datasetEncodedBytes, outputPixels, remote, nodes, 0);
    }

    /** Nothing known but the cores: as many as {@code workers} (at least 1). */
    static Context unknown(int workers) {
      return new Context(Math.max(1, workers), -1, -1, 0, false, 0);
    }
  }

  /** The verdict on {@code t}, advised as if the machine had as many cores as workers and nothing else were known. */
  static Bottleneck judge(Timings t) {
    return judge(t, Context.unknown(t.workers()));
  }

  /** The verdict on {@code t} with the advice on it, given what {@code c} knows. */
  static Bottleneck judge(Timings t, Context c) {
    return judge(t, c, Double.NaN);
  }

  /**
   * The verdict on {@code t} with the advice on it, judged against {@code target} images/s when that
   * is positive (a training step's rate given for a benchmark's consumer), else against the consumer's.
   */
  static Bottleneck judge(Timings t, Context c, double target) {
    Bottleneck verdict = verdict(t);
    double against = target > 0 ? target : verdict.consumerImagesPerSecond();
    FeedAdvice advice = FeedAdvisor.advise(facts(t, c, verdict, against));
    return new Bottleneck(verdict.bound(), verdict.producerImagesPerSecond(), verdict.consumerImagesPerSecond(),
        verdict.sentence(), advice);
  }

  /** The facts the advice is judged on: the verdict's bound and rates, the workers' times, {@code c}. */
  static FeedFacts facts(Timings t, Context c, Bottleneck verdict) {
    return facts(t, c, verdict, verdict.consumerImagesPerSecond());
  }

  /** As {@link #facts(Timings, Context, Bottleneck)}, judged against {@code target} images/s. */
  private static FeedFacts facts(Timings t, Context c, Bottleneck verdict, double target) {
    double workerNanos = t.workerNanos();
    double perThread = Timings.rate(1, workerNanos);
    double augmentShare = workerNanos > 0 ? Math.min(1, t.augmentNanos() / workerNanos) : 0;
    double read = t.workersRead() ? Timings.rate(t.workers(), t.readNanos()) : t.readRate();
    return new FeedFacts(verdict.bound(), verdict.producerImagesPerSecond(), target,
        t.workers(), c.cores(), perThread, augmentShare, read, Double.POSITIVE_INFINITY, c.datasetEncodedBytes(), -1,
        c.memoryAvailableBytes(), c.meanSourcePixels(), c.outputPixels(), c.remote(), c.nodes());
  }

  /** The verdict on {@code t}, without advice. */
  private static Bottleneck verdict(Timings t) {
    double producer = t.producerRate();
    double consumer = t.consumerRate();
    if (t.delivered() == 0) {
      return new Bottleneck(Bound.UNKNOWN, producer, consumer, "unknown: no samples were delivered");
    }
    if (t.consumerWaitPercent() < PRODUCER_BOUND_WAIT_PERCENT) {
      return new Bottleneck(Bound.CONSUMER, producer, consumer, consumerSentence(t));
    }
    if (Double.isInfinite(producer)) {
      return new Bottleneck(Bound.UNKNOWN, producer, consumer, String.format(Locale.ROOT,
          "unknown: the consumer waited %.1f%% of the time, but no producing stage was timed",
          t.consumerWaitPercent()));
    }
    String asked = "; the consumer asked for " + (Double.isInfinite(consumer) ? "more (it took no measurable time)"
        : count(consumer));
    if (producer == t.sourceRate() && producer < t.collateRate() && producer < t.workerRate()) {
      return new Bottleneck(Bound.SOURCE, producer, consumer, String.format(Locale.ROOT,
          "source-bound: the nodes or the network deliver a sample every %s ms (%s images/s; "
              + "node/network-bound) while the collate could take %s%s", millis(t.sourceWaitNanos()), count(producer),
          Double.isInfinite(t.collateRate()) ? "more" : count(t.collateRate()), asked));
    }
    if (producer == t.readRate()) {
      return new Bottleneck(Bound.READ, producer, consumer, String.format(Locale.ROOT,
          "read-bound: %d reads in flight deliver %s images/s (%s ms per read)%s", t.readConcurrency(),
          count(producer), millis(t.readNanos()), asked));
    }
    if (producer == t.collateRate() && producer < t.workerRate()) {
      return new Bottleneck(Bound.COLLATE, producer, consumer, String.format(Locale.ROOT,
          "collate-bound: copying into the ring takes %s ms per image, one at a time (%s images/s)%s",
          millis(t.collateNanos()), count(producer), asked));
    }
    Bound bound = largestWorkerShare(t);
    double share = switch (bound) {
      case READ -> t.readNanos();
      case AUGMENT -> t.augmentNanos();
      case COLLATE -> t.collateNanos();
      default -> t.decodeNanos();
    };
    return new Bottleneck(bound, producer, consumer, String.format(Locale.ROOT,
        "%s-bound: %d %s %s %s images/s (%s is %.0f%% of their %s ms per image)%s", bound.label(), t.workers(),
        t.workers() == 1 ? "worker" : "workers", bound.label(), count(producer), bound.label(),
        100 * share / t.workerNanos(), millis(t.workerNanos()), asked));
  }

  /** The worker stage with the most time per image; decode wins ties. */
  private static Bound largestWorkerShare(Timings t) {
    Bound bound = Bound.DECODE;
    double most = t.decodeNanos();
    if (t.workersRead() && t.readNanos() > most) {
      bound = Bound.READ;
      most = t.readNanos();
    }
    if (t.augmentNanos() > most) {
      bound = Bound.AUGMENT;
      most = t.augmentNanos();
    }
    if (t.collateNanos() > most) {
      bound = Bound.COLLATE;
    }
    return bound;
  }

  private static String consumerSentence(Timings t) {
    String could = Double.isInfinite(t.producerRate()) ? "" : "; the workers could produce " + count(t.producerRate())
        + " images/s";
    String takes = Double.isInfinite(t.consumerRate()) ? "took no measurable time per batch"
        : String.format(Locale.ROOT, "takes %s ms per batch of %d (%s images/s)", millis(t.consumerNanos()),
            t.batchSize(), count(t.consumerRate()));
    return String.format(Locale.ROOT, "consumer-bound: the consumer %s and waited for data %.1f%% of the time%s",
        takes, t.consumerWaitPercent(), could);
  }

  private static String count(double perSecond) {
    return String.format(Locale.ROOT, "%,.0f", perSecond);
  }

  private static String millis(double nanos) {
    return String.format(Locale.ROOT, nanos >= 1e7 ? "%.0f" : nanos >= 1e6 ? "%.1f" : "%.2f", nanos / 1e6);
  }
}
