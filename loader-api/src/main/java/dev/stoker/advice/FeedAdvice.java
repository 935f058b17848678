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
 * @param first the first thing to change ({@link Remedy#NONE} when the loader keeps up)
 * @param change that change in words, with its numbers, e.g. {@code "use 6 threads (8 cores; 1,600
 *     images/s per thread reaches 3,000)"}; empty for {@link Remedy#NONE}
 * @param sentence the whole advice in one sentence: the bound, by how much, and the change
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
}
