package dev.stoker.api;

import dev.stoker.api.internal.Checks;

/**
 * A sample that failed to read or decode, as a value: it is counted and reported, never thrown
 * through the pipeline.
 *
 * @param epoch the epoch in which it failed
 * @param index the sample's index in its {@link SampleSource}
 * @param source the file or peer it came from
 * @param cause what went wrong
 */
public record SampleFailure(int epoch, int index, String source, Throwable cause) {
  /** Validates the fields. */
  public SampleFailure {
    Checks.notNull(source, "source");
    Checks.notNull(cause, "cause");
  }

  /**
   * One line for logs and failure lists: {@code source: message}.
   *
   * @return the failure in one line, starting with the source name
   */
  public String describe() {
    String message = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    return message.startsWith(source) ? message : source + ": " + message;
  }
}
