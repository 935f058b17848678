package dev.stoker.api;

import dev.stoker.api.internal.Checks;

/**
 * A user's {@link SampleStep} threw while it ran on one sample. Like every {@link SampleException}
 * it fails that sample only: the loader counts it as a {@link SampleFailure} whose message names
 * the sample and the step, and the run goes on under its {@link FailurePolicy}. The step's own
 * exception is the cause.
 *
 * <pre>{@code
 * loader.onFailure(f -> {
 *   if (f.cause() instanceof SampleStepException e) {
 *     log.warn("step {} failed on {}", e.step(), f.source(), e.getCause());
 *   }
 * });
 * }</pre>
 */
public class SampleStepException extends SampleException {
  private static final long serialVersionUID = 1L;
  /** The failing step's {@link SampleStep#name()}. */
  private final String step;

  /**
   * Creates an exception for step {@code step} failing on the sample named {@code source}.
   *
   * @param source the sample's name, a file path or a peer and index, not null
   * @param step the step's {@link SampleStep#name()}, not null
   * @param cause what the step threw, not null
   */
  public SampleStepException(String source, String step, Throwable cause) {
    super(source, "step '" + step + "' failed: " + describe(Checks.notNull(cause, "cause")), cause);
    this.step = Checks.notNull(step, "step");
  }

  /**
   * The name of the step that failed.
   *
   * @return the step's {@link SampleStep#name()}
   */
  public String step() {
    return step;
  }

  private static String describe(Throwable cause) {
    return cause.getMessage() == null ? cause.getClass().getName()
        : cause.getClass().getSimpleName() + ": " + cause.getMessage();
  }
}
