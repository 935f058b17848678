package dev.stoker.api;

/** Encoded bytes could not be decoded into an image: a corrupt, truncated or unsupported file. */
public class DecodeException extends SampleException {
  private static final long serialVersionUID = 1L;

  /** Creates an exception naming the source, with a cause. */
  public DecodeException(String source, String message, Throwable cause) {
    super(source, message, cause);
  }

  /** Creates an exception naming the source. */
  public DecodeException(String source, String message) {
    super(source, message, null);
  }
}
