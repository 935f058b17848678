package dev.stoker.api;

import java.lang.foreign.MemorySegment;

/**
 * One sample's output image as a {@link SampleStep} sees it: packed {@code height x width x 3}
 * uint8 RGB pixels, read-write, and the sample's boxes in output pixels. The image's size is the
 * batch's and cannot change. Valid only during the {@link SampleStep#apply} call that receives it.
 *
 * <p>Boxes: a {@link SampleStep.Kind#GEOMETRIC} step moves each box with {@link #setBox}; after the
 * step every box is clipped to the image and a box with nothing left inside it is dropped, as the
 * built-in geometric steps do. A {@link SampleStep.Kind#PHOTOMETRIC} step may only read them.
 *
 * <pre>{@code
 * float[] b = new float[4];
 * for (int i = 0; i < image.boxCount(); i++) {
 *   image.box(i, b);
 *   image.setBox(i, image.width() - b[2], b[1], image.width() - b[0], b[3]); // mirror
 * }
 * }</pre>
 */
public interface SampleImage {
  /**
   * Columns of the image.
   *
   * @return the width, in pixels
   */
  int width();

  /**
   * Rows of the image.
   *
   * @return the height, in pixels
   */
  int height();

  /**
   * Channels per pixel, always 3 (R, G, B).
   *
   * @return 3
   */
  int channels();

  /**
   * The pixels, {@code width() * height() * channels()} bytes, row-major, channels interleaved,
   * writable in place.
   *
   * @return the pixel memory, valid only during the step's call
   */
  MemorySegment pixels();

  /**
   * How many boxes the sample carries now; 0 for a classification sample.
   *
   * @return the box count
   */
  int boxCount();

  /**
   * Copies box {@code box} into {@code xyxy} as {@code x0, y0, x1, y1} in output pixels.
   *
   * @param box the box, {@code 0 <= box < boxCount()}
   * @param xyxy receives the four corners; at least 4 floats
   */
  void box(int box, float[] xyxy);

  /**
   * Moves box {@code box} to {@code (x0, y0, x1, y1)}, output pixels; the box keeps its label.
   *
   * @param box the box, {@code 0 <= box < boxCount()}
   * @param x0 left edge
   * @param y0 top edge
   * @param x1 right edge, at least x0
   * @param y1 bottom edge, at least y0
   * @throws IllegalStateException if the running step is {@link SampleStep.Kind#PHOTOMETRIC}
   * @throws IllegalArgumentException naming the parameter if a value is not finite or the corners are swapped
   */
  void setBox(int box, float x0, float y0, float x1, float y1);
}
