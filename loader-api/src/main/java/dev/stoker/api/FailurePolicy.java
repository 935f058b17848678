package dev.stoker.api;

import dev.stoker.api.internal.Checks;

/**
 * What a loader does when samples fail to read or decode. Whatever the policy, a failed sample is
 * a {@link SampleFailure} value, reported in the run summary; the policy decides only when failures
 * end the run. Budgets count per epoch, so a long run does not die of failures spread over many
 * epochs.
 *
 * <pre>{@code
 * Loader.builder().failurePolicy(FailurePolicy.skip());              // the default
 * Loader.builder().failurePolicy(FailurePolicy.failFast());          // stop at the first failure
 * Loader.builder().failurePolicy(FailurePolicy.budget(100));         // at most 100 per epoch
 * Loader.builder().failurePolicy(FailurePolicy.budgetFraction(0.01)); // at most 1% of an epoch
 * }</pre>
 */
public sealed interface FailurePolicy {

  /**
   * Skips every failed sample: the batch fills from the following samples. The default.
   *
   * @return the policy that never ends a run
   */
  static FailurePolicy skip() {
    return new Skip();
  }

  /**
   * Ends the run at the first failed sample, with a {@link LoaderException} naming it.
   *
   * @return a policy with a budget of 0 failures per epoch
   */
  static FailurePolicy failFast() {
    return new Budget(0);
  }

  /**
   * Skips up to {@code maxFailures} failed samples per epoch and ends the run at one more.
   *
   * @param maxFailures failures allowed per epoch, 0 or more
   * @return a policy with that budget
   */
  static FailurePolicy budget(long maxFailures) {
    return new Budget(maxFailures);
  }

  /**
   * Skips failed samples while they stay at most {@code fraction} of the epoch's samples (rounded
   * down) and ends the run at one more.
   *
   * @param fraction the share of an epoch's samples that may fail, in {@code [0, 1]}
   * @return a policy with a budget of {@code floor(fraction * epochSamples)} per epoch
   */
  static FailurePolicy budgetFraction(double fraction) {
    return new Fraction(fraction);
  }

  /**
   * The most failures an epoch of {@code epochSamples} samples may have before the run ends.
   *
   * @param epochSamples the number of samples in the epoch, 0 or more
   * @return the failures allowed in that epoch, 0 or more ({@link Long#MAX_VALUE} for no limit)
   */
  long allowedPerEpoch(long epochSamples);

  /** Skip every failure. */
  record Skip() implements FailurePolicy {
    @Override
    public long allowedPerEpoch(long epochSamples) {
      return Long.MAX_VALUE;
    }

    @Override
    public String toString() {
      return "skip";
    }
  }

  /**
   * At most {@code maxFailures} failures per epoch; 0 is fail-fast.
   *
   * @param maxFailures the failures an epoch may have, {@code >= 0}
   */
  record Budget(long maxFailures) implements FailurePolicy {
    /** Validates the budget. */
    public Budget {
      Checks.argument(maxFailures >= 0, "maxFailures", "must be >= 0, got " + maxFailures);
    }

    @Override
    public long allowedPerEpoch(long epochSamples) {
      return maxFailures;
    }

    @Override
    public String toString() {
      return maxFailures == 0 ? "fail-fast" : "budget " + maxFailures + " per epoch";
    }
  }

  /**
   * At most {@code fraction} of each epoch's samples may fail.
   *
   * @param fraction in {@code [0, 1]}
   */
  record Fraction(double fraction) implements FailurePolicy {
    /** Validates the fraction. */
    public Fraction {
      Checks.argument(fraction >= 0 && fraction <= 1, "fraction", "must be in [0, 1], got " + fraction);
    }

    @Override
    public long allowedPerEpoch(long epochSamples) {
      return (long) Math.floor(fraction * epochSamples);
    }

    @Override
    public String toString() {
      return "budget " + fraction * 100 + "% per epoch";
    }
  }
}
