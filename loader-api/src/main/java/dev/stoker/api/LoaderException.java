package dev.stoker.api;

/**
 * The root of every error Stoker raises: configuration, a sample that cannot be read or decoded,
 * a ring that was closed under a consumer.
 */
public class LoaderException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Creates an exception with a message. */
  public LoaderException(String message) {
    super(message);
  }

  /** Creates an exception with a message and a cause. */
  public LoaderException(String message, Throwable cause) {
    super(message, cause);
  }
}
