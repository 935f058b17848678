package dev.stoker.image;

import dev.stoker.decode.ImageDecoders;
import static dev.stoker.image.GeneratedImages.bytes;
import static dev.stoker.image.GeneratedImages.pixel;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stoker.api.ImageDecoder;
import dev.stoker.api.TransformSpec;
import dev.stoker.api.TransformSpec.CenterCrop;
import dev.stoker.api.TransformSpec.HorizontalFlip;
import dev.stoker.api.TransformSpec.Pad;
import dev.stoker.api.TransformSpec.RandomCrop;
import dev.stoker.api.TransformSpec.RandomResizedCrop;
import dev.stoker.api.TransformSpec.Resize;
import dev.stoker.api.TransformSpec.Rotate;
import java.awt.image.BufferedImage;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.IntBinaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Pad, RandomCrop and quarter-turn rotations at an identity scale move whole pixels: every output
 * pixel is exactly a source pixel or the fill. Lossless PNGs of random pixels (no symmetry), with
 * the ImageIO decoder and, where the library loads, the native one.
 */
class PadCropRotateTest {
  private static final int W = 40;
  private static final int H = 30;
  private static final BufferedImage NOISE = GeneratedImages.noise(W, H, 17);
  private static final ByteBuffer PNG = GeneratedImages.png(NOISE);
  private static final byte[] SRC = GeneratedImages.rgb(NOISE);

  private static List<ImageDecoder> decoders() {
    List<ImageDecoder> decoders = new ArrayList<>();
    decoders.add(new ImageIoDecoder(ImageDecoders.DEFAULT_MAX_PIXELS));
    if (NativeImageLibrary.unavailableReason() == null) {
      decoders.add(ImageDecoders.nativeDecoder());
    }
    return decoders;
  }

  private static byte[] process(ImageDecoder decoder, List<TransformSpec> specs, ByteBuffer encoded, long seed) {
    SampleProcessor processor = new SampleProcessor(decoder, TransformPlan.compile(specs));
    MemorySegment out = Arena.ofAuto().allocate(processor.sampleBytes());
    processor.process(encoded, "noise.png", new SplittableRandom(seed), out);
    return bytes(out);
  }

  /**
   * Asserts that output pixel (x, y) is source pixel {@code where(x, y)} (packed as
   * {@code sx << 16 | sy}), or {@code fill} gray where {@code where} answers -1.
   */
  private static void assertMoved(byte[] out, int outW, int outH, IntBinaryOperator where, int fill, String as) {
    assertMoved(out, outW, outH, where, fill, fill, as);
  }

  /** As above, with {@code outerFill} gray where {@code where} answers -2. */
  private static void assertMoved(byte[] out, int outW, int outH, IntBinaryOperator where, int outerFill, int fill,
      String as) {
    for (int y = 0; y < outH; y++) {
      for (int x = 0; x < outW; x++) {
        int at = where.applyAsInt(x, y);
        int gray = at == -2 ? outerFill : fill;
        int expected = at < 0 ? gray << 16 | gray << 8 | gray : pixel(SRC, W, at >> 16, at & 0xFFFF);
        assertThat(pixel(out, outW, x, y)).as("%s: output (%d,%d)", as, x, y).isEqualTo(expected);
      }
    }
  }

  private static int source(int sx, int sy) {
    return sx >= 0 && sx < W && sy >= 0 && sy < H ? sx << 16 | sy : -1;
  }

  @Test
  void pad_identityScale_putsTheImageAtTheOffsetAndFillAround() {
    for (ImageDecoder decoder : decoders()) {
      byte[] out = process(decoder, List.of(new Resize(W, H), new Pad(3, 2, 5, 4, 77)), PNG, 0);

      assertThat(out).hasSize((W + 8) * (H + 6) * 3);
      assertMoved(out, W + 8, H + 6, (x, y) -> source(x - 3, y - 2), 77, decoder.name());
    }
  }

  @Test
  void pad_thenHorizontalFlip_mirrorsImageAndBorders() {
    for (ImageDecoder decoder : decoders()) {
      byte[] out = process(decoder, List.of(new Resize(W, H), new Pad(3, 2, 5, 4, 77), new HorizontalFlip(1)), PNG, 0);

      // mirrored: the 5-column right border is now on the left
      assertMoved(out, W + 8, H + 6, (x, y) -> source(W + 8 - 1 - x - 3, y - 2), 77, decoder.name());
    }
  }

  /**
   * The padded sample resamples the same source rectangle from the same scaled region decode; its
   * numbers are composed differently, so the filter taps could round differently in principle
   * (measured: identical bytes on these seeds, both decoders).
   */
  @Test
  void pad_afterAScaledCrop_interiorMatchesTheUnpaddedSample() {
    ByteBuffer jpeg = GeneratedImages.jpeg(TestImages.photo(640, 480, 3));
    for (ImageDecoder decoder : decoders()) {
      for (long seed = 0; seed < 6; seed++) {
        byte[] plain = process(decoder, List.of(new RandomResizedCrop(48), new HorizontalFlip(0.5)), jpeg, seed);
        byte[] padded = process(decoder, List.of(new RandomResizedCrop(48), new HorizontalFlip(0.5),
            new Pad(4, 4, 4, 4, 0)), jpeg, seed);

        byte[] interior = GeneratedImages.crop(padded, 56, 4, 4, 48, 48);
        assertThat(GeneratedImages.meanAbsDiff(interior, plain)).as("%s seed %d", decoder.name(), seed)
            .isLessThan(0.05);
        for (int y = 0; y < 56; y++) {
          for (int x = 0; x < 56; x++) {
            if (x < 4 || x >= 52 || y < 4 || y >= 52) {
              assertThat(pixel(padded, 56, x, y)).isZero();
            }
          }
        }
      }
    }
  }

  @Test
  void pad_afterACrop_fillsWhereTheCropRemovedTheImage() {
    // the centre 20x10 of the image, then a border: the border must not show the image around the crop
    byte[] out = process(decoders().getFirst(), List.of(new CenterCrop(20, 10), new Pad(4, 4, 4, 4, 9)), PNG, 0);

    assertMoved(out, 28, 18, (x, y) -> x < 4 || x >= 24 || y < 4 || y >= 14 ? -1 : source(x - 4 + 10, y - 4 + 10),
        9, "crop then pad");
  }

  @Test
  void padThenRotate_differentFills_bordersKeepThePadFillAndCornersTakeTheRotateFill() {
    // the padded canvas is 48x38; a quarter turn keeps it: padded pixel (42 - y, x - 5) shows at (x, y)
    List<TransformSpec> specs = List.of(new Resize(W, H), new Pad(4, 4, 4, 4, 10), new Rotate(90, 90, 1, 20),
        new CenterCrop(W + 8, H + 8));
    for (ImageDecoder decoder : decoders()) {
      byte[] out = process(decoder, specs, PNG, 0);

      assertMoved(out, W + 8, H + 8, (x, y) -> {
        int px = 42 - y;
        int py = x - 5;
        if (px < 0 || px >= W + 8 || py < 0 || py >= H + 8) {
          return -2;
        }
        return source(px - 4, py - 4);
      }, 20, 10, decoder.name());
    }
  }

  @Test
  void randomCrop_insideTheImage_isAnExactWindowAtManyPositions() {
    Set<Integer> offsets = new HashSet<>();
    for (long seed = 0; seed < 40; seed++) {
      byte[] out = process(decoders().getFirst(), List.of(new RandomCrop(12, 9)), PNG, seed);
      int found = -1;
      for (int oy = 0; oy <= H - 9 && found < 0; oy++) {
        for (int ox = 0; ox <= W - 12 && found < 0; ox++) {
          if (Arrays.equals(out, GeneratedImages.crop(SRC, W, ox, oy, 12, 9))) {
            found = ox << 16 | oy;
          }
        }
      }
      assertThat(found).as("seed %d: output is a window of the source", seed).isNotNegative();
      offsets.add(found);
    }
    assertThat(offsets).hasSizeGreaterThan(30);
  }

  @Test
  void randomCrop_largerThanTheImage_centresItWithFillAround() {
    for (ImageDecoder decoder : decoders()) {
      for (long seed = 0; seed < 3; seed++) {
        byte[] out = process(decoder, List.of(new RandomCrop(W + 6, H + 5, 200)), PNG, seed);

        // 6 extra columns: 3 left, 3 right; 5 extra rows: 2 on top, 3 below
        assertMoved(out, W + 6, H + 5, (x, y) -> source(x - 3, y - 2), 200, decoder.name() + " seed " + seed);
      }
    }
  }

  @Test
  void randomCrop_widerButShorterThanTheImage_centresColumnsAndDrawsTheRow() {
    Set<Integer> rows = new HashSet<>();
    for (long seed = 0; seed < 30; seed++) {
      byte[] out = process(decoders().getFirst(), List.of(new RandomCrop(W + 2, 10, 5)), PNG, seed);
      int oy = -1;
      for (int candidate = 0; candidate <= H - 10; candidate++) {
        if (pixel(out, W + 2, 1, 0) == pixel(SRC, W, 0, candidate)
            && pixel(out, W + 2, 5, 3) == pixel(SRC, W, 4, candidate + 3)) {
          oy = candidate;
        }
      }
      assertThat(oy).as("seed %d", seed).isNotNegative();
      int top = oy;
      assertMoved(out, W + 2, 10, (x, y) -> source(x - 1, y + top), 5, "seed " + seed);
      rows.add(oy);
    }
    assertThat(rows).hasSizeGreaterThan(10);
  }

  @Test
  void rotate_quarterTurnsOfASquareImage_transposeAndMirrorExactly() {
    int n = 24;
    BufferedImage square = GeneratedImages.noise(n, n, 3);
    byte[] src = GeneratedImages.rgb(square);
    ByteBuffer png = GeneratedImages.png(square);
    for (ImageDecoder decoder : decoders()) {
      byte[] r90 = process(decoder, List.of(new Rotate(90), new CenterCrop(n, n)), png, 0);
      byte[] r180 = process(decoder, List.of(new Rotate(180), new CenterCrop(n, n)), png, 0);
      byte[] r270 = process(decoder, List.of(new Rotate(270), new CenterCrop(n, n)), png, 0);

      for (int y = 0; y < n; y++) {
        for (int x = 0; x < n; x++) {
          // counter-clockwise: the source's top-right corner comes to the top left
          assertThat(pixel(r90, n, x, y)).as("90 (%d,%d)", x, y).isEqualTo(pixel(src, n, n - 1 - y, x));
          assertThat(pixel(r180, n, x, y)).as("180 (%d,%d)", x, y).isEqualTo(pixel(src, n, n - 1 - x, n - 1 - y));
          assertThat(pixel(r270, n, x, y)).as("270 (%d,%d)", x, y).isEqualTo(pixel(src, n, y, n - 1 - x));
        }
      }
    }
  }

  @Test
  void rotate_quarterTurnsOfANonSquareImage_keepTheCanvasCroppingAndFilling() {
    for (ImageDecoder decoder : decoders()) {
      List<TransformSpec> crop = List.of(new CenterCrop(W, H));
      byte[] r90 = process(decoder, List.of(new Rotate(90, 90, 1, 50), crop.getFirst()), PNG, 0);
      byte[] r270 = process(decoder, List.of(new Rotate(270, 270, 1, 50), crop.getFirst()), PNG, 0);
      byte[] r180 = process(decoder, List.of(new Rotate(180, 180, 1, 50), crop.getFirst()), PNG, 0);

      // the turned image is 30x40, centred on the 40x30 canvas: 5 columns of fill each side, 5 rows cut
      assertMoved(r90, W, H, (x, y) -> source(W - 1 - (y + 5), x - 5), 50, decoder.name() + " 90");
      assertMoved(r270, W, H, (x, y) -> source(y + 5, H - 1 - (x - 5)), 50, decoder.name() + " 270");
      assertMoved(r180, W, H, (x, y) -> source(W - 1 - x, H - 1 - y), 50, decoder.name() + " 180");
    }
  }

  @Test
  void rotate_equivalentAngles_giveTheSameBytes() {
    ImageDecoder decoder = decoders().getFirst();
    List<TransformSpec> tail = List.of(new Resize(20, 16));

    byte[] r90 = process(decoder, List.of(new Rotate(90), tail.getFirst()), PNG, 0);
    byte[] r450 = process(decoder, List.of(new Rotate(450), tail.getFirst()), PNG, 0);
    byte[] rMinus270 = process(decoder, List.of(new Rotate(-270), tail.getFirst()), PNG, 0);
    byte[] r360 = process(decoder, List.of(new Rotate(360), tail.getFirst()), PNG, 0);
    byte[] none = process(decoder, tail, PNG, 0);

    assertThat(r450).isEqualTo(r90);
    assertThat(rMinus270).isEqualTo(r90);
    assertThat(r360).isEqualTo(none);
  }
}
