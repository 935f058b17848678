package dev.stoker.api;

import dev.stoker.api.internal.Checks;

/**
 * What a decoder learns from an image's header without decoding pixels.
 *
 * @param width columns, after EXIF orientation is applied
 * @param height rows, after EXIF orientation is applied
 * @param format the container, e.g. {@code "jpeg"} or {@code "png"}
 */
public record ImageHeader(int width, int height, String format) {
  /** Validates the fields. */
  public ImageHeader {
    Checks.positive(width, "width");
    Checks.positive(height, "height");
    Checks.notNull(format, "format");
  }

  /**
   * Pixels in the full image.
   *
   * @return {@code width * height}
   */
  public long pixels() {
    return (long) width * height;
  }
}
