package dev.stoker.image;

import static dev.stoker.image.GeneratedImages.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stoker.api.TransformSpec;
import dev.stoker.api.TransformSpec.ColorJitter;
import dev.stoker.api.TransformSpec.Pad;
import dev.stoker.api.TransformSpec.PhotometricDistort;
import dev.stoker.api.TransformSpec.Resize;
import dev.stoker.api.TransformSpec.Rotate;
import dev.stoker.api.TransformSpec.ZoomOut;
import dev.stoker.decode.ImageDecoders;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A colour step written before a step that brings in fill leaves that fill plain, as the written
 * order does, and colours the image (its contrast mean taken over the image only); written after
 * it, the fill is coloured too (the negative control).
 */
class FillStaysFillTest {
  private static final int W = 50;
  private static final int H = 30;
  private static final int FILL = 17;
  private static final byte[] RGB = GeneratedImages.rgb(GeneratedImages.scene(W, H));
  private static final ByteBuffer PNG = GeneratedImages.png(GeneratedImages.scene(W, H));
  private static final ColorJitter JITTER = new ColorJitter(0.4, 0.4, 0.4, 0.1);

  private final ImageIoDecoder decoder = new ImageIoDecoder(ImageDecoders.DEFAULT_MAX_PIXELS);

  private byte[] process(List<TransformSpec> specs, long seed) {
    SampleProcessor processor = new SampleProcessor(decoder, TransformPlan.compile(specs));
    MemorySegment out = Arena.ofAuto().allocate(processor.sampleBytes());
    processor.process(PNG, "scene.png", new SplittableRandom(seed), out);
    return bytes(out);
  }

  /** The source image coloured by {@code step} alone, drawing from {@code random}. */
  private static byte[] coloured(TransformSpec step, SplittableRandom random) {
    byte[] px = RGB.clone();
    new OutputSteps(List.of(step)).apply(MemorySegment.ofArray(px), W, H, null, random, "scene");
    return px;
  }

  @Test
  void process_jitterBeforePad_borderKeepsTheFillAndImageIsTheJitteredImage() {
    List<TransformSpec> specs = List.of(new Resize(W, H), JITTER, new Pad(4, 3, 5, 2, FILL));
    int ow = W + 9;
    for (long seed = 0; seed < 8; seed++) {
      byte[] out = process(specs, seed);
      byte[] expected = coloured(JITTER, new SplittableRandom(seed)); // no geometric draw before the jitter's

      for (int y = 0; y < H + 5; y++) {
        for (int x = 0; x < ow; x++) {
          boolean image = x >= 4 && x < 4 + W && y >= 3 && y < 3 + H;
          for (int c = 0; c < 3; c++) {
            int want = image ? expected[((y - 3) * W + (x - 4)) * 3 + c] & 0xFF : FILL;
            assertThat(out[(y * ow + x) * 3 + c] & 0xFF).as("seed %d (%d,%d)", seed, x, y).isEqualTo(want);
          }
        }
      }
      assertThat(differing(expected, RGB)).as("seed %d: the image is coloured", seed).isPositive();
    }
  }

  @Test
  void process_jitterAfterPad_borderIsColouredToo() {
    List<TransformSpec> specs = List.of(new Resize(W, H), new Pad(4, 3, 5, 2, FILL), JITTER);
    int ow = W + 9;
    int colouredBorder = 0;
    int colouredImage = 0;
    for (long seed = 0; seed < 8; seed++) {
      byte[] out = process(specs, seed);
      for (int y = 0; y < H + 5; y++) {
        for (int x = 0; x < ow; x++) {
          boolean image = x >= 4 && x < 4 + W && y >= 3 && y < 3 + H;
          int v = out[(y * ow + x) * 3] & 0xFF;
          if (!image && v != FILL) {
            colouredBorder++;
          }
          if (image && v != (RGB[((y - 3) * W + (x - 4)) * 3] & 0xFF)) {
            colouredImage++;
          }
        }
      }
    }
    assertThat(colouredBorder).isPositive();
    assertThat(colouredImage).isPositive();
  }

  @Test
  void process_distortBeforeZoomOut_canvasKeepsTheFillAndImageIsTheDistortedImage() {
    PhotometricDistort distort = new PhotometricDistort();
    List<TransformSpec> specs = List.of(distort, new ZoomOut(2.0, 2.0, 1.0, FILL), new Resize(2 * W, 2 * H));
    for (long seed = 0; seed < 8; seed++) {
      SplittableRandom replay = new SplittableRandom(seed);
      replay.nextDouble(); // the zoom-out's coin; one ratio, so none drawn
      int left = (int) (W * replay.nextDouble());
      int top = (int) (H * replay.nextDouble());
      byte[] expected = coloured(distort, replay);

      byte[] out = process(specs, seed);

      for (int y = 0; y < 2 * H; y++) {
        for (int x = 0; x < 2 * W; x++) {
          boolean image = x >= left && x < left + W && y >= top && y < top + H;
          for (int c = 0; c < 3; c++) {
            int want = image ? expected[((y - top) * W + (x - left)) * 3 + c] & 0xFF : FILL;
            assertThat(out[(y * 2 * W + x) * 3 + c] & 0xFF).as("seed %d (%d,%d)", seed, x, y).isEqualTo(want);
          }
        }
      }
    }
  }

  @Test
  void process_jitterAfterZoomOut_canvasIsColouredToo() {
    List<TransformSpec> specs = List.of(new ZoomOut(2.0, 2.0, 1.0, FILL), new Resize(2 * W, 2 * H), JITTER);
    int notFill = 0;
    for (long seed = 0; seed < 8; seed++) {
      byte[] out = process(specs, seed);
      notFill += differing(out, filled(out.length));
    }
    // the image is a quarter of the canvas: more than that differing from the fill means the fill was coloured
    assertThat(notFill).isGreaterThan(8 * W * H * 3);
  }

  @Test
  void process_jitterBeforeRotate_cornersKeepTheFill() {
    Rotate rotate = new Rotate(30, 30, 1.0, FILL);
    Rotate otherFill = new Rotate(30, 30, 1.0, 200);
    for (long seed = 0; seed < 4; seed++) {
      byte[] out = process(List.of(new Resize(W, H), JITTER, rotate), seed);
      byte[] control = process(List.of(new Resize(W, H), rotate, JITTER), seed);
      byte[] fillA = process(List.of(new Resize(W, H), rotate), seed);
      byte[] fillB = process(List.of(new Resize(W, H), otherFill), seed);
      int corners = 0;
      int colouredCorners = 0;
      for (int i = 0; i < out.length; i++) {
        if (fillA[i] != fillB[i]) { // a pixel that shows the fill
          corners++;
          assertThat(out[i] & 0xFF).as("seed %d byte %d", seed, i).isEqualTo(FILL);
          colouredCorners += (control[i] & 0xFF) != FILL ? 1 : 0;
        }
      }
      assertThat(corners).isPositive();
      assertThat(colouredCorners).as("seed %d: written after the rotation, the corners are coloured", seed)
          .isPositive();
      assertThat(differing(out, fillA)).as("seed %d: the image is coloured", seed).isGreaterThan(corners / 2);
    }
  }

  private static byte[] filled(int length) {
    byte[] b = new byte[length];
    java.util.Arrays.fill(b, (byte) FILL);
    return b;
  }

  private static int differing(byte[] a, byte[] b) {
    int n = 0;
    for (int i = 0; i < a.length; i++) {
      n += a[i] != b[i] ? 1 : 0;
    }
    return n;
  }
}
