package dev.stoker.image;

/**
 * The fused geometry of one sample: which rectangle of the source image (in source pixels,
 * fractional) becomes the {@code outWidth x outHeight} output, and whether it is mirrored.
 *
 * @param x left edge in source pixels
 * @param y top edge in source pixels
 * @param width source columns covered
 * @param height source rows covered
 * @param outWidth output columns
 * @param outHeight output rows
 * @param flip whether the output is mirrored left to right
 * @param flipVertical whether the output is mirrored top to bottom
 */
public record CropGeometry(double x, double y, double width, double height, int outWidth, int outHeight,
    boolean flip, boolean flipVertical) {

  /** A geometry that is not mirrored top to bottom. */
  public CropGeometry(double x, double y, double width, double height, int outWidth, int outHeight, boolean flip) {
    this(x, y, width, height, outWidth, outHeight, flip, false);
  }

  /** The whole image, unscaled, unflipped. */
  static CropGeometry identity(int width, int height) {
    return new CropGeometry(0, 0, width, height, width, height, false, false);
  }

  /**
   * Keeps the canvas rectangle {@code (cx, cy, cw, ch)} of the current output (canvas
   * coordinates) and makes it the new canvas of {@code newWidth x newHeight}.
   */
  CropGeometry crop(double cx, double cy, double cw, double ch, int newWidth, int newHeight) {
    double sx = width / outWidth;
    double sy = height / outHeight;
    double left = flip ? outWidth - cx - cw : cx;
    double top = flipVertical ? outHeight - cy - ch : cy;
    return new CropGeometry(x + left * sx, y + top * sy, cw * sx, ch * sy, newWidth, newHeight, flip, flipVertical);
  }

  /** Scales the canvas to {@code newWidth x newHeight} without changing what it shows. */
  CropGeometry resize(int newWidth, int newHeight) {
    return new CropGeometry(x, y, width, height, newWidth, newHeight, flip, flipVertical);
  }

  /** Mirrors the canvas left to right. */
  CropGeometry mirrored() {
    return new CropGeometry(x, y, width, height, outWidth, outHeight, !flip, flipVertical);
  }

  /** Mirrors the canvas top to bottom. */
  CropGeometry mirroredVertically() {
    return new CropGeometry(x, y, width, height, outWidth, outHeight, flip, !flipVertical);
  }
}
