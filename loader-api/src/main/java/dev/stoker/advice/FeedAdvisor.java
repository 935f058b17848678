package dev.stoker.advice;

/**
 * The rules that turn {@link FeedFacts} into {@link FeedAdvice}; the bench verdict and
 * {@code stoker doctor} both use them.
 *
 * <pre>{@code
 * FeedAdvice advice = FeedAdvisor.advise(facts);
 * }</pre>
 */
public final class FeedAdvisor {
  private FeedAdvisor() {}

  /**
   * The advice on {@code facts}.
   *
   * @param facts the measured rates and sizes, not null
   * @return the advice
   */
  public static FeedAdvice advise(FeedFacts facts) {
    throw new UnsupportedOperationException("FeedAdvisor rules are being written (issue 19 item 4)");
  }
}
