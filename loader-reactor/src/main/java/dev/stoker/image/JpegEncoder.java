package dev.stoker.image;

import dev.stoker.api.internal.Checks;
import java.lang.foreign.MemorySegment;

/**
 * Encodes packed RGB uint8 pixels as a baseline JPEG at a given quality with 4:2:0 chroma: what
 * {@code stoker pack} stores after shrinking an image. {@link #best()} is libjpeg-turbo through the
 * native library where it loads ({@code stoker_encode_jpeg} in src/main/c/stoker_encode.c), else
 * {@code javax.imageio}. Thread-safe.
 *
 * <pre>{@code
 * JpegEncoder encoder = JpegEncoder.best();
 * byte[] jpeg = encoder.encode(MemorySegment.ofArray(rgb), 256, 192, 90, "cat.jpg");
 * }</pre>
 */
public interface JpegEncoder {
  /**
   * Encodes an image.
   *
   * @param rgb {@code width * height * 3} bytes of packed RGB rows, no padding
   * @param width columns, positive
   * @param height rows, positive
   * @param quality the JPEG quality, 1 to 100
   * @param source the sample's name for errors
   * @return the JPEG's bytes, at most {@link #maxBytes(int, int)}
   * @throws dev.stoker.api.LoaderException naming {@code source} if the encoder fails
   * @throws IllegalArgumentException naming the parameter if an argument is out of range
   */
  byte[] encode(MemorySegment rgb, int width, int height, int quality, String source);

  /**
   * Which encoder this is.
   *
   * @return {@code "libjpeg-turbo"} or {@code "imageio"}
   */
  String name();

  /**
   * libjpeg-turbo where the native library loads, else ImageIO.
   *
   * @return the fastest encoder available on this machine
   */
  static JpegEncoder best() {
    JpegEncoder fast = NativeJpegEncoder.orNull();
    return fast != null ? fast : imageIo();
  }

  /**
   * The pure-Java encoder ({@code javax.imageio}).
   *
   * @return an ImageIO-based encoder
   */
  static JpegEncoder imageIo() {
    return ImageIoJpegEncoder.INSTANCE;
  }

  /**
   * Why the native encoder is unavailable, or null where {@link #best()} is libjpeg-turbo.
   *
   * @return the reason, or null
   */
  static String nativeUnavailableReason() {
    return NativeJpegEncoder.unavailableReason();
  }

  /**
   * The most bytes a JPEG of {@code width x height} can take at any quality (libjpeg-turbo's own
   * 4:2:0 worst case): the image padded to whole 16x16 blocks at 3 bytes a pixel, plus 2048.
   *
   * @param width columns, positive
   * @param height rows, positive
   * @return the bound, in bytes
   */
  static long maxBytes(int width, int height) {
    Checks.positive(width, "width");
    Checks.positive(height, "height");
    return ((width + 15L) & ~15L) * ((height + 15L) & ~15L) * 3 + 2048;
  }
}
