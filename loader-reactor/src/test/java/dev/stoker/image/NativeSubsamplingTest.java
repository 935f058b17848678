package dev.stoker.image;

import static dev.stoker.image.NativeTestSupport.decode;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stoker.api.ImageBuffer;
import dev.stoker.api.ImageDecoder;
import dev.stoker.api.Region;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Region decodes of JPEGs with every chroma subsampling, at every DCT scale and at every
 * alignment of the region's left edge to the iMCU grid, equal the same region of a full decode at
 * that scale, byte for byte.
 *
 * <p>This is the guard against libjpeg-turbo 2.1's {@code jpeg_crop_scanline} defect (fixed in
 * 3.0): with 4x2 or 2x4 luma sampling and a DCT scale, a cropped decode filled the right part of
 * each row from uninitialised heap memory. The decoder now avoids the crop for sampling factors
 * it does not trust (stoker_image.c, {@code crop_is_safe}); the same test under AddressSanitizer
 * ({@code -Pnative-sanitize}, malloc'd memory filled with a poison byte) makes any such read show.
 */
class NativeSubsamplingTest {
  private static final int WIDTH = 79;
  private static final int HEIGHT = 70;

  private ImageDecoder decoder;

  @BeforeEach
  void setUp() {
    decoder = NativeTestSupport.nativeOrSkip();
  }

  /** Name, H and V sampling factors of Y, Cb, Cr, and whether the JPEG is progressive. */
  static Stream<Arguments> samplings() {
    return Stream.of(
        Arguments.of("4:4:4", new int[] {1, 1, 1}, new int[] {1, 1, 1}, false),
        Arguments.of("4:2:2", new int[] {2, 1, 1}, new int[] {1, 1, 1}, false),
        Arguments.of("4:4:0", new int[] {1, 1, 1}, new int[] {2, 1, 1}, false),
        Arguments.of("4:2:0", new int[] {2, 1, 1}, new int[] {2, 1, 1}, false),
        Arguments.of("4:2:0 progressive", new int[] {2, 1, 1}, new int[] {2, 1, 1}, true),
        Arguments.of("4:1:1", new int[] {4, 1, 1}, new int[] {1, 1, 1}, false),
        Arguments.of("1x4", new int[] {1, 1, 1}, new int[] {4, 1, 1}, false),
        Arguments.of("4x2", new int[] {4, 1, 1}, new int[] {2, 1, 1}, false),
        Arguments.of("4x2 progressive", new int[] {4, 1, 1}, new int[] {2, 1, 1}, true),
        Arguments.of("2x4", new int[] {2, 1, 1}, new int[] {4, 1, 1}, false),
        Arguments.of("mixed 2x2 2x1 1x2", new int[] {2, 2, 1}, new int[] {2, 1, 2}, false),
        Arguments.of("mixed 4x1 2x1 1x1", new int[] {4, 2, 1}, new int[] {1, 1, 1}, false),
        Arguments.of("mixed 1x1 2x2 2x2", new int[] {1, 2, 2}, new int[] {1, 2, 2}, false),
        Arguments.of("mixed 1x2 1x1 1x2", new int[] {1, 1, 1}, new int[] {2, 1, 2}, false));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("samplings")
  void decode_regionAtEveryScaleAndAlignment_equalsCropOfFullDecode(String name, int[] h, int[] v,
      boolean progressive) {
    byte[] jpeg = TestImages.jpegSampled(TestImages.photo(WIDTH, HEIGHT, 11), 0.9f, progressive, h, v);
    int imcuW = 8 * Math.max(h[0], Math.max(h[1], h[2]));
    int imcuH = 8 * Math.max(v[0], Math.max(v[1], v[2]));
    List<String> wrong = new ArrayList<>();
    for (int s : new int[] {1, 2, 4, 8}) {
      int fullW = NativeImageDecoder.scaled(WIDTH, s);
      int fullH = NativeImageDecoder.scaled(HEIGHT, s);
      byte[] full = TestImages.rgb(decode(decoder, jpeg, Region.full(WIDTH, HEIGHT), WIDTH / s, HEIGHT / s));
      for (int x = 0; x <= imcuW + 1 && x + s <= WIDTH; x++) {
        for (int y : new int[] {0, 1, imcuH - 1, imcuH, imcuH + 1}) {
          for (int w : new int[] {WIDTH - x, Math.max(s, (WIDTH - x) / 2), Math.min(WIDTH - x, s + 3)}) {
            int rh = Math.max(s, HEIGHT - y - 5);
            if (y + rh > HEIGHT) {
              continue;
            }
            Region region = new Region(x, y, w, rh);
            ImageBuffer part = decode(decoder, jpeg, region, w / s, rh / s);
            int outW = NativeImageDecoder.scaled(w, s);
            int outH = NativeImageDecoder.scaled(rh, s);
            assertThat(part.width()).as("%s width at 1/%d", region, s).isEqualTo(outW);
            assertThat(part.height()).as("%s height at 1/%d", region, s).isEqualTo(outH);
            int ox = Math.min(NativeImageDecoder.scaled(x, s), fullW - outW);
            int oy = Math.min(NativeImageDecoder.scaled(y, s), fullH - outH);
            byte[] expected = TestImages.crop(full, fullW, ox, oy, outW, outH);
            if (TestImages.maxDiff(TestImages.rgb(part), expected) != 0) {
              wrong.add(region + " at 1/" + s);
            }
          }
        }
      }
    }
    assertThat(wrong).as("regions unlike the crop of a full decode (%s)", name).isEmpty();
  }
}
