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
 * stoker_phuff.c, the progressive Huffman decoder that stands in for libjpeg's (jdphuff.c), against
 * libjpeg's own ({@code DECODE_JPEG_LIBJPEG_ENTROPY}). Valid files (test resources made by
 * {@code progressive/make.sh}: 4:2:0, 4:2:2, 4:4:4, gray and CMYK, libjpeg's scan script and custom
 * ones with spectral selection and successive approximation, with and without restart intervals;
 * and ImageIO's progressive files) decode under {@code DECODE_JPEG_NO_FALLBACK}, so by the fast
 * decoder alone, to libjpeg's bytes at every scale, full and region, strict and known sound.
 * Damaged files (seeded truncations and byte changes) give libjpeg's status, warning count,
 * message and pixels, as the fast decoder gives up and the file is decoded again by libjpeg.
 */
class NativeProgressiveEntropyTest {
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
    return EntropyDecoderComparison.index("progressive");
  }

  private static byte[] resource(String name) {
    return EntropyDecoderComparison.resource("progressive", name);
  }

  private static int[] size(byte[] jpeg) {
    for (int i = 2; i + 8 < jpeg.length; ) {
      int marker = jpeg[i + 1] & 0xFF;
      int length = (jpeg[i + 2] & 0xFF) << 8 | jpeg[i + 3] & 0xFF;
      if (marker == 0xC2) {
        return new int[] {(jpeg[i + 7] & 0xFF) << 8 | jpeg[i + 8] & 0xFF, (jpeg[i + 5] & 0xFF) << 8 | jpeg[i + 6] & 0xFF};
      }
      i += 2 + length;
    }
    throw new AssertionError("no SOF2 marker: not a progressive Huffman JPEG");
  }

  /** The whole image, its middle, its bottom half (the scan cut keeps everything), a top-left corner. */
  private static List<Region> regions(int w, int h) {
    return List.of(Region.full(w, h), new Region(w / 3, h / 4, Math.max(8, w / 2), Math.max(8, h / 3)),
        new Region(0, h / 2, w, h - h / 2), new Region(0, 0, Math.max(8, w / 4), Math.max(8, h / 5)));
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

  @Test
  void decode_fastDecoderAloneOnImageIoFiles_equalsLibjpegDecoderBytes() {
    List<String> wrong = new ArrayList<>();
    for (String kind : List.of("4:2:0", "4:4:4", "gray", "incomplete")) {
      for (int restart : new int[] {0, 3}) {
        wrong.addAll(mismatches(kind + " restart " + restart,
            NativeProgressiveRegionTest.progressive(kind, 123, 97, restart)));
      }
    }
    assertThat(wrong).isEmpty();
  }

  /**
   * Strict decodes (any region) and known-sound decodes of the whole image read every scan to its
   * end: there a damaged file must give exactly libjpeg's outcome. A known-sound region decode cuts
   * each scan below the region at the next marker; with damage below the cut, which marker libjpeg's
   * cut finds depends on how far its bit reader had read ahead, and its warnings there are its own
   * (it warns on some valid files too), so only the pixels are compared where both succeed.
   */
  @Test
  void decode_damagedProgressiveFiles_sameStatusWarningsMessageAndPixelsAsLibjpegDecoder() {
    List<String> names = files();
    SplittableRandom random = new SplittableRandom(18);
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
      boolean exact = strict != 0 || region.equals(regions.get(0));
      Outcome ours = decode(jpeg, region, scale, strict);
      Outcome libjpeg = decode(jpeg, region, scale, strict | LIBJPEG);
      boolean samePixels = Arrays.equals(ours.rgb(), libjpeg.rgb());
      boolean same = exact
          ? ours.status() == libjpeg.status() && ours.warnings() == libjpeg.warnings()
              && ours.message().equals(libjpeg.message()) && samePixels
          : ours.rgb() == null || libjpeg.rgb() == null || samePixels;
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
    byte[] jpeg = resource("420big-default-r0.jpg");
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
    byte[] jpeg = resource("420big-approx-r3B.jpg");
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
}
