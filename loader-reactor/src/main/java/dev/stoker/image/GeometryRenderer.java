package dev.stoker.image;

import dev.stoker.api.DecodeRequest;
import dev.stoker.api.ImageBuffer;
import dev.stoker.api.ImageDecoder;
import dev.stoker.api.ImageHeader;
import dev.stoker.api.Region;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;

/**
 * Produces the uint8 RGB pixels of one {@link CropGeometry}: decodes the source region the visible
 * output needs, at the smallest DCT scale that keeps the output's resolution, and maps it into the
 * output; pixels that show no image get their fill.
 *
 * <ul>
 *   <li>A geometry with no rotated frame and no fill, the case of every plan without {@code Pad},
 *       {@code RandomCrop} or {@code Rotate}: the enclosing region is decoded and the separable
 *       {@link Resampler} writes the whole output, exactly as before those steps existed.
 *   <li>An axis-aligned map (scales, translations, mirrors) whose visible pixels form a rectangle:
 *       the {@link Resampler} fills that rectangle. A quarter-turned map (x from y, y from x) is
 *       resampled transposed into a staging image, then transposed into the output: no
 *       interpolation is added, so at an identity scale pixels move exactly.
 *   <li>Any other map: the bilinear {@link AffineWarp} over the visible spans, from a region that
 *       covers them with a one-pixel margin, decoded no coarser than one decoded pixel per output
 *       pixel step along either output axis.
 * </ul>
 *
 * <p>Not thread-safe; one per worker thread, its buffers are reused.
 */
final class GeometryRenderer {
  /** How far from a whole pixel a composed edge may be and still count as on it. */
  private static final double SNAP = 1e-7;

  /** What the decode buffer starts with, and what {@link #trim} leaves it at most. */
  private static final long INITIAL_DECODED_BYTES = 1 << 20;

  private ImageBuffer decoded = ImageBuffer.allocate(INITIAL_DECODED_BYTES);
  private ImageBuffer staging = ImageBuffer.allocate(0);
  private final Resampler resampler = new Resampler();
  private final Coverage coverage = new Coverage();
  private final AffineWarp warp = new AffineWarp();
  private final double[] bounds = new double[4];
  private byte[] transposed = new byte[0];
  private byte[] line = new byte[0];
  /** The current render's {@link DecodeRequest#knownSound()}. */
  private boolean knownSound;
  /** Whether the last render computed {@link #coverage} (its geometry may show fill). */
  private boolean covered;

  /**
   * Renders {@code g} of the image {@code encoded} (whose header is {@code header}) into
   * {@code out}, packed RGB of {@code g}'s output size.
   *
   * @throws dev.stoker.api.DecodeException naming {@code source} if the image cannot be decoded
   */
  void render(ImageDecoder decoder, ByteBuffer encoded, String source, ImageHeader header, CropGeometry g,
      MemorySegment out, boolean knownSound) {
    this.knownSound = knownSound;
    covered = false;
    if (!g.rotated() && !g.fills()) {
      Region region = enclosing(g.x(), g.y(), g.width(), g.height(), header.width(), header.height());
      int minWidth = minimumSize(g.outWidth(), region.width(), g.width());
      int minHeight = minimumSize(g.outHeight(), region.height(), g.height());
      decoder.decode(encoded, new DecodeRequest(region, minWidth, minHeight, knownSound), decoded, source);
      double kx = (double) decoded.width() / region.width();
      double ky = (double) decoded.height() / region.height();
      resampler.resample(decoded, (g.x() - region.x()) * kx, (g.y() - region.y()) * ky,
          g.width() * kx, g.height() * ky, g.outWidth(), g.outHeight(), g.flip(), g.flipVertical(), out);
      return;
    }
    Affine toSource = g.outputToSource();
    coverage.compute(g, toSource, header.width(), header.height());
    covered = true;
    coverage.paintFills(out);
    if (coverage.isEmpty()) {
      return;
    }
    if (coverage.isRectangle() && (toSource.axisAligned() || toSource.transposing())) {
      resampleRectangle(decoder, encoded, source, header, toSource, g.outWidth(), out);
    } else {
      warp(decoder, encoded, source, header, toSource, g.outWidth(), g.outHeight(), out);
    }
  }

  /**
   * Which output pixels of the last render show the image and which a fill, or {@code null} when
   * its geometry showed no fill; valid until the next render on this renderer.
   */
  Coverage lastCoverage() {
    return covered ? coverage : null;
  }

  /** Bytes of scratch held now: the decode and staging buffers, the transposition's, the resampler's and the warp's. */
  long scratchBytes() {
    return decoded.capacity() + staging.capacity() + transposed.length + line.length + resampler.scratchBytes()
        + warp.scratchBytes();
  }

  /**
   * Gives back the scratch that makes the total exceed {@code maxBytes}: the buffers grow to the
   * largest image rendered and never shrink on their own, so after an outsized image the caller
   * trims them. Within the bound nothing happens (the steady state allocates nothing); over it the
   * buffers are dropped (their memory goes back when collected) and the decode buffer restarts at
   * {@code min(1 MiB, maxBytes)}.
   */
  void trim(long maxBytes) {
    if (scratchBytes() <= maxBytes) {
      return;
    }
    decoded = ImageBuffer.allocate(Math.min(INITIAL_DECODED_BYTES, maxBytes));
    staging = ImageBuffer.allocate(0);
    transposed = new byte[0];
    line = new byte[0];
    resampler.trim();
    warp.trim();
  }

  /** The visible rectangle of an axis-aligned or quarter-turned map, by the separable resampler. */
  private void resampleRectangle(ImageDecoder decoder, ByteBuffer encoded, String source, ImageHeader header,
      Affine toSource, int outWidth, MemorySegment out) {
    int left = coverage.left();
    int right = coverage.right();
    int top = coverage.top();
    int bottom = coverage.bottom();
    boolean transpose = !toSource.axisAligned();
    // the resampled image: its columns follow source x, its rows source y
    double colScale = transpose ? toSource.xy() : toSource.xx();
    double rowScale = transpose ? toSource.yx() : toSource.yy();
    int colFrom = transpose ? top : left;
    int colTo = transpose ? bottom : right;
    int rowFrom = transpose ? left : top;
    int rowTo = transpose ? right : bottom;
    double xa = colScale * colFrom + toSource.tx();
    double xb = colScale * colTo + toSource.tx();
    double ya = rowScale * rowFrom + toSource.ty();
    double yb = rowScale * rowTo + toSource.ty();
    double x = Math.min(xa, xb);
    double y = Math.min(ya, yb);
    double width = Math.abs(xb - xa);
    double height = Math.abs(yb - ya);
    int cols = colTo - colFrom;
    int rows = rowTo - rowFrom;
    boolean direct = !transpose && left == 0 && right == outWidth;
    MemorySegment target = direct
        ? out.asSlice((long) top * outWidth * 3, (long) rows * cols * 3)
        : staging.reshape(cols, rows, 3);

    // x and y were composed through several maps: an edge a rounding error off a whole pixel
    // must not widen the region by a pixel, which would shift a scaled decode's pixel grid
    Region region = enclosing(snap(x), snap(y), snap(x + width) - snap(x), snap(y + height) - snap(y),
        header.width(), header.height());
    int minWidth = minimumSize(cols, region.width(), width);
    int minHeight = minimumSize(rows, region.height(), height);
    decoder.decode(encoded, new DecodeRequest(region, minWidth, minHeight, knownSound), decoded, source);
    double kx = (double) decoded.width() / region.width();
    double ky = (double) decoded.height() / region.height();
    resampler.resample(decoded, (x - region.x()) * kx, (y - region.y()) * ky, width * kx, height * ky,
        cols, rows, colScale < 0, rowScale < 0, target);
    if (direct) {
      return;
    }
    if (transpose) {
      transposeInto(target, cols, rows, out, outWidth, left, top);
    } else {
      long rowBytes = (long) cols * 3;
      for (int r = 0; r < rows; r++) {
        MemorySegment.copy(target, r * rowBytes, out, ((long) (top + r) * outWidth + left) * 3, rowBytes);
      }
    }
  }

  /**
   * Writes the transpose of {@code staged} ({@code cols x rows}) into {@code out} at
   * {@code (left, top)}: staged pixel (column c, row r) becomes output pixel (column left + r,
   * row top + c).
   */
  private void transposeInto(MemorySegment staged, int cols, int rows, MemorySegment out, int outWidth,
      int left, int top) {
    int bytes = cols * rows * 3;
    if (transposed.length < bytes) {
      transposed = new byte[bytes];
    }
    if (line.length < rows * 3) {
      line = new byte[rows * 3];
    }
    MemorySegment.copy(staged, ValueLayout.JAVA_BYTE, 0, transposed, 0, bytes);
    for (int c = 0; c < cols; c++) {
      for (int r = 0, d = 0; r < rows; r++, d += 3) {
        int s = (r * cols + c) * 3;
        line[d] = transposed[s];
        line[d + 1] = transposed[s + 1];
        line[d + 2] = transposed[s + 2];
      }
      MemorySegment.copy(line, 0, out, ValueLayout.JAVA_BYTE, ((long) (top + c) * outWidth + left) * 3, rows * 3);
    }
  }

  /** Any other map: the bilinear warp over the visible spans. */
  private void warp(ImageDecoder decoder, ByteBuffer encoded, String source, ImageHeader header, Affine toSource,
      int outWidth, int outHeight, MemorySegment out) {
    coverage.sourceBounds(toSource, bounds);
    // one pixel of margin: the bilinear neighbours of a centre near the region's edge
    int x0 = clamp((int) Math.floor(bounds[0] - 1), 0, header.width() - 1);
    int y0 = clamp((int) Math.floor(bounds[1] - 1), 0, header.height() - 1);
    int x1 = clamp((int) Math.ceil(bounds[2] + 1), x0 + 1, header.width());
    int y1 = clamp((int) Math.ceil(bounds[3] + 1), y0 + 1, header.height());
    Region region = new Region(x0, y0, x1 - x0, y1 - y0);
    // decoded pixels no larger than the output's pixel step along either axis
    double step = Math.min(toSource.stepX(), toSource.stepY());
    int minWidth = minimumSize(region.width(), step);
    int minHeight = minimumSize(region.height(), step);
    decoder.decode(encoded, new DecodeRequest(region, minWidth, minHeight, knownSound), decoded, source);
    double kx = (double) decoded.width() / region.width();
    double ky = (double) decoded.height() / region.height();
    Affine toDecoded = Affine.translateThenScale(-region.x(), -region.y(), kx, ky).after(toSource);
    warp.warp(decoded, toDecoded, coverage, outWidth, outHeight, out);
  }

  /** The integer rectangle of the image that covers the fractional one {@code (x, y, width, height)}. */
  static Region enclosing(double x, double y, double width, double height, int imageWidth, int imageHeight) {
    int x0 = clamp((int) Math.floor(x), 0, imageWidth - 1);
    int y0 = clamp((int) Math.floor(y), 0, imageHeight - 1);
    int x1 = clamp((int) Math.ceil(x + width), x0 + 1, imageWidth);
    int y1 = clamp((int) Math.ceil(y + height), y0 + 1, imageHeight);
    return new Region(x0, y0, x1 - x0, y1 - y0);
  }

  /** {@code v}, or the whole number within {@link #SNAP} of it. */
  private static double snap(double v) {
    double r = Math.rint(v);
    return Math.abs(v - r) < SNAP ? r : v;
  }

  /** The decoded size of a region that keeps {@code out} pixels across {@code cropSize} region pixels. */
  private static int minimumSize(int out, int regionSize, double cropSize) {
    return clamp((int) Math.ceil(out * regionSize / cropSize), 1, regionSize);
  }

  /** The decoded size of a region whose pixels may be at most {@code step} region pixels wide. */
  private static int minimumSize(int regionSize, double step) {
    return clamp((int) Math.ceil(regionSize / step), 1, regionSize);
  }

  private static int clamp(int v, int min, int max) {
    return Math.max(min, Math.min(max, v));
  }
}
