package dev.stoker.cli;

/**
 * Bad usage found after parsing: an option's value out of its range, options that contradict each
 * other or one that would be ignored. The message names the option as the user typed it
 * ({@code --batch}), never a builder's parameter; the command exits with status 2, as for an
 * option picocli could not parse.
 *
 * <pre>{@code
 * if (epochs < 1) {
 *   throw new UsageException("--epochs: must be at least 1, got " + epochs);
 * }
 * }</pre>
 */
final class UsageException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  UsageException(String message) {
    super(message);
  }

  UsageException(String message, Throwable cause) {
    super(message, cause);
  }
}
