package dev.stoker.api;

import dev.stoker.advice.FeedAdvice;
import dev.stoker.advice.FeedAdvisor;
import dev.stoker.api.internal.Checks;

import java.util.Locale;

/**
 * Which stage limited a run's throughput, with the two rates it was judged on and one sentence for
 * people, e.g. {@code "decode-bound: 2 workers decode 1,850 images/s (decode is 71% of their 0.95
 * ms per image); the consumer asked for 3,000"}.
 *
 * @param bound the limiting stage
 * @param producerImagesPerSecond what the producing stages could deliver, judged from their mean
 *     times and concurrency ({@code Infinity} when none was timed)
 * @param consumerImagesPerSecond what the consumer could take: batch size over its mean time per
 *     batch ({@code Infinity} when it took no measurable time)
 * @param sentence the verdict in one sentence, starting with {@code "<bound>-bound: "} (or
 *     {@code "unknown: "})
 * @param advice what {@link FeedAdvisor} makes of the run: by how much the loader falls short of
 *     its consumer and the first thing to change, e.g. {@code "decode-bound: the consumer asked for
 *     1.9x what the workers deliver (3,000 vs 1,600 images/s); first, use 4 threads instead of 2 (8
 *     cores; 800 images/s per thread reaches 3,000)"}
 */
public record Bottleneck(Bound bound, double producerImagesPerSecond, double consumerImagesPerSecond,
    String sentence, FeedAdvice advice) {

  /** Validates the fields. */
  public Bottleneck {
    Checks.notNull(bound, "bound");
    Checks.notNull(sentence, "sentence");
    Checks.notNull(advice, "advice");
  }

  /**
   * A verdict without advice ({@link FeedAdvice#notJudged}): for callers that know only the rates.
   *
   * @param bound the limiting stage
   * @param producerImagesPerSecond what the producing stages could deliver
   * @param consumerImagesPerSecond what the consumer could take
   * @param sentence the verdict in one sentence
   */
  public Bottleneck(Bound bound, double producerImagesPerSecond, double consumerImagesPerSecond, String sentence) {
    this(bound, producerImagesPerSecond, consumerImagesPerSecond, sentence,
        FeedAdvice.notJudged(Checks.notNull(bound, "bound"), producerImagesPerSecond, consumerImagesPerSecond));
  }

  /** The stages a run can be bound by. */
  public enum Bound {
    /** Reading the samples' encoded bytes set the pace ({@link Stage#READ}). */
    READ,
    /** Decoding the images set the pace ({@link Stage#DECODE}). */
    DECODE,
    /** Making the output samples (geometry, resampling) set the pace ({@link Stage#AUGMENT}). */
    AUGMENT,
    /** Copying samples into their ring slots set the pace ({@link Stage#COLLATE}). */
    COLLATE,
    /** The consumer's own work on each batch set the pace ({@link Stage#CONSUMER}). */
    CONSUMER,
    /**
     * The samples came from a supplier (remote nodes under {@code --remote}) slower than the
     * collate could take them: the nodes or the network set the pace ("node/network-bound").
     * Judged from the loader's mean wait for the next supplied sample ({@link Stage#SOURCE_WAIT});
     * never chosen while that wait is not timed, so never for a local source.
     */
    SOURCE,
    /** Nothing was delivered, or nothing on the producing side was timed. */
    UNKNOWN;

    /**
     * The name in lower case, e.g. {@code "decode"}, as the bench JSON writes it.
     *
     * @return the lower-case name, e.g. {@code "decode"}
     */
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }
}
