package dev.stoker.cuda;

/** The element type of the normalized pixels a {@link DeviceBatch} or {@link HostBatch} carries. */
public enum PixelType {
  /** IEEE 754 binary32. */
  FLOAT32(4),
  /** IEEE 754 binary16, rounded to nearest even (CUDA's {@code __half}, Java's {@link Float#floatToFloat16}). */
  FLOAT16(2);

  private final int bytes;

  PixelType(int bytes) {
    this.bytes = bytes;
  }

  /**
   * Bytes per value.
   *
   * @return 4 for {@code FLOAT32}, 2 for {@code FLOAT16}
   */
  public int bytes() {
    return bytes;
  }
}
