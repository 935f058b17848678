package dev.stoker.api;

/**
 * The shape of every batch in a ring: {@code batchSize} samples of {@code height x width x
 * channels} uint8 pixels, stored one after another (NHWC).
 *
 * @param batchSize samples per batch
 * @param height rows per sample
 * @param width columns per sample
 * @param channels channels per pixel (3 for RGB)
 */
public record BatchLayout(int batchSize, int height, int width, int channels) {
  /** Validates the fields. */
  public BatchLayout {
    Checks.positive(batchSize, "batchSize");
    Checks.positive(height, "height");
    Checks.positive(width, "width");
    Checks.positive(channels, "channels");
  }

  /** Bytes of one sample's pixels. */
  public long sampleBytes() {
    return (long) height * width * channels;
  }

  /** Bytes of one full batch's pixels. */
  public long batchBytes() {
    return sampleBytes() * batchSize;
  }

  @Override
  public String toString() {
    return batchSize + "x" + height + "x" + width + "x" + channels + " uint8";
  }
}
