package dev.stoker.image;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The fused geometry of one sample: the map from each pixel of the {@code outWidth x outHeight}
 * output to a point of the source image, and which output pixels show no image at all.
 *
 * <p>The map has two parts. The public accessors describe an axis-aligned one: the rectangle
 * {@code (x, y, width, height)}, fractional, of a <em>frame</em> that becomes the output, mirrored
 * left to right if {@link #flip()} and top to bottom if {@link #flipVertical()}. For plans without
 * {@code Rotate} the frame is the source image itself, so the rectangle is in source pixels and
 * the geometry is exactly what it was before rotations existed. A rotation makes the canvas it
 * rotates the new frame; the frame then maps to the source by an affine map (package-private).
 *
 * <p>Steps that can show pixels from outside the current canvas ({@code Pad}, a {@code RandomCrop}
 * larger than the canvas, {@code Rotate}) remember that canvas as a clip with the step's fill:
 * an output pixel outside it shows the fill of the latest clip it is outside of.
 */
public final class CropGeometry {
  private final double x;
  private final double y;
  private final double width;
  private final double height;
  private final int outWidth;
  private final int outHeight;
  private final boolean flip;
  private final boolean flipVertical;
  private final Affine frame;
  private final List<Clip> clips;

  /**
   * An axis-aligned geometry whose frame is the source image, with no fill.
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
  public CropGeometry(double x, double y, double width, double height, int outWidth, int outHeight,
      boolean flip, boolean flipVertical) {
    this(x, y, width, height, outWidth, outHeight, flip, flipVertical, Affine.IDENTITY, List.of());
  }

  /**
   * An axis-aligned geometry that is not mirrored top to bottom; see the 8-argument constructor.
   *
   * @param x left edge in source pixels
   * @param y top edge in source pixels
   * @param width source columns covered
   * @param height source rows covered
   * @param outWidth output columns
   * @param outHeight output rows
   * @param flip whether the output is mirrored left to right
   */
  public CropGeometry(double x, double y, double width, double height, int outWidth, int outHeight, boolean flip) {
    this(x, y, width, height, outWidth, outHeight, flip, false);
  }

  private CropGeometry(double x, double y, double width, double height, int outWidth, int outHeight,
      boolean flip, boolean flipVertical, Affine frame, List<Clip> clips) {
    this.x = x;
    this.y = y;
    this.width = width;
    this.height = height;
    this.outWidth = outWidth;
    this.outHeight = outHeight;
    this.flip = flip;
    this.flipVertical = flipVertical;
    this.frame = frame;
    this.clips = clips;
  }

  /** The whole image, unscaled, unflipped. */
  static CropGeometry identity(int width, int height) {
    return new CropGeometry(0, 0, width, height, width, height, false, false);
  }

  /**
   * Left edge of the rectangle, in frame pixels (source pixels for plans without {@code Rotate}).
   *
   * @return the left edge, in frame pixels
   */
  public double x() {
    return x;
  }

  /**
   * Top edge of the rectangle, in frame pixels.
   *
   * @return the top edge, in frame pixels
   */
  public double y() {
    return y;
  }

  /**
   * Frame columns the rectangle covers.
   *
   * @return the rectangle's width, in frame pixels
   */
  public double width() {
    return width;
  }

  /**
   * Frame rows the rectangle covers.
   *
   * @return the rectangle's height, in frame pixels
   */
  public double height() {
    return height;
  }

  /**
   * Output columns.
   *
   * @return the output width, in pixels
   */
  public int outWidth() {
    return outWidth;
  }

  /**
   * Output rows.
   *
   * @return the output height, in pixels
   */
  public int outHeight() {
    return outHeight;
  }

  /**
   * Whether the output is mirrored left to right.
   *
   * @return {@code true} if mirrored left to right
   */
  public boolean flip() {
    return flip;
  }

  /**
   * Whether the output is mirrored top to bottom.
   *
   * @return {@code true} if mirrored top to bottom
   */
  public boolean flipVertical() {
    return flipVertical;
  }

  /**
   * Whether a rotation has made a canvas the frame (else the frame is the source image).
   *
   * @return {@code true} if the frame is a rotated canvas
   */
  public boolean rotated() {
    return !frame.equals(Affine.IDENTITY);
  }

  /**
   * Whether some output pixels may show a fill instead of the image.
   *
   * @return {@code true} if the output may show fill pixels
   */
  public boolean fills() {
    return !clips.isEmpty();
  }

  /** The map from frame pixels to source pixels. */
  Affine frame() {
    return frame;
  }

  /** The canvases that bound what the output shows, oldest first. */
  List<Clip> clips() {
    return clips;
  }

  /** The map from the output rectangle to the frame: scale, translate and mirrors. */
  Affine outputToFrame() {
    double sx = width / outWidth;
    double sy = height / outHeight;
    return new Affine(flip ? -sx : sx, 0, flip ? x + outWidth * sx : x,
        0, flipVertical ? -sy : sy, flipVertical ? y + outHeight * sy : y);
  }

  /** The map from output pixels to source pixels. */
  Affine outputToSource() {
    Affine toFrame = outputToFrame();
    return rotated() ? frame.after(toFrame) : toFrame;
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
    return new CropGeometry(x + left * sx, y + top * sy, cw * sx, ch * sy, newWidth, newHeight, flip, flipVertical,
        frame, clips);
  }

  /** Scales the canvas to {@code newWidth x newHeight} without changing what it shows. */
  CropGeometry resize(int newWidth, int newHeight) {
    return new CropGeometry(x, y, width, height, newWidth, newHeight, flip, flipVertical, frame, clips);
  }

  /** Mirrors the canvas left to right. */
  CropGeometry mirrored() {
    return new CropGeometry(x, y, width, height, outWidth, outHeight, !flip, flipVertical, frame, clips);
  }

  /** Mirrors the canvas top to bottom. */
  CropGeometry mirroredVertically() {
    return new CropGeometry(x, y, width, height, outWidth, outHeight, flip, !flipVertical, frame, clips);
  }

  /**
   * Remembers the current canvas as a clip: output pixels that a later step maps outside it show
   * {@code fill}.
   */
  CropGeometry clipped(int fill) {
    Clip clip = new Clip(outputToSource().inverse(), outWidth, outHeight, fill, Clip.UNKNOWN_STEP);
    if (!clips.isEmpty() && clips.getLast().sameCanvas(clip)) {
      return this;
    }
    List<Clip> more = new ArrayList<>(clips.size() + 1);
    more.addAll(clips);
    more.add(clip);
    return new CropGeometry(x, y, width, height, outWidth, outHeight, flip, flipVertical, frame, List.copyOf(more));
  }

  /**
   * The clips from position {@code from} on (those the step just folded in added) marked as brought
   * in by written step {@code step}.
   */
  CropGeometry stamped(int from, int step) {
    if (from >= clips.size()) {
      return this;
    }
    List<Clip> marked = new ArrayList<>(clips);
    for (int k = from; k < marked.size(); k++) {
      Clip c = marked.get(k);
      marked.set(k, new Clip(c.fromSource(), c.width(), c.height(), c.fill(), step));
    }
    return new CropGeometry(x, y, width, height, outWidth, outHeight, flip, flipVertical, frame, List.copyOf(marked));
  }

  /** Adds borders of {@code fill} around the canvas. */
  CropGeometry padded(int left, int top, int right, int bottom, int fill) {
    if (left == 0 && top == 0 && right == 0 && bottom == 0) {
      return this;
    }
    int newWidth = Math.addExact(outWidth, Math.addExact(left, right));
    int newHeight = Math.addExact(outHeight, Math.addExact(top, bottom));
    return clipped(fill).crop(-left, -top, newWidth, newHeight, newWidth, newHeight);
  }

  /**
   * Rotates the canvas counter-clockwise by {@code degrees} about its centre, keeping its size;
   * what comes from outside it is {@code fill}. Half turns only mirror both axes; quarter turns
   * move whole pixels.
   */
  CropGeometry rotated(double degrees, int fill) {
    double a = Affine.normalizedDegrees(degrees);
    if (a == 0) {
      return this;
    }
    if (a == 180) {
      return mirrored().mirroredVertically();
    }
    boolean ontoItself = (a == 90 || a == 270) && outWidth == outHeight;
    CropGeometry base = ontoItself ? this : clipped(fill);
    Affine newFrame = base.outputToSource().after(Affine.rotation(a, outWidth, outHeight));
    return new CropGeometry(0, 0, outWidth, outHeight, outWidth, outHeight, false, false, newFrame, base.clips);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CropGeometry g
        && Double.compare(x, g.x) == 0 && Double.compare(y, g.y) == 0
        && Double.compare(width, g.width) == 0 && Double.compare(height, g.height) == 0
        && outWidth == g.outWidth && outHeight == g.outHeight
        && flip == g.flip && flipVertical == g.flipVertical
        && frame.equals(g.frame) && clips.equals(g.clips);
  }

  @Override
  public int hashCode() {
    return Objects.hash(x, y, width, height, outWidth, outHeight, flip, flipVertical, frame, clips);
  }

  @Override
  public String toString() {
    return "CropGeometry[x=" + x + ", y=" + y + ", width=" + width + ", height=" + height
        + ", outWidth=" + outWidth + ", outHeight=" + outHeight + ", flip=" + flip + ", flipVertical=" + flipVertical
        + (rotated() ? ", frame=" + frame : "") + (clips.isEmpty() ? "" : ", clips=" + clips) + "]";
  }

  /**
   * A canvas that bounds what the output shows: {@code [0, width] x [0, height]} in the canvas'
   * own pixels, reached from source pixels by {@code fromSource}; outside it the output is
   * {@code fill}, brought in by the written step at position {@code step} ({@link #UNKNOWN_STEP}
   * when the geometry was not folded by a plan, which makes it count as older than every step).
   */
  record Clip(Affine fromSource, int width, int height, int fill, int step) {
    /** The step of a clip made outside {@link TransformPlan#geometry}: before every written step. */
    static final int UNKNOWN_STEP = -1;

    /** Whether {@code other} bounds the same canvas with the same fill, whichever step made it. */
    boolean sameCanvas(Clip other) {
      return fromSource.equals(other.fromSource) && width == other.width && height == other.height
          && fill == other.fill;
    }
  }
}
