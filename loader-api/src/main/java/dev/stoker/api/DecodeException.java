package dev.stoker.api;

/** Encoded bytes could not be decoded into an image: a corrupt, truncated or unsupported file. */
public class DecodeException extends SampleException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception naming the source, with a cause.
   *
   * @param source the sample's name, a file path or a peer and index
   * @param message what is wrong with the bytes
   * @param cause the decoder's own error, or null
   */
  public DecodeException(String source, String message, Throwable cause) {
    super(source, message, cause);
  }

  /**
   * Creates an exception naming the source.
   *
   * @param source the sample's name, a file path or a peer and index
   * @param message what is wrong with the bytes
   */
  public DecodeException(String source, String message) {
    super(source, message, null);
  }
}
