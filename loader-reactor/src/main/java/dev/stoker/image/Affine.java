package dev.stoker.image;

/**
 * A 2D affine map in pixel coordinates (continuous: pixel {@code i} covers {@code [i, i + 1)}, its
 * centre is {@code i + 0.5}): {@code x' = xx x + xy y + tx}, {@code y' = yx x + yy y + ty}.
 *
 * <p>Quarter turns and mirrors are built from exact 0 and &plusmn;1 coefficients and whole-pixel
 * translations, so composing them stays exact: {@link #axisAligned()} and {@link #transposing()}
 * test for exact zeros.
 */
record Affine(double xx, double xy, double tx, double yx, double yy, double ty) {
  static final Affine IDENTITY = new Affine(1, 0, 0, 0, 1, 0);

  /** Normalizes {@code -0.0} to {@code 0.0} so that equal maps are equal records. */
  Affine {
    xx += 0.0;
    xy += 0.0;
    tx += 0.0;
    yx += 0.0;
    yy += 0.0;
    ty += 0.0;
  }

  /** Scales by {@code sx, sy} after translating by {@code (dx, dy)}: {@code x' = (x + dx) sx}. */
  static Affine translateThenScale(double dx, double dy, double sx, double sy) {
    return new Affine(sx, 0, dx * sx, 0, sy, dy * sy);
  }

  /**
   * The map from the canvas after a counter-clockwise rotation by {@code degrees} about the centre
   * of a {@code width x height} canvas (the canvas keeps its size) back to the canvas before it.
   * Multiples of 90 degrees have exact coefficients; a quarter turn's translation is rounded down
   * to whole pixels when {@code width + height} is odd, so that pixel centres land on pixel
   * centres.
   */
  static Affine rotation(double degrees, int width, int height) {
    double a = normalizedDegrees(degrees);
    if (a == 0) {
      return IDENTITY;
    }
    if (a == 180) {
      return new Affine(-1, 0, width, 0, -1, height);
    }
    long half = Math.floorDiv((long) width + height, 2);
    if (a == 90) {
      return new Affine(0, -1, half, 1, 0, half - width);
    }
    if (a == 270) {
      return new Affine(0, 1, half - height, -1, 0, half);
    }
    double radians = Math.toRadians(a);
    double c = Math.cos(radians);
    double s = Math.sin(radians);
    double cx = width / 2.0;
    double cy = height / 2.0;
    // y points down, so a visual counter-clockwise turn sends (x, y) to (c x + s y, -s x + c y);
    // the map back is its transpose
    return new Affine(c, -s, cx - c * cx + s * cy, s, c, cy - s * cx - c * cy);
  }

  /** {@code degrees} reduced to {@code [0, 360)}. */
  static double normalizedDegrees(double degrees) {
    double a = degrees % 360.0;
    return a < 0 ? a + 360.0 : a;
  }

  double x(double x, double y) {
    return xx * x + xy * y + tx;
  }

  double y(double x, double y) {
    return yx * x + yy * y + ty;
  }

  /** The map {@code p -> this(first(p))}. */
  Affine after(Affine first) {
    return new Affine(
        xx * first.xx + xy * first.yx, xx * first.xy + xy * first.yy, xx * first.tx + xy * first.ty + tx,
        yx * first.xx + yy * first.yx, yx * first.xy + yy * first.yy, yx * first.tx + yy * first.ty + ty);
  }

  /** The inverse map; every map built here is invertible (its scales are positive). */
  Affine inverse() {
    double det = xx * yy - xy * yx;
    double ixx = yy / det;
    double ixy = -xy / det;
    double iyx = -yx / det;
    double iyy = xx / det;
    return new Affine(ixx, ixy, -(ixx * tx + ixy * ty), iyx, iyy, -(iyx * tx + iyy * ty));
  }

  /** Whether x' depends on x only and y' on y only. */
  boolean axisAligned() {
    return xy == 0 && yx == 0;
  }

  /** Whether x' depends on y only and y' on x only (a quarter turn, maybe mirrored and scaled). */
  boolean transposing() {
    return xx == 0 && yy == 0;
  }

  /** The length of one step along x, mapped. */
  double stepX() {
    return Math.hypot(xx, yx);
  }

  /** The length of one step along y, mapped. */
  double stepY() {
    return Math.hypot(xy, yy);
  }
}
