package dev.stoker.api;

/**
 * The type of one pixel channel in a batch: {@code uint8} straight from the decoder, or
 * {@code float32} when the transform plan ends in a {@link TransformSpec.Normalize}.
 */
public enum ElementType {
  /** One unsigned byte per channel, 0 to 255. */
  UINT8(1, "uint8"),
  /** One IEEE-754 float per channel, in the platform's native byte order. */
  FLOAT32(Float.BYTES, "float32");

  private final int bytes;
  private final String label;

  ElementType(int bytes, String label) {
    this.bytes = bytes;
    this.label = label;
  }

  /**
   * Bytes of one channel value.
   *
   * @return 1 for {@code UINT8}, 4 for {@code FLOAT32}
   */
  public int bytes() {
    return bytes;
  }

  /** The usual lower-case name, e.g. {@code "float32"}. */
  @Override
  public String toString() {
    return label;
  }
}
