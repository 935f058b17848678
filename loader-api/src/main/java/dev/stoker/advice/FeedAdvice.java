package dev.stoker.advice;

import dev.stoker.api.Bottleneck.Bound;
import dev.stoker.api.internal.Checks;

/**
 * The advice on one {@link FeedFacts}: what bounds the rate, by how much the loader falls short of
 * its consumer, and the first thing to change.
 *
 * <pre>{@code
 * FeedAdvice advice = FeedAdvisor.advise(facts);
 * if (advice.shortfall() > 1) System.out.println(advice.change());
 * }</pre>
 *
 * @param bound the stage that bounds the rate
 * @param feedImagesPerSecond what the loader delivers or could deliver
 * @param targetImagesPerSecond what the consumer asks for ({@code Infinity} when unknown)
 * @param shortfall target over feed: above 1 the consumer waits (1.5 means it wants 50% more)
 * @param first the first thing to change ({@link Remedy#NONE} when the loader keeps up, or nothing
 *     was measured to judge on)
 * @param change that change in words, with its numbers, e.g. {@code "use 6 threads (8 cores; 1,600
 *     images/s per thread reaches 3,000)"}; empty for {@link Remedy#NONE}
 * @param sentence the whole advice in one sentence: the bound, by how much, and the change (empty
 *     when not judged, see {@link #notJudged})
 */
public record FeedAdvice(Bound bound, double feedImagesPerSecond, double targetImagesPerSecond, double shortfall,
    Remedy first, String change, String sentence) {

  /** Validates the fields. */
  public FeedAdvice {
    Checks.notNull(bound, "bound");
    Checks.notNull(first, "first");
    Checks.notNull(change, "change");
    Checks.notNull(sentence, "sentence");
  }

  /**
   * Advice that was not judged: no facts beyond the two rates (a {@code Bottleneck} made without
   * them). Its remedy is {@link Remedy#NONE} and its change and sentence are empty.
   *
   * @param bound the stage that bounds the rate, not null
   * @param feedImagesPerSecond what the loader delivers
   * @param targetImagesPerSecond what the consumer asks for
   * @return the advice, with {@link #judged()} false
   */
  public static FeedAdvice notJudged(Bound bound, double feedImagesPerSecond, double targetImagesPerSecond) {
    return new FeedAdvice(bound, feedImagesPerSecond, targetImagesPerSecond,
        feedImagesPerSecond > 0 ? targetImagesPerSecond / feedImagesPerSecond : Double.POSITIVE_INFINITY,
        Remedy.NONE, "", "");
  }

  /**
   * Whether the rules judged this advice (its sentence is not empty); false for {@link #notJudged}.
   *
   * @return true when the sentence says something
   */
  public boolean judged() {
    return !sentence.isEmpty();
  }
}
