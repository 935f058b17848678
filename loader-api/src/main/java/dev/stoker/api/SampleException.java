package dev.stoker.api;

/**
 * A single sample could not be read or decoded. The message always starts with the sample's
 * source name (a file path, a server address and index) so a user can find the culprit.
 *
 * <p>Inside a pipeline a {@code SampleException} never travels as a stream error: it becomes a
 * {@link SampleFailure} value that is counted and reported.
 */
public class SampleException extends LoaderException {
  private static final long serialVersionUID = 1L;
  /** The file or peer the sample came from. */
  private final String source;

  /**
   * Creates an exception for the sample named {@code source}.
   *
   * @param source the file or peer the sample came from
   * @param message what went wrong
   * @param cause the underlying error, or null
   */
  public SampleException(String source, String message, Throwable cause) {
    super(source + ": " + message, cause);
    this.source = source;
  }

  /**
   * Creates an exception for the sample named {@code source} with no cause.
   *
   * @param source the file or peer the sample came from
   * @param message what went wrong
   */
  public SampleException(String source, String message) {
    this(source, message, null);
  }

  /**
   * The file or peer the sample came from.
   *
   * @return the sample's source name, as given to the constructor
   */
  public String source() {
    return source;
  }
}
