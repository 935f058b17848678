package dev.stoker.image;

/**
 * Told, on the worker thread, how one processed sample's time split between decoding and the rest.
 * Called once per sample that processed without error; must not block or allocate.
 *
 * <pre>{@code
 * SampleProcessor processor = new SampleProcessor(decoder, plan,
 *     (decodeNanos, augmentNanos) -> decodeTimer.record(decodeNanos, TimeUnit.NANOSECONDS));
 * }</pre>
 */
@FunctionalInterface
public interface SampleTimer {
  /**
   * Records one sample's times, in nanoseconds.
   *
   * @param decodeNanos time in the decoder: reading the header and decoding the region
   * @param augmentNanos the rest of the sample's processing: geometry, resampling, photometric
   *     steps and normalization
   */
  void sample(long decodeNanos, long augmentNanos);

  /**
   * Records one sample's times and the size of its source image, which the advice compares with the
   * output's (a timer that only times ignores the size).
   *
   * @param decodeNanos time in the decoder
   * @param augmentNanos the rest of the sample's processing
   * @param sourcePixels the source image's pixels, width times height, as its header gives them
   */
  default void sample(long decodeNanos, long augmentNanos, long sourcePixels) {
    sample(decodeNanos, augmentNanos);
  }
}
