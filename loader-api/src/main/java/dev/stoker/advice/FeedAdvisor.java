package dev.stoker.advice;

import dev.stoker.api.Bottleneck.Bound;
import dev.stoker.api.internal.Checks;
import java.util.Locale;

/**
 * The rules that turn {@link FeedFacts} into {@link FeedAdvice}; the bench verdict and
 * {@code stoker doctor} both use them, so they never disagree. Pure: no clock, no I/O.
 *
 * <pre>{@code
 * FeedAdvice advice = FeedAdvisor.advise(facts);
 * System.out.println(advice.sentence());
 * // decode-bound: the consumer asked for 1.9x what the workers deliver (3,000 vs 1,600 images/s);
 * // first, use 4 threads (8 cores; 800 images/s per thread reaches 3,000)
 * }</pre>
 *
 * <p>The shortfall is the target over the feed ({@code Infinity} when the target is unknown, 0 when
 * the feed is). The rules, tried in this order; the first that applies gives the advice:
 *
 * <ol>
 *   <li><b>The loader keeps up</b>: the bound is the consumer, or the feed is at least the target
 *       (exactly at the target counts) &rarr; {@link Remedy#NONE}, with the headroom (feed over
 *       target, in percent).
 *   <li><b>Nothing measured</b>: the bound is {@link Bound#UNKNOWN} &rarr; {@link Remedy#NONE},
 *       saying that nothing was measured to judge on.
 *   <li><b>Worker-bound</b> (decode or augment), fewer threads than cores &rarr;
 *       {@link Remedy#ADD_THREADS}: {@code ceil(target / per-thread rate)} threads, at least one
 *       more than now and at most the cores (all cores when the target or the per-thread rate is
 *       unknown; the per-thread rate, when not given, is the feed over the threads). The sentence
 *       says what that many threads reach, and when even all cores fall short, by how much.
 *   <li><b>Worker-bound at all cores, images much larger than the output</b>: the mean source
 *       image has at least {@value #PACK_PIXEL_RATIO} times the output's pixels (both known)
 *       &rarr; {@link Remedy#PACK}: preprocess once, storing the images shrunk near the output
 *       size; the sentence gives the pixel ratio.
 *   <li><b>Worker-bound at all cores, augment dominant</b>: the augment stage takes at least
 *       {@value #AUGMENT_DOMINANT_SHARE} of a worker's time &rarr; {@link Remedy#CHEAPER_RECIPE},
 *       with the share.
 *   <li><b>Worker-bound at all cores, otherwise</b> &rarr; {@link Remedy#ADD_NODES}:
 *       {@code ceil(target / feed)} data-server nodes like this one (this machine, all cores
 *       busy, feeds the feed).
 *   <li><b>Read-bound, the encoded dataset fits</b>: its bytes known and at most
 *       {@value #CACHE_MEMORY_SHARE} of the available memory &rarr; {@link Remedy#CACHE}, with the
 *       {@code --cache-bytes} to give (the encoded bytes rounded up to a MiB).
 *   <li><b>Read-bound, not fitting (or of unknown size), small and many files</b>: reads from
 *       memory at least {@value #SMALL_FILES_READ_RATIO} times the cold reads (both measured), so
 *       each file's opening costs more than its bytes &rarr; {@link Remedy#PACK}: pack the files
 *       into fewer, larger ones.
 *   <li><b>Read-bound, otherwise</b> &rarr; {@link Remedy#FASTER_STORAGE} (or more reads in
 *       flight), saying whether the dataset was too large to cache or of unknown size.
 *   <li><b>Source-bound</b> (remote nodes or the network) &rarr; {@link Remedy#ADD_NODES}:
 *       {@code ceil(target / per-node rate)} nodes, the per-node rate being the feed over the
 *       nodes serving now (over one group of them when their number is unknown).
 *   <li><b>Collate-bound</b> (the serial copy into the ring) &rarr; {@link Remedy#SMALLER_OUTPUT}:
 *       the samples must shrink by the shortfall (uint8 rather than float, a smaller size).
 * </ol>
 *
 * <p>Every sentence starts with {@code "<bound>-bound: "} ({@code "unknown: "} for nothing measured)
 * and, when the consumer waits, says by how much ({@code "the consumer asked for 1.9x what the
 * workers deliver (3,000 vs 1,600 images/s)"}) and the first change ({@code "; first, ..."}).
 */
public final class FeedAdvisor {
  /** A source image with at least this many times the output's pixels is "much larger": pack it. */
  public static final double PACK_PIXEL_RATIO = 4.0;
  /** An augment share of a worker's time at or above this is dominant: a cheaper recipe. */
  public static final double AUGMENT_DOMINANT_SHARE = 0.5;
  /** A cache may take at most this share of the available memory. */
  public static final double CACHE_MEMORY_SHARE = 0.75;
  /** Reads from memory at least this many times faster than cold reads: the files are small and many. */
  public static final double SMALL_FILES_READ_RATIO = 4.0;

  private static final long MIB = 1L << 20;

  private FeedAdvisor() {}

  /**
   * The advice on {@code facts}, by the rules above.
   *
   * @param facts the measured rates and sizes, not null
   * @return the advice
   */
  public static FeedAdvice advise(FeedFacts facts) {
    Checks.notNull(facts, "facts");
    double feed = facts.feedImagesPerSecond();
    double target = facts.targetImagesPerSecond();
    Bound bound = facts.bound();
    double shortfall = shortfall(feed, target);
    if (bound == Bound.CONSUMER || known(feed) && feed >= target) {
      return keepsUp(facts, shortfall);
    }
    if (bound == Bound.UNKNOWN) {
      return new FeedAdvice(bound, feed, target, shortfall, Remedy.NONE, "",
          "unknown: nothing on the producing side was measured, so there is nothing to advise");
    }
    Change change = switch (bound) {
      case DECODE, AUGMENT -> workerBound(facts);
      case READ -> readBound(facts);
      case SOURCE -> sourceBound(facts);
      default -> collateBound(facts, shortfall);
    };
    String sentence = bound.label() + "-bound: " + asked(feed, target, shortfall, who(bound)) + "; first, "
        + change.words();
    return new FeedAdvice(bound, feed, target, shortfall, change.remedy(), change.words(), sentence);
  }

  /** A remedy and its words. */
  private record Change(Remedy remedy, String words) {}

  private static FeedAdvice keepsUp(FeedFacts f, double shortfall) {
    double feed = f.feedImagesPerSecond();
    double target = f.targetImagesPerSecond();
    String head = f.bound() == Bound.CONSUMER ? "consumer-bound: the consumer sets the pace"
        : f.bound().label() + "-bound: the loader keeps up";
    String numbers;
    if (known(feed) && known(target) && feed >= target) {
      numbers = String.format(Locale.ROOT, " (the loader feeds %s images/s, %.0f%% headroom over the %s asked)",
          count(feed), 100 * (feed / target - 1), count(target));
    } else if (known(target)) {
      numbers = " (it takes " + count(target) + " images/s" + (known(feed) ? "; the loader's stages could feed "
          + count(feed) : "") + ")";
    } else {
      numbers = known(feed) ? " (the loader feeds " + count(feed) + " images/s)" : "";
    }
    return new FeedAdvice(f.bound(), feed, target, shortfall, Remedy.NONE, "",
        head + numbers + "; nothing to change in the loader");
  }

  private static Change workerBound(FeedFacts f) {
    double target = f.targetImagesPerSecond();
    int cores = f.cores();
    int threads = f.threads();
    double perThread = perThread(f);
    if (threads < cores) {
      long want = known(target) && known(perThread) ? (long) Math.ceil(target / perThread) : cores;
      int use = (int) Math.max(threads + 1, Math.min(want, cores));
      String why;
      if (!known(perThread)) {
        why = String.format(Locale.ROOT, "%d cores", cores);
      } else if (!known(target)) {
        why = String.format(Locale.ROOT, "%d cores; %s images/s per thread gives %s", cores, count(perThread),
            count(use * perThread));
      } else if (use * perThread >= target) {
        why = String.format(Locale.ROOT, "%d cores; %s images/s per thread reaches %s", cores, count(perThread),
            count(target));
      } else {
        why = String.format(Locale.ROOT, "%d cores; %s images/s per thread gives %s, still %s short of %s",
            cores, count(perThread), count(use * perThread), ratio(target / (use * perThread)), count(target));
      }
      return new Change(Remedy.ADD_THREADS, String.format(Locale.ROOT, "use %d threads instead of %d (%s)", use,
          threads, why));
    }
    if (f.meanSourcePixels() > 0 && f.outputPixels() > 0
        && f.meanSourcePixels() >= PACK_PIXEL_RATIO * f.outputPixels()) {
      return new Change(Remedy.PACK, String.format(Locale.ROOT, "preprocess once: store the images shrunk near the "
              + "output size (the sources average %s pixels, %s the output's %s), so each epoch decodes fewer",
          count(f.meanSourcePixels()), ratio(f.meanSourcePixels() / f.outputPixels()), count(f.outputPixels())));
    }
    if (f.augmentShare() >= AUGMENT_DOMINANT_SHARE) {
      return new Change(Remedy.CHEAPER_RECIPE, String.format(Locale.ROOT, "a cheaper recipe: augment takes %.0f%% "
          + "of each worker's time with all %d cores busy (fewer or cheaper steps, or a smaller output)",
          100 * f.augmentShare(), cores));
    }
    return nodesLikeThis(f);
  }

  /** What one worker makes per second: as given, else the feed over the threads. */
  private static double perThread(FeedFacts f) {
    if (known(f.perThreadImagesPerSecond())) {
      return f.perThreadImagesPerSecond();
    }
    return f.threads() > 0 && known(f.feedImagesPerSecond()) ? f.feedImagesPerSecond() / f.threads() : Double.NaN;
  }

  private static Change nodesLikeThis(FeedFacts f) {
    double feed = f.feedImagesPerSecond();
    double target = f.targetImagesPerSecond();
    if (!known(target) || !known(feed)) {
      return new Change(Remedy.ADD_NODES, String.format(Locale.ROOT, "serve from more data-server nodes like this one "
          + "(stoker serve, --remote): all %d cores are busy%s", f.cores(),
          known(feed) ? " and feed " + count(feed) + " images/s" : ""));
    }
    long nodes = (long) Math.ceil(target / feed);
    return new Change(Remedy.ADD_NODES, String.format(Locale.ROOT, "serve from %d data-server nodes like this one "
        + "(stoker serve, --remote): all %d cores feed %s images/s of the %s asked", nodes, f.cores(), count(feed),
        count(target)));
  }

  private static Change readBound(FeedFacts f) {
    long encoded = f.datasetEncodedBytes();
    long memory = f.memoryAvailableBytes();
    boolean sized = encoded > 0 && memory > 0;
    if (sized && encoded <= CACHE_MEMORY_SHARE * memory) {
      long cacheBytes = Math.ceilDiv(encoded, MIB);
      return new Change(Remedy.CACHE, String.format(Locale.ROOT, "cache the files in memory with --cache-bytes %dm "
          + "(they take %s of the %s available; from the second epoch on, reads come from memory; the heap must "
          + "hold it: -Xmx in STOKER_JAVA_OPTS)", cacheBytes, bytes(encoded), bytes(memory)));
    }
    String size = sized ? String.format(Locale.ROOT, "the files take %s, more than %.0f%% of the %s available",
        bytes(encoded), 100 * CACHE_MEMORY_SHARE, bytes(memory)) : "whether a cache fits was not judged: the "
        + (encoded > 0 ? "available memory" : "dataset's size") + " is unknown";
    double cold = f.readImagesPerSecond();
    double cached = f.cachedReadImagesPerSecond();
    if (known(cold) && known(cached) && cached >= SMALL_FILES_READ_RATIO * cold) {
      return new Change(Remedy.PACK, String.format(Locale.ROOT, "pack the files into fewer, larger ones: from memory "
          + "they read %s faster than from storage (%s vs %s images/s), so opening each small file costs more than "
          + "its bytes (%s)", ratio(cached / cold), count(cached), count(cold), size));
    }
    return new Change(Remedy.FASTER_STORAGE, "faster storage, or more reads in flight (--in-flight)"
        + (known(cold) ? ": reads deliver " + count(cold) + " images/s" : "") + " (" + size + ")");
  }

  private static Change sourceBound(FeedFacts f) {
    double feed = f.feedImagesPerSecond();
    double target = f.targetImagesPerSecond();
    int nodes = f.nodes();
    if (!known(target) || !known(feed)) {
      return new Change(Remedy.ADD_NODES, "more data-server nodes, or a faster network"
          + (known(feed) ? ": they deliver " + count(feed) + " images/s" : ""));
    }
    if (nodes > 0) {
      double perNode = feed / nodes;
      long want = Math.max(nodes + 1L, (long) Math.ceil(target / perNode));
      return new Change(Remedy.ADD_NODES, String.format(Locale.ROOT, "serve from %d nodes instead of %d, or a faster "
          + "network (each node delivers %s images/s; %s are asked)", want, nodes, count(perNode), count(target)));
    }
    long times = Math.max(2, (long) Math.ceil(target / feed));
    return new Change(Remedy.ADD_NODES, String.format(Locale.ROOT, "serve from %d times the nodes serving now, or a "
        + "faster network (together they deliver %s images/s; %s are asked)", times, count(feed), count(target)));
  }

  private static Change collateBound(FeedFacts f, double shortfall) {
    String pixels = f.outputPixels() > 0 ? " of " + count(f.outputPixels()) + " pixels" : "";
    String by = known(shortfall) ? ratio(shortfall) : "several times";
    return new Change(Remedy.SMALLER_OUTPUT, String.format(Locale.ROOT, "smaller output samples: the copy into the "
        + "ring, one sample at a time, delivers %s images/s, so each sample%s must shrink %s (uint8 rather than "
        + "float, a smaller size)", count(f.feedImagesPerSecond()), pixels, by));
  }

  /** {@code "the consumer asked for 1.9x what the workers deliver (3,000 vs 1,600 images/s)"}. */
  private static String asked(double feed, double target, double shortfall, String who) {
    if (!known(feed)) {
      return "the consumer waited, and what " + who + " deliver was not measured";
    }
    if (!known(target)) {
      return String.format(Locale.ROOT, "the consumer asked for more than %s deliver (%s images/s)", who, count(feed));
    }
    return String.format(Locale.ROOT, "the consumer asked for %s what %s deliver (%s vs %s images/s)",
        ratio(shortfall), who, count(target), count(feed));
  }

  private static String who(Bound bound) {
    return switch (bound) {
      case READ -> "the reads";
      case SOURCE -> "the nodes";
      case COLLATE -> "the copies into the ring";
      default -> "the workers";
    };
  }

  /** Target over feed: {@code Infinity} for no feed, 1 when both are unknown (infinite). */
  private static double shortfall(double feed, double target) {
    if (!(feed > 0) || Double.isNaN(target)) {
      return Double.POSITIVE_INFINITY;
    }
    return Double.isInfinite(feed) && Double.isInfinite(target) ? 1 : target / feed;
  }

  /** A finite, positive number. */
  private static boolean known(double v) {
    return v > 0 && Double.isFinite(v);
  }

  private static String count(double v) {
    return String.format(Locale.ROOT, "%,.0f", v);
  }

  private static String ratio(double r) {
    return String.format(Locale.ROOT, r >= 10 ? "%.0fx" : "%.1fx", r);
  }

  private static String bytes(long b) {
    return b >= 1L << 30 ? String.format(Locale.ROOT, "%.1f GiB", b / (double) (1L << 30))
        : String.format(Locale.ROOT, "%.0f MiB", Math.ceil(b / (double) MIB));
  }
}
