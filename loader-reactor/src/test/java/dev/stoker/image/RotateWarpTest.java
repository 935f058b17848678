package dev.stoker.image;

import dev.stoker.decode.ImageDecoders;
import static dev.stoker.image.GeneratedImages.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stoker.api.DecodeRequest;
import dev.stoker.api.ImageBuffer;
import dev.stoker.api.ImageDecoder;
import dev.stoker.api.ImageHeader;
import dev.stoker.api.TransformSpec;
import dev.stoker.api.TransformSpec.CenterCrop;
import dev.stoker.api.TransformSpec.Resize;
import dev.stoker.api.TransformSpec.Rotate;
import java.awt.image.BufferedImage;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Rotations by other angles run the bilinear fixed-point warp. The reference decodes the whole
 * image and, for every output pixel centre, maps back in double precision (undoing the resize,
 * then the counter-clockwise rotation about the canvas centre) and blends the four neighbouring
 * pixels bilinearly, edge pixels repeated; centres that land outside the image get the fill.
 */
class RotateWarpTest {
  private static final int W = 96;
  private static final int H = 64;
  private static final int FILL = 40;
  private static final BufferedImage SCENE = GeneratedImages.scene(W, H);
  private static final ByteBuffer PNG = GeneratedImages.png(SCENE);
  private static final byte[] SRC = GeneratedImages.rgb(SCENE);
  /** Centres closer than this to the image's edge may fall either side in the two computations. */
  private static final double EDGE = 1e-3;

  private final ImageDecoder decoder = new ImageIoDecoder(ImageDecoders.DEFAULT_MAX_PIXELS);

  private byte[] process(ImageDecoder d, List<TransformSpec> specs) {
    SampleProcessor processor = new SampleProcessor(d, TransformPlan.compile(specs));
    MemorySegment out = Arena.ofAuto().allocate(processor.sampleBytes());
    processor.process(PNG, "scene.png", new SplittableRandom(0), out);
    return bytes(out);
  }

  /** The source point of output pixel centre (x, y): canvas point, then rotated back. */
  private static double[] sourcePoint(double degrees, int outW, int outH, int x, int y) {
    double u = (x + 0.5) * W / outW;
    double v = (y + 0.5) * H / outH;
    double r = Math.toRadians(degrees);
    double du = u - W / 2.0;
    double dv = v - H / 2.0;
    // a counter-clockwise turn on screen (y down) sends (dx, dy) to (dx cos + dy sin, -dx sin + dy cos)
    return new double[] {W / 2.0 + du * Math.cos(r) - dv * Math.sin(r), H / 2.0 + du * Math.sin(r) + dv * Math.cos(r)};
  }

  private static double bilinear(double sx, double sy, int c) {
    double fx = sx - 0.5;
    double fy = sy - 0.5;
    int x0 = (int) Math.floor(fx);
    int y0 = (int) Math.floor(fy);
    double wx = fx - x0;
    double wy = fy - y0;
    double top = at(x0, y0, c) * (1 - wx) + at(x0 + 1, y0, c) * wx;
    double bottom = at(x0, y0 + 1, c) * (1 - wx) + at(x0 + 1, y0 + 1, c) * wx;
    return top * (1 - wy) + bottom * wy;
  }

  private static int at(int x, int y, int c) {
    int cx = Math.max(0, Math.min(W - 1, x));
    int cy = Math.max(0, Math.min(H - 1, y));
    return SRC[(cy * W + cx) * 3 + c] & 0xFF;
  }

  /** Compares with the reference; returns {image pixels compared, fill pixels compared}. */
  private static int[] assertMatchesReference(byte[] out, double degrees, int outW, int outH) {
    int image = 0;
    int fill = 0;
    for (int y = 0; y < outH; y++) {
      for (int x = 0; x < outW; x++) {
        double[] p = sourcePoint(degrees, outW, outH, x, y);
        double margin = Math.min(Math.min(p[0], W - p[0]), Math.min(p[1], H - p[1]));
        if (Math.abs(margin) < EDGE) {
          continue;
        }
        for (int c = 0; c < 3; c++) {
          int actual = out[(y * outW + x) * 3 + c] & 0xFF;
          if (margin < 0) {
            assertThat(actual).as("fill at (%d,%d)", x, y).isEqualTo(FILL);
          } else {
            assertThat((double) actual).as("(%d,%d) channel %d", x, y, c)
                .isCloseTo(Math.round(bilinear(p[0], p[1], c)), org.assertj.core.data.Offset.offset(1.0));
          }
        }
        if (margin < 0) {
          fill++;
        } else {
          image++;
        }
      }
    }
    return new int[] {image, fill};
  }

  @Test
  void rotate30_identityScale_matchesTheDoubleBilinearReferenceWithinOneLevel() {
    for (double degrees : new double[] {30, -30, 123.4}) {
      byte[] out = process(decoder, List.of(new Rotate(degrees, degrees, 1, FILL), new CenterCrop(W, H)));

      int[] counted = assertMatchesReference(out, degrees, W, H);

      assertThat(counted[0]).as("image pixels").isGreaterThan(W * H / 2);
      assertThat(counted[1]).as("fill pixels").isGreaterThan(W * H / 20);
    }
  }

  @Test
  void rotate30_thenHalfSize_matchesTheReferenceWithinOneLevel() {
    byte[] out = process(decoder, List.of(new Rotate(30, 30, 1, FILL), new Resize(W / 2, H / 2)));

    int[] counted = assertMatchesReference(out, 30, W / 2, H / 2);

    assertThat(counted[0]).isGreaterThan(W * H / 8);
  }

  @Test
  void rotate30_nativeDecoder_sameBytesAsImageIoOnAPng() {
    org.junit.jupiter.api.Assumptions.assumeTrue(NativeImageLibrary.unavailableReason() == null);
    List<TransformSpec> specs = List.of(new Rotate(30, 30, 1, FILL), new Resize(W / 2, H / 2));

    assertThat(process(ImageDecoders.nativeDecoder(), specs)).isEqualTo(process(decoder, specs));
  }

  @Test
  void rotate30_quarterScale_decodesTheRotatedRegionNoCoarserThanTheOutput() {
    RecordingDecoder recording = new RecordingDecoder(decoder);
    int outW = W / 4;
    int outH = H / 4;

    process(recording, List.of(new Rotate(30, 30, 1, FILL), new Resize(outW, outH)));

    assertThat(recording.requests).hasSize(1);
    DecodeRequest request = recording.requests.getFirst();
    // one output pixel step is 4 source pixels: the decode may shrink up to 4x, not more
    assertThat(request.minWidth() * 4L).isGreaterThanOrEqualTo(request.region().width());
    assertThat(request.minHeight() * 4L).isGreaterThanOrEqualTo(request.region().height());
    assertThat(request.minWidth()).isLessThanOrEqualTo(request.region().width() / 4 + 1);
    assertThat(request.region().fitsIn(W, H)).isTrue();
    for (int y = 0; y < outH; y++) {
      for (int x = 0; x < outW; x++) {
        double[] p = sourcePoint(30, outW, outH, x, y);
        if (p[0] >= 0 && p[0] <= W && p[1] >= 0 && p[1] <= H) {
          assertThat(p[0]).isBetween((double) request.region().x(), (double) request.region().x()
              + request.region().width());
          assertThat(p[1]).isBetween((double) request.region().y(), (double) request.region().y()
              + request.region().height());
        }
      }
    }
  }

  /** Passes everything to a decoder and keeps the decode requests. */
  private static final class RecordingDecoder implements ImageDecoder {
    final List<DecodeRequest> requests = new ArrayList<>();
    private final ImageDecoder inner;

    RecordingDecoder(ImageDecoder inner) {
      this.inner = inner;
    }

    @Override
    public String name() {
      return "recording";
    }

    @Override
    public ImageHeader readHeader(ByteBuffer encoded, String source) {
      return inner.readHeader(encoded, source);
    }

    @Override
    public void decode(ByteBuffer encoded, DecodeRequest request, ImageBuffer out, String source) {
      requests.add(request);
      inner.decode(encoded, request, out, source);
    }
  }
}
