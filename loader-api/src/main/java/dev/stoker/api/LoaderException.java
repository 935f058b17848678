package dev.stoker.api;

/**
 * The root of every error Stoker raises: configuration, a sample that cannot be read or decoded,
 * a ring that was closed under a consumer.
 */
public class LoaderException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception with a message.
   *
   * @param message what went wrong
   */
  public LoaderException(String message) {
    super(message);
  }

  /**
   * Creates an exception with a message and a cause.
   *
   * @param message what went wrong
   * @param cause the underlying error, or null
   */
  public LoaderException(String message, Throwable cause) {
    super(message, cause);
  }
}
