package dev.stoker.image;

import dev.stoker.api.internal.Checks;

/**
 * The boxes of one sample while its geometric steps run: {@code x0, y0, x1, y1} in the current
 * canvas' pixels, each with its index in the caller's input. Every step moves them with the
 * pixels ({@link #map}); see {@link TransformPlan} for the rule that clips and drops them.
 *
 * <p>Not thread-safe; one per worker thread. Its arrays grow to the largest box count seen and are
 * reused, so steady state allocates nothing.
 */
final class BoxSet {
  /** Boxes narrower or lower than this, in output pixels, are dropped at the end. */
  static final double MIN_SIDE = 1.0;

  private double[] coords = new double[0];
  private int[] index = new int[0];
  private int count;

  /** How many boxes remain. */
  int count() {
    return count;
  }

  double x0(int i) {
    return coords[4 * i];
  }

  double y0(int i) {
    return coords[4 * i + 1];
  }

  double x1(int i) {
    return coords[4 * i + 2];
  }

  double y1(int i) {
    return coords[4 * i + 3];
  }

  /** Removes every box. */
  void clear() {
    count = 0;
  }

  /**
   * Loads {@code boxCount} boxes of 4 floats from {@code boxes}, in source pixels.
   *
   * @throws IllegalArgumentException naming {@code boxesIn} if a box is not finite or has
   *     {@code x1 < x0} or {@code y1 < y0}
   */
  void load(float[] boxes, int boxCount) {
    if (coords.length < 4 * boxCount) {
      coords = new double[4 * boxCount];
      index = new int[boxCount];
    }
    for (int i = 0; i < boxCount; i++) {
      float x0 = boxes[4 * i];
      float y0 = boxes[4 * i + 1];
      float x1 = boxes[4 * i + 2];
      float y1 = boxes[4 * i + 3];
      if (!(Float.isFinite(x0) && Float.isFinite(y0) && Float.isFinite(x1) && Float.isFinite(y1)
          && x0 <= x1 && y0 <= y1)) {
        count = 0;
        throw new IllegalArgumentException("boxesIn: box " + i + " must be finite with x0 <= x1 and y0 <= y1, got ["
            + x0 + ", " + y0 + ", " + x1 + ", " + y1 + "]");
      }
      coords[4 * i] = x0;
      coords[4 * i + 1] = y0;
      coords[4 * i + 2] = x1;
      coords[4 * i + 3] = y1;
      index[i] = i;
    }
    count = boxCount;
  }

  /**
   * Moves every box by {@code forward} (old canvas pixels to new canvas pixels): the box becomes
   * the axis-aligned bounding box of its four mapped corners, clipped to the new
   * {@code width x height} canvas. A box with nothing left inside the canvas (zero width or
   * height after clipping) is dropped.
   */
  void map(Affine forward, int width, int height) {
    int kept = 0;
    for (int i = 0; i < count; i++) {
      int b = 4 * i;
      double x0 = coords[b];
      double y0 = coords[b + 1];
      double x1 = coords[b + 2];
      double y1 = coords[b + 3];
      double ax = forward.x(x0, y0);
      double bx = forward.x(x1, y0);
      double cx = forward.x(x0, y1);
      double dx = forward.x(x1, y1);
      double ay = forward.y(x0, y0);
      double by = forward.y(x1, y0);
      double cy = forward.y(x0, y1);
      double dy = forward.y(x1, y1);
      double nx0 = clamp(Math.min(Math.min(ax, bx), Math.min(cx, dx)), width);
      double nx1 = clamp(Math.max(Math.max(ax, bx), Math.max(cx, dx)), width);
      double ny0 = clamp(Math.min(Math.min(ay, by), Math.min(cy, dy)), height);
      double ny1 = clamp(Math.max(Math.max(ay, by), Math.max(cy, dy)), height);
      if (nx1 > nx0 && ny1 > ny0) {
        int k = 4 * kept;
        coords[k] = nx0;
        coords[k + 1] = ny0;
        coords[k + 2] = nx1;
        coords[k + 3] = ny1;
        index[kept++] = index[i];
      }
    }
    count = kept;
  }

  /**
   * Moves box {@code i} to {@code (x0, y0, x1, y1)}; the caller has checked the values. The box
   * keeps its index in the caller's input (and so its label).
   */
  void set(int i, double x0, double y0, double x1, double y1) {
    int b = 4 * i;
    coords[b] = x0;
    coords[b + 1] = y0;
    coords[b + 2] = x1;
    coords[b + 3] = y1;
  }

  /**
   * Clips every box to the {@code width x height} canvas and drops the boxes with nothing left
   * inside it, the rule every geometric step ends with.
   */
  void clip(int width, int height) {
    map(Affine.IDENTITY, width, height);
  }

  /** Keeps only the boxes whose centre lies strictly inside {@code (left, top) - (right, bottom)}. */
  void keepCentresInside(double left, double top, double right, double bottom) {
    int kept = 0;
    for (int i = 0; i < count; i++) {
      int b = 4 * i;
      double cx = (coords[b] + coords[b + 2]) / 2;
      double cy = (coords[b + 1] + coords[b + 3]) / 2;
      if (left < cx && cx < right && top < cy && cy < bottom) {
        System.arraycopy(coords, b, coords, 4 * kept, 4);
        index[kept++] = index[i];
      }
    }
    count = kept;
  }

  /**
   * Applies the final rule on the {@code width x height} output: clips each box to it, drops boxes
   * whose clipped width or height is below {@link #MIN_SIDE}, and writes the rest in order.
   *
   * @return the number of boxes written
   */
  int finish(int width, int height, float[] boxesOut, int[] keptOut) {
    int kept = 0;
    for (int i = 0; i < count; i++) {
      int b = 4 * i;
      double x0 = clamp(coords[b], width);
      double y0 = clamp(coords[b + 1], height);
      double x1 = clamp(coords[b + 2], width);
      double y1 = clamp(coords[b + 3], height);
      if (x1 - x0 >= MIN_SIDE && y1 - y0 >= MIN_SIDE) {
        int k = 4 * kept;
        boxesOut[k] = (float) x0;
        boxesOut[k + 1] = (float) y0;
        boxesOut[k + 2] = (float) x1;
        boxesOut[k + 3] = (float) y1;
        keptOut[kept++] = index[i];
      }
    }
    return kept;
  }

  /** Checks the caller's box arrays for {@code boxCount} boxes. */
  static void checkArrays(float[] boxesIn, int boxCount, float[] boxesOut, int[] keptOut) {
    Checks.notNegative(boxCount, "boxCount");
    if (boxCount == 0) {
      return;
    }
    Checks.notNull(boxesIn, "boxesIn");
    Checks.notNull(boxesOut, "boxesOut");
    Checks.notNull(keptOut, "keptOut");
    Checks.argument(boxesIn.length >= 4L * boxCount, "boxesIn", "holds " + boxesIn.length + " floats, "
        + boxCount + " boxes need " + 4L * boxCount);
    Checks.argument(boxesOut.length >= 4L * boxCount, "boxesOut", "holds " + boxesOut.length + " floats, "
        + boxCount + " boxes need " + 4L * boxCount);
    Checks.argument(keptOut.length >= boxCount, "keptOut", "holds " + keptOut.length + " ints, "
        + boxCount + " boxes need " + boxCount);
  }

  private static double clamp(double v, int max) {
    return Math.max(0.0, Math.min(max, v));
  }
}
