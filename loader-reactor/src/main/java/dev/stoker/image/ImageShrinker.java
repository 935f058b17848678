package dev.stoker.image;

import dev.stoker.api.internal.Checks;
import dev.stoker.api.DecodeRequest;
import dev.stoker.api.ImageBuffer;
import dev.stoker.api.ImageDecoder;
import dev.stoker.api.ImageHeader;
import dev.stoker.api.Region;
import java.nio.ByteBuffer;

/**
 * Decodes an image and shrinks it so that its shorter side is at most a given length (never
 * enlarging, keeping the aspect ratio), into a {@link RawImage}: what a cache of decoded images
 * stores.
 *
 * <p>The decode asks for at least the target size, so a JPEG decoder may use a DCT scale (as the
 * loader itself does); the {@link Resampler} then brings it to the exact target size. An image
 * whose shorter side already fits is stored at its own size, pixel for pixel.
 *
 * <p>Thread-safe: each thread keeps its own decode buffer and resampler.
 *
 * <pre>{@code
 * ImageShrinker shrinker = new ImageShrinker(ImageDecoders.best(), 256);
 * ImageShrinker.Shrunk s = shrinker.shrink(jpegBytes, "cat.jpg");  // s.raw(): a RawImage
 * }</pre>
 */
public final class ImageShrinker {
  private final ImageDecoder decoder;
  private final int shorterSide;
  private final ThreadLocal<Scratch> scratch = ThreadLocal.withInitial(Scratch::new);

  /**
   * One shrunk image.
   *
   * @param raw the pixels as a {@link RawImage}, a heap buffer at position 0
   * @param sourceWidth the width of the image before shrinking (after EXIF orientation)
   * @param sourceHeight its height
   * @param width the width of {@code raw}
   * @param height the height of {@code raw}
   */
  public record Shrunk(ByteBuffer raw, int sourceWidth, int sourceHeight, int width, int height) {
    /** Validates the fields. */
    public Shrunk {
      Checks.notNull(raw, "raw");
      Checks.positive(sourceWidth, "sourceWidth");
      Checks.positive(sourceHeight, "sourceHeight");
      Checks.positive(width, "width");
      Checks.positive(height, "height");
    }

    /**
     * Output x per source x: what box x coordinates are multiplied by.
     *
     * @return {@code width / sourceWidth}, at most 1 (an image is never enlarged)
     */
    public double scaleX() {
      return (double) width / sourceWidth;
    }

    /**
     * Output y per source y: what box y coordinates are multiplied by.
     *
     * @return {@code height / sourceHeight}, at most 1 (an image is never enlarged)
     */
    public double scaleY() {
      return (double) height / sourceHeight;
    }
  }

  /**
   * Creates a shrinker.
   *
   * @param decoder decodes the encoded images
   * @param shorterSide the longest the shorter side of a result may be, positive
   * @throws IllegalArgumentException naming {@code shorterSide} if it is not positive
   */
  public ImageShrinker(ImageDecoder decoder, int shorterSide) {
    this.decoder = Checks.notNull(decoder, "decoder");
    this.shorterSide = Checks.positive(shorterSide, "shorterSide");
  }

  /**
   * The longest the shorter side of a result may be.
   *
   * @return the bound given to the constructor, in pixels
   */
  public int shorterSide() {
    return shorterSide;
  }

  /**
   * Decodes {@code encoded} and shrinks it.
   *
   * @param encoded the encoded bytes, from position to limit; the position is not moved
   * @param source the sample's name for error messages
   * @return the shrunk image and its size before and after
   * @throws dev.stoker.api.DecodeException naming {@code source} if the image cannot be decoded
   */
  public Shrunk shrink(ByteBuffer encoded, String source) {
    Checks.notNull(encoded, "encoded");
    Checks.notNull(source, "source");
    ImageHeader header = decoder.readHeader(encoded, source);
    int w = header.width();
    int h = header.height();
    int[] target = targetSize(w, h, shorterSide);
    int tw = target[0];
    int th = target[1];
    Scratch s = scratch.get();
    decoder.decode(encoded, new DecodeRequest(Region.full(w, h), tw, th), s.decoded, source);
    ImageBuffer result = s.decoded;
    if (s.decoded.width() != tw || s.decoded.height() != th) {
      s.resampler.resample(s.decoded, 0, 0, s.decoded.width(), s.decoded.height(), tw, th, false,
          s.resized.reshape(tw, th, 3));
      result = s.resized;
    }
    return new Shrunk(RawImage.encode(result), w, h, tw, th);
  }

  /**
   * The size of a {@code width x height} image shrunk so that its shorter side is at most
   * {@code shorterSide}: the shorter side becomes {@code shorterSide}, the longer one keeps the
   * aspect ratio (rounded, at least 1); an image that already fits keeps its size.
   *
   * @return {@code {width, height}}
   */
  static int[] targetSize(int width, int height, int shorterSide) {
    int shorter = Math.min(width, height);
    if (shorter <= shorterSide) {
      return new int[] {width, height};
    }
    double scale = (double) shorterSide / shorter;
    int w = width == shorter ? shorterSide : (int) Math.max(1, Math.round(width * scale));
    int h = width == shorter ? (int) Math.max(1, Math.round(height * scale)) : shorterSide;
    return new int[] {w, h};
  }

  private static final class Scratch {
    final ImageBuffer decoded = ImageBuffer.allocate(1 << 20);
    final ImageBuffer resized = ImageBuffer.allocate(0);
    final Resampler resampler = new Resampler();
  }
}
