package dev.stoker.advice;

/**
 * The answer to "can this machine train it?".
 *
 * <pre>{@code
 * if (answer.verdict() == Verdict.NOT_FEASIBLE) System.exit(1);
 * }</pre>
 */
public enum Verdict {
  /** It can, as asked. */
  FEASIBLE("feasible"),
  /** It can after the changes the answer lists (a smaller batch, mixed precision, a cache, more cores or nodes). */
  FEASIBLE_WITH_CHANGES("feasible with changes"),
  /** It cannot: not even one image of the model fits in the GPU's memory. */
  NOT_FEASIBLE("not feasible");

  private final String label;

  Verdict(String label) {
    this.label = label;
  }

  /**
   * The verdict in words, as the JSON writes it, e.g. {@code "feasible with changes"}.
   *
   * @return the label
   */
  public String label() {
    return label;
  }
}
