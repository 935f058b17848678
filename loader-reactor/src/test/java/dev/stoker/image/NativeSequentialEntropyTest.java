package dev.stoker.image;

import static dev.stoker.image.EntropyDecoderComparison.FAST_ONLY;
import static dev.stoker.image.EntropyDecoderComparison.LIBJPEG;
import static dev.stoker.image.EntropyDecoderComparison.STRICT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stoker.api.Region;
import dev.stoker.image.EntropyDecoderComparison.Outcome;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * stoker_shuff.c, the sequential (baseline) Huffman decoder that stands in for libjpeg's (jdhuff.c),
 * against libjpeg's own ({@code DECODE_JPEG_LIBJPEG_ENTROPY}). Valid files (test resources made by
 * {@code sequential/make.sh}: 4:2:0, 4:2:2, 4:4:4, 4:1:1, 4:4:0, gray and Adobe CMYK at sizes that
 * are not multiples of the MCU, standard and optimized Huffman tables, with and without restart
 * intervals) decode under {@code DECODE_JPEG_NO_FALLBACK}, so by the fast decoder alone, to
 * libjpeg's bytes at every scale, full and region, strict and known sound. Damaged files (seeded
 * truncations, byte changes and markers) give libjpeg's status, warning count, message and pixels,
 * as the fast decoder gives up and the file is decoded again by libjpeg.
 */
class NativeSequentialEntropyTest {
  private NativeImageLibrary library;

  @BeforeEach
  void setUp() {
    NativeTestSupport.nativeOrSkip();
    library = NativeImageLibrary.get();
  }

  private Outcome decode(byte[] jpeg, Region r, int scale, int flags) {
    return EntropyDecoderComparison.decode(library, jpeg, r, scale, flags);
  }

  static List<String> files() {
    return EntropyDecoderComparison.index("sequential");
  }

  private static byte[] resource(String name) {
    return EntropyDecoderComparison.resource("sequential", name);
  }

  private static int[] size(byte[] jpeg) {
    for (int i = 2; i + 8 < jpeg.length; ) {
      int marker = jpeg[i + 1] & 0xFF;
      int length = (jpeg[i + 2] & 0xFF) << 8 | jpeg[i + 3] & 0xFF;
      if (marker == 0xC0 || marker == 0xC1) {
        return new int[] {(jpeg[i + 7] & 0xFF) << 8 | jpeg[i + 8] & 0xFF, (jpeg[i + 5] & 0xFF) << 8 | jpeg[i + 6] & 0xFF};
      }
      i += 2 + length;
    }
    throw new AssertionError("no SOF0/SOF1 marker: not a sequential Huffman JPEG");
  }

  /** The whole image, its middle, its bottom half (rows skipped above it), a top-left corner; each inside the image. */
  private static List<Region> regions(int w, int h) {
    return List.of(Region.full(w, h),
        new Region(w / 3, h / 4, Math.min(w - w / 3, Math.max(8, w / 2)), Math.min(h - h / 4, Math.max(8, h / 3))),
        new Region(0, h / 2, w, h - h / 2), new Region(0, 0, Math.min(w, Math.max(8, w / 4)), Math.min(h, Math.max(8, h / 5))));
  }

  /** Fast decoder alone vs libjpeg's, every scale, region and strictness; returns the mismatches. */
  private List<String> mismatches(String name, byte[] jpeg) {
    return EntropyDecoderComparison.mismatches(library, name, jpeg, size(jpeg), (w, h) -> regions(w, h));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("files")
  void decode_fastDecoderAloneOnValidFile_equalsLibjpegDecoderBytes(String name) {
    assertThat(mismatches(name, resource(name))).isEmpty();
  }

  /**
   * A damaged file gives exactly libjpeg's outcome, at any scale and region, strict or known sound
   * (a known-sound region decode stops after the region's last row, so damage below it goes unseen
   * by both decoders).
   */
  @Test
  void decode_damagedSequentialFiles_sameStatusWarningsMessageAndPixelsAsLibjpegDecoder() {
    List<String> names = files();
    SplittableRandom random = new SplittableRandom(1818);
    List<String> wrong = new ArrayList<>();
    int gaveUp = 0;
    for (int i = 0; i < 400; i++) {
      String name = names.get(random.nextInt(names.size()));
      byte[] jpeg = EntropyDecoderComparison.damaged(resource(name), random);
      int[] size = size(jpeg);
      List<Region> regions = regions(size[0], size[1]);
      Region region = regions.get(random.nextInt(regions.size()));
      int scale = 1 << random.nextInt(4);
      int strict = random.nextBoolean() ? STRICT : 0;
      Outcome ours = decode(jpeg, region, scale, strict);
      Outcome libjpeg = decode(jpeg, region, scale, strict | LIBJPEG);
      boolean samePixels = Arrays.equals(ours.rgb(), libjpeg.rgb());
      boolean same = ours.status() == libjpeg.status() && ours.warnings() == libjpeg.warnings()
          && ours.message().equals(libjpeg.message()) && samePixels;
      if (!same) {
        wrong.add("case " + i + " (" + name + "): " + region + " 1/" + scale + (strict != 0 ? " strict " : " ")
            + ours + " vs libjpeg " + libjpeg + (samePixels ? "" : ", pixels differ"));
      }
      if (decode(jpeg, region, scale, strict | FAST_ONLY).status() == NativeImageLibrary.E_UNSUPPORTED) {
        gaveUp++;
      }
    }
    assertThat(wrong).isEmpty();
    assertThat(gaveUp).as("damaged files the fast decoder gave up on").isGreaterThan(100);
  }

  @Test
  void decode_truncatedFileWithoutFallback_unsupportedWithMessage() {
    byte[] jpeg = resource("c-2x2-opt-r0.jpg");
    byte[] truncated = Arrays.copyOf(jpeg, EntropyDecoderComparison.firstScanData(jpeg) + 40);
    int[] size = size(jpeg);
    Outcome fast = decode(truncated, Region.full(size[0], size[1]), 1, FAST_ONLY);
    assertThat(fast.status()).isEqualTo(NativeImageLibrary.E_UNSUPPORTED);
    assertThat(fast.message()).contains("fast Huffman decoder declined");
    Outcome fallback = decode(truncated, Region.full(size[0], size[1]), 1, 0);
    assertThat(fallback.status()).isEqualTo(NativeImageLibrary.OK);
    assertThat(fallback.warnings()).isPositive();
    assertThat(fallback.message()).isEqualTo(decode(truncated, Region.full(size[0], size[1]), 1, LIBJPEG).message());
  }

  @Test
  void decode_restartMarkerOutOfOrder_libjpegOutcomeAndFastDecoderGivesUp() {
    byte[] jpeg = resource("c-2x2-std-r2B.jpg");
    int[] size = size(jpeg);
    Region full = Region.full(size[0], size[1]);
    int changed = 0;
    for (int i = EntropyDecoderComparison.firstScanData(jpeg); i + 1 < jpeg.length && changed < 3; i++) {
      int code = jpeg[i + 1] & 0xFF;
      if ((jpeg[i] & 0xFF) == 0xFF && code >= 0xD0 && code <= 0xD7 && i % 3 == 0) {
        byte[] damaged = jpeg.clone();
        damaged[i + 1] = (byte) (0xD0 + (code - 0xD0 + 1) % 8); // the next number instead
        changed++;
        for (int strict : new int[] {0, STRICT}) {
          Outcome ours = decode(damaged, full, 1, strict);
          Outcome libjpeg = decode(damaged, full, 1, strict | LIBJPEG);
          assertThat(ours.toString()).isEqualTo(libjpeg.toString());
          assertThat(ours.rgb()).isEqualTo(libjpeg.rgb());
          assertThat(decode(damaged, full, 1, strict | FAST_ONLY).message())
              .contains("restart marker missing or out of order");
        }
      }
    }
    assertThat(changed).isEqualTo(3);
  }

  @Test
  void decode_arithmeticCodedFileWithoutFallback_decodedByLibjpegDecoder() {
    byte[] jpeg = resource("arith.jpg");
    Region full = Region.full(61, 47);
    Outcome fast = decode(jpeg, full, 1, FAST_ONLY);
    Outcome libjpeg = decode(jpeg, full, 1, LIBJPEG);
    assertThat(fast.status()).isEqualTo(NativeImageLibrary.OK);
    assertThat(fast.toString()).isEqualTo(libjpeg.toString());
    assertThat(fast.rgb()).isEqualTo(libjpeg.rgb());
  }

  @Test
  void decode_twelveBitFile_sameErrorAsLibjpegDecoder() {
    byte[] jpeg = resource("a-2x2-std-r0.jpg");
    for (int i = 2; i + 4 < jpeg.length; ) {
      if ((jpeg[i + 1] & 0xFF) == 0xC0) {
        jpeg[i + 1] = (byte) 0xC1; // extended sequential, 12-bit samples
        jpeg[i + 4] = 12;
        break;
      }
      i += 2 + ((jpeg[i + 2] & 0xFF) << 8 | jpeg[i + 3] & 0xFF);
    }
    Region full = Region.full(61, 47);
    Outcome fast = decode(jpeg, full, 1, FAST_ONLY);
    assertThat(fast.status()).isEqualTo(NativeImageLibrary.E_CORRUPT);
    assertThat(fast.message()).contains("precision");
    assertThat(fast.toString()).isEqualTo(decode(jpeg, full, 1, LIBJPEG).toString());
    assertThat(decode(jpeg, full, 1, 0).toString()).isEqualTo(fast.toString());
  }
}
