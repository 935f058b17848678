package dev.stoker.image;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.List;

/**
 * Which output pixels of a {@link CropGeometry} show the image and which show a fill, row by row.
 *
 * <p>A pixel shows the image when its centre maps inside the source image and inside every clip
 * of the geometry. The constraints are convex (each is a rectangle in its own affine frame), so
 * on every output row the pixels that meet one form a single span, and so do those that meet all.
 * A pixel outside some constraints shows the fill of the latest clip it is outside of (the image
 * counts as the oldest, with the oldest clip's fill).
 *
 * <p>Not thread-safe; one per worker thread, its arrays are reused.
 */
final class Coverage {
  /** Slack, in pixels, so that a centre on a boundary (up to rounding) counts as inside. */
  private static final double EPS = 1e-6;

  private int rows;
  private int cols;
  private int constraints;
  /** Per constraint then row: the first pixel inside, and one past the last. */
  private int[] spanStart = new int[0];
  private int[] spanEnd = new int[0];
  /** Per row: the span inside every constraint. */
  private int[] start = new int[0];
  private int[] end = new int[0];
  private int[] fills = new int[0];
  /** Per constraint: the written step whose fill its outside shows (the image's: the oldest clip's). */
  private int[] steps = new int[0];
  private byte[] fillLine = new byte[0];
  private int lineGray = -1;
  private int top;
  private int bottom;
  private int left;
  private int right;
  private boolean rectangle;
  /** The range of {@code u} being narrowed by {@link #narrow}. */
  private double lo;
  private double hi;

  /**
   * Computes the spans of {@code g} on an {@code imageWidth x imageHeight} source.
   *
   * @param toSource {@code g}'s map from output pixels to source pixels
   */
  void compute(CropGeometry g, Affine toSource, int imageWidth, int imageHeight) {
    rows = g.outHeight();
    cols = g.outWidth();
    List<CropGeometry.Clip> clips = g.clips();
    constraints = 1 + clips.size();
    int cells = constraints * rows;
    if (spanStart.length < cells) {
      spanStart = new int[cells];
      spanEnd = new int[cells];
    }
    if (start.length < rows) {
      start = new int[rows];
      end = new int[rows];
    }
    if (fills.length < constraints) {
      fills = new int[constraints];
      steps = new int[constraints];
    }
    spans(0, toSource, imageWidth, imageHeight);
    fills[0] = clips.isEmpty() ? 0 : clips.getFirst().fill();
    steps[0] = clips.isEmpty() ? CropGeometry.Clip.UNKNOWN_STEP : clips.getFirst().step();
    for (int k = 0; k < clips.size(); k++) {
      CropGeometry.Clip clip = clips.get(k);
      spans(k + 1, clip.fromSource().after(toSource), clip.width(), clip.height());
      fills[k + 1] = clip.fill();
      steps[k + 1] = clip.step();
    }
    intersect();
  }

  /** The first pixel of row {@code row} that shows the image. */
  int start(int row) {
    return start[row];
  }

  /** One past the last pixel of row {@code row} that shows the image; at most {@link #start} if none. */
  int end(int row) {
    return end[row];
  }

  /** Whether no pixel shows the image. */
  boolean isEmpty() {
    return bottom <= top;
  }

  /** Whether the pixels that show the image form one rectangle, {@link #left()} to {@link #bottom()}. */
  boolean isRectangle() {
    return rectangle;
  }

  int left() {
    return left;
  }

  int right() {
    return right;
  }

  int top() {
    return top;
  }

  int bottom() {
    return bottom;
  }

  /**
   * Writes each fill into the pixels of {@code out} (packed RGB, the geometry's output size) that
   * are outside its constraint, oldest first, so the latest clip a pixel is outside of wins.
   */
  void paintFills(MemorySegment out) {
    long stride = (long) cols * 3;
    for (int k = 0; k < constraints; k++) {
      prepareLine(fills[k]);
      for (int row = 0; row < rows; row++) {
        int s = spanStart[k * rows + row];
        int e = spanEnd[k * rows + row];
        long at = row * stride;
        if (e <= s) {
          MemorySegment.copy(fillLine, 0, out, ValueLayout.JAVA_BYTE, at, cols * 3);
          continue;
        }
        if (s > 0) {
          MemorySegment.copy(fillLine, 0, out, ValueLayout.JAVA_BYTE, at, s * 3);
        }
        if (e < cols) {
          MemorySegment.copy(fillLine, 0, out, ValueLayout.JAVA_BYTE, at + e * 3L, (cols - e) * 3);
        }
      }
    }
  }

  /**
   * The pixels a colour step written at position {@code step} colours, row by row: those that show
   * the image, or the fill of a step written before it; not those that show the fill of a step
   * written after it, which the written order leaves plain. A pixel outside some constraints shows
   * the fill of the latest one, and the clips' steps grow with their age, so on each row those
   * pixels are the one span inside every constraint whose fill comes from a later step.
   *
   * @param from receives, per row, the first coloured pixel, at least {@link CropGeometry#outHeight()} long
   * @param to receives, per row, one past the last (at most {@code from} when none)
   * @return {@code false}, leaving the arrays alone, when every pixel is coloured (no fill comes
   *     from a step written after {@code step})
   */
  boolean colouredSpans(int step, int[] from, int[] to) {
    int first = 0;
    while (first < constraints && steps[first] <= step) {
      first++;
    }
    if (first == constraints) {
      return false;
    }
    for (int row = 0; row < rows; row++) {
      int s = 0;
      int e = cols;
      for (int k = first; k < constraints; k++) {
        s = Math.max(s, spanStart[k * rows + row]);
        e = Math.min(e, spanEnd[k * rows + row]);
      }
      from[row] = e <= s ? 0 : s;
      to[row] = e <= s ? 0 : e;
    }
    return true;
  }

  /** Output columns of the geometry last computed. */
  int columns() {
    return cols;
  }

  /** Output rows of the geometry last computed. */
  int rows() {
    return rows;
  }

  /**
   * The bounding box, in source pixels, of the centres of the pixels that show the image, into
   * {@code bounds} as {@code minX, minY, maxX, maxY}. The map is affine and every row's pixels are
   * one span, so the span ends bound it.
   */
  void sourceBounds(Affine toSource, double[] bounds) {
    double minX = Double.POSITIVE_INFINITY;
    double minY = Double.POSITIVE_INFINITY;
    double maxX = Double.NEGATIVE_INFINITY;
    double maxY = Double.NEGATIVE_INFINITY;
    for (int row = top; row < bottom; row++) {
      if (end[row] <= start[row]) {
        continue;
      }
      double v = row + 0.5;
      for (int side = 0; side < 2; side++) {
        double u = side == 0 ? start[row] + 0.5 : end[row] - 0.5;
        double x = toSource.x(u, v);
        double y = toSource.y(u, v);
        minX = Math.min(minX, x);
        maxX = Math.max(maxX, x);
        minY = Math.min(minY, y);
        maxY = Math.max(maxY, y);
      }
    }
    bounds[0] = minX;
    bounds[1] = minY;
    bounds[2] = maxX;
    bounds[3] = maxY;
  }

  /**
   * Row spans of constraint {@code k}: pixels whose centre, mapped by {@code toFrame}, lies in
   * {@code [0, width] x [0, height]}.
   */
  private void spans(int k, Affine toFrame, double width, double height) {
    for (int row = 0; row < rows; row++) {
      double v = row + 0.5;
      lo = Double.NEGATIVE_INFINITY;
      hi = Double.POSITIVE_INFINITY;
      // x(u) = xx u + (xy v + tx) in [0, width]; y(u) likewise in [0, height]
      narrow(toFrame.xx(), toFrame.xy() * v + toFrame.tx(), width);
      narrow(toFrame.yx(), toFrame.yy() * v + toFrame.ty(), height);
      int s = (int) Math.max(0, Math.ceil(lo - 0.5 - EPS));
      int e = (int) Math.min(cols, Math.floor(hi - 0.5 + EPS) + 1);
      spanStart[k * rows + row] = Math.min(s, cols);
      spanEnd[k * rows + row] = Math.max(e, 0);
    }
  }

  /** Narrows {@code [lo, hi]} to the {@code u} where {@code 0 <= slope u + offset <= size}. */
  private void narrow(double slope, double offset, double size) {
    if (slope == 0) {
      if (offset < -EPS || offset > size + EPS) {
        lo = Double.POSITIVE_INFINITY;
        hi = Double.NEGATIVE_INFINITY;
      }
      return;
    }
    double a = -offset / slope;
    double b = (size - offset) / slope;
    lo = Math.max(lo, Math.min(a, b));
    hi = Math.min(hi, Math.max(a, b));
  }

  private void intersect() {
    top = rows;
    bottom = 0;
    rectangle = true;
    left = 0;
    right = 0;
    for (int row = 0; row < rows; row++) {
      int s = 0;
      int e = cols;
      for (int k = 0; k < constraints; k++) {
        s = Math.max(s, spanStart[k * rows + row]);
        e = Math.min(e, spanEnd[k * rows + row]);
      }
      if (e <= s) {
        s = 0;
        e = 0;
      }
      start[row] = s;
      end[row] = e;
      if (e > s) {
        if (top == rows) {
          top = row;
          left = s;
          right = e;
        } else if (bottom < row || s != left || e != right) {
          rectangle = false;
        }
        bottom = row + 1;
      }
    }
    if (top == rows) {
      top = 0;
      bottom = 0;
    }
  }

  private void prepareLine(int gray) {
    if (fillLine.length < cols * 3) {
      fillLine = new byte[cols * 3];
      lineGray = -1;
    }
    if (lineGray != gray) {
      Arrays.fill(fillLine, (byte) gray);
      lineGray = gray;
    }
  }
}
