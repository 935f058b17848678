package dev.stoker.api;

import dev.stoker.api.internal.Checks;

/**
 * A rectangle of pixels, in the coordinates of the full image.
 *
 * @param x left column, inclusive
 * @param y top row, inclusive
 * @param width columns, positive
 * @param height rows, positive
 */
public record Region(int x, int y, int width, int height) {
  /** Validates the fields. */
  public Region {
    Checks.notNegative(x, "x");
    Checks.notNegative(y, "y");
    Checks.positive(width, "width");
    Checks.positive(height, "height");
  }

  /**
   * The whole of an image of the given size.
   *
   * @param width the image's columns, positive
   * @param height the image's rows, positive
   * @return the region {@code (0, 0, width, height)}
   */
  public static Region full(int width, int height) {
    return new Region(0, 0, width, height);
  }

  /**
   * Whether this region lies inside an image of the given size.
   *
   * @param imageWidth the image's columns
   * @param imageHeight the image's rows
   * @return {@code true} if {@code x + width <= imageWidth} and {@code y + height <= imageHeight}
   */
  public boolean fitsIn(int imageWidth, int imageHeight) {
    return (long) x + width <= imageWidth && (long) y + height <= imageHeight;
  }
}
