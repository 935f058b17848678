package dev.stoker.image;

import dev.stoker.decode.ImageDecoders;
import static dev.stoker.image.NativeTestSupport.SOURCE;
import static dev.stoker.image.NativeTestSupport.decode;
import static dev.stoker.image.NativeTestSupport.decodeFull;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.stoker.api.DecodeRequest;
import dev.stoker.api.ImageBuffer;
import dev.stoker.api.ImageDecoder;
import dev.stoker.api.ImageHeader;
import dev.stoker.api.Region;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.nio.ByteBuffer;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The native decoder on JPEGs that ImageIO wrote, compared with ImageIO's own decode.
 *
 * <p>Tolerance: libjpeg-turbo and the JDK's libjpeg 6b share the accurate integer IDCT, the
 * fancy upsampling and the color conversion, and agree exactly here (libjpeg-turbo 2.1.5, JDK 25);
 * other libjpeg builds may round a level or two apart, so a full decode must match within a max
 * difference of {@value #MAX_DIFF} and a mean of {@value #MEAN_DIFF} per sample. Region decodes
 * must equal the same region of our own full decode exactly.
 */
class NativeJpegDecodeTest {
  static final int MAX_DIFF = 3;
  static final double MEAN_DIFF = 0.25;

  private ImageDecoder decoder;
  private ImageDecoder imageIo;

  @BeforeEach
  void setUp() {
    decoder = NativeTestSupport.nativeOrSkip();
    imageIo = NativeTestSupport.imageIo();
  }

  private static byte[] photoJpeg(int w, int h, boolean progressive, boolean chroma444) {
    return TestImages.jpeg(TestImages.photo(w, h, 7), 0.9f, progressive, chroma444);
  }

  private void assertMatchesImageIo(byte[] jpeg) {
    ImageBuffer ours = decodeFull(decoder, jpeg);
    ImageBuffer theirs = decodeFull(imageIo, jpeg);
    assertThat(ours.width()).isEqualTo(theirs.width());
    assertThat(ours.height()).isEqualTo(theirs.height());
    assertThat(ours.channels()).isEqualTo(3);
    byte[] a = TestImages.rgb(ours);
    byte[] b = TestImages.rgb(theirs);
    assertThat(TestImages.maxDiff(a, b)).as("max difference").isLessThanOrEqualTo(MAX_DIFF);
    assertThat(TestImages.meanDiff(a, b)).as("mean difference").isLessThanOrEqualTo(MEAN_DIFF);
  }

  @Test
  void name_always_isLibjpegTurbo() {
    assertThat(decoder.name()).isEqualTo("libjpeg-turbo");
  }

  @Test
  void readHeader_jpeg_returnsSizeAndFormat() {
    ImageHeader header = decoder.readHeader(ByteBuffer.wrap(photoJpeg(203, 157, false, false)), SOURCE);
    assertThat(header).isEqualTo(new ImageHeader(203, 157, "jpeg"));
  }

  @Test
  void decode_baselineJpeg420_matchesImageIo() {
    assertMatchesImageIo(photoJpeg(203, 157, false, false));
  }

  @Test
  void decode_baselineJpeg444_matchesImageIo() {
    assertMatchesImageIo(photoJpeg(203, 157, false, true));
  }

  @Test
  void decode_progressiveJpeg_matchesImageIo() {
    assertMatchesImageIo(photoJpeg(320, 241, true, false));
  }

  @Test
  void decode_progressiveJpeg444_matchesImageIo() {
    assertMatchesImageIo(photoJpeg(97, 300, true, true));
  }

  @Test
  void decode_grayscaleJpeg_matchesImageIoExpandedToRgb() {
    BufferedImage gray = TestImages.convert(TestImages.photo(150, 99, 3), BufferedImage.TYPE_BYTE_GRAY);
    byte[] jpeg = TestImages.jpeg(gray, 0.9f, false, false);
    assertMatchesImageIo(jpeg);
    byte[] rgb = TestImages.rgb(decodeFull(decoder, jpeg));
    for (int i = 0; i < rgb.length; i += 3) {
      assertThat(rgb[i + 1]).isEqualTo(rgb[i]);
      assertThat(rgb[i + 2]).isEqualTo(rgb[i]);
    }
  }

  @ParameterizedTest(name = "adobe marker {0}")
  @ValueSource(booleans = {true, false})
  void decode_cmykJpeg_convertsToRgbInvertedOnlyWithAdobeMarker(boolean adobe) {
    int w = 64;
    int h = 48;
    WritableRaster raster = Raster.createInterleavedRaster(java.awt.image.DataBuffer.TYPE_BYTE, w, h, 4, null);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        // flat 16x16 patches so JPEG loss stays small; values as stored in the file
        raster.setPixel(x, y, new int[] {(x / 16) * 80, (y / 16) * 100, 40, 255 - (x / 16) * 30});
      }
    }
    byte[] jpeg = TestImages.cmykJpeg(raster);
    if (adobe) {
      jpeg = TestImages.withAdobeMarker(jpeg);
    }
    ImageBuffer ours = decodeFull(decoder, jpeg);
    assertThat(ours.width()).isEqualTo(w);
    byte[] rgb = TestImages.rgb(ours);
    int[] v = new int[4];
    for (int y = 6; y < h; y += 16) { // patch centres, away from the edges
      for (int x = 6; x < w; x += 16) {
        raster.getPixel(x, y, v);
        int k = adobe ? v[3] : 255 - v[3]; // Adobe (Photoshop) files store CMYK inverted
        int o = (y * w + x) * 3;
        for (int c = 0; c < 3; c++) {
          int expected = (adobe ? v[c] : 255 - v[c]) * k / 255;
          assertThat(rgb[o + c] & 0xFF).as("channel %d at %d,%d", c, x, y).isCloseTo(expected, within(4));
        }
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
      "baseline420, false, false",
      "baseline444, false, true",
      "progressive420, true, false",
      "progressive444, true, true"})
  void decode_jpegRegion_equalsSameRegionOfFullDecode(String name, boolean progressive, boolean chroma444) {
    int w = 333;
    int h = 250;
    byte[] jpeg = photoJpeg(w, h, progressive, chroma444);
    byte[] full = TestImages.rgb(decodeFull(decoder, jpeg));
    SplittableRandom random = new SplittableRandom(name.hashCode());
    for (int i = 0; i < 40; i++) {
      int rw = 1 + random.nextInt(w);
      int rh = 1 + random.nextInt(h);
      Region region = new Region(random.nextInt(w - rw + 1), random.nextInt(h - rh + 1), rw, rh);
      ImageBuffer part = decode(decoder, jpeg, region);
      assertThat(part.width()).isEqualTo(rw);
      assertThat(part.height()).isEqualTo(rh);
      assertThat(TestImages.maxDiff(TestImages.rgb(part), TestImages.crop(full, w, region.x(), region.y(), rw, rh)))
          .as("region %s", region)
          .isZero();
    }
  }

  @Test
  void decode_grayscaleJpegRegion_equalsSameRegionOfFullDecode() {
    BufferedImage gray = TestImages.convert(TestImages.photo(211, 190, 5), BufferedImage.TYPE_BYTE_GRAY);
    byte[] jpeg = TestImages.jpeg(gray, 0.9f, false, false);
    byte[] full = TestImages.rgb(decodeFull(decoder, jpeg));
    Region region = new Region(37, 51, 100, 77);
    byte[] part = TestImages.rgb(decode(decoder, jpeg, region));
    assertThat(part).isEqualTo(TestImages.crop(full, 211, 37, 51, 100, 77));
  }

  @ParameterizedTest(name = "1/{0}")
  @ValueSource(ints = {2, 4, 8})
  void decode_scaledJpeg_hasRoundedSizeAndIsCloseToBoxDownscale(int s) {
    int w = 403;
    int h = 301;
    byte[] jpeg = photoJpeg(w, h, false, false);
    byte[] full = TestImages.rgb(decodeFull(decoder, jpeg));
    Region region = Region.full(w, h);
    ImageBuffer scaled = decode(decoder, jpeg, region, w / s, h / s);
    int outW = Math.round((float) w / s);
    int outH = Math.round((float) h / s);
    assertThat(scaled.width()).isEqualTo(outW);
    assertThat(scaled.height()).isEqualTo(outH);
    byte[] expected = TestImages.boxDownscale(full, w, h, s, outW, outH);
    assertThat(TestImages.meanDiff(TestImages.rgb(scaled), expected)).isLessThan(4.0);
  }

  @ParameterizedTest(name = "1/{0}")
  @ValueSource(ints = {2, 4, 8})
  void decode_scaledJpegRegion_isCloseToBoxDownscaleOfRegion(int s) {
    int w = 640;
    int h = 480;
    byte[] jpeg = photoJpeg(w, h, true, false);
    byte[] full = TestImages.rgb(decodeFull(decoder, jpeg));
    Region region = new Region(96, 64, 400, 320);
    ImageBuffer scaled = decode(decoder, jpeg, region, 400 / s, 320 / s);
    assertThat(scaled.width()).isEqualTo(400 / s);
    assertThat(scaled.height()).isEqualTo(320 / s);
    byte[] expected = TestImages.boxDownscale(TestImages.crop(full, w, 96, 64, 400, 320), 400, 320, s, 400 / s, 320 / s);
    assertThat(TestImages.meanDiff(TestImages.rgb(scaled), expected)).isLessThan(4.0);
  }

  @ParameterizedTest(name = "region {0}x{1}, min {2}x{3} -> 1/{4}")
  @CsvSource({
      "400, 300, 400, 300, 1",
      "400, 300, 200, 150, 2",
      "400, 300, 201, 150, 1",
      "400, 300, 100, 10, 4",
      "400, 300, 50, 37, 8",
      "400, 300, 1, 1, 8",
      "10, 10, 3, 3, 2"})
  void scaleFor_request_picksLargestScaleKeepingMinimum(int w, int h, int minW, int minH, int expected) {
    assertThat(NativeImageDecoder.scaleFor(new DecodeRequest(new Region(0, 0, w, h), minW, minH))).isEqualTo(expected);
  }

  @Test
  void decode_scaledRequest_neverGoesBelowMinimum() {
    byte[] jpeg = photoJpeg(333, 250, false, false);
    ImageBuffer out = decode(decoder, jpeg, new Region(10, 20, 300, 200), 74, 50);
    assertThat(out.width()).isGreaterThanOrEqualTo(74);
    assertThat(out.height()).isGreaterThanOrEqualTo(50);
    assertThat(out.width()).isEqualTo(75); // 1/4
  }

  @ParameterizedTest(name = "orientation {0}")
  @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8})
  void decode_exifOrientation_matchesImageIoTransformed(int orientation) {
    int w = 120;
    int h = 80;
    byte[] plain = photoJpeg(w, h, false, false);
    byte[] rotated = TestImages.withExifOrientation(plain, orientation, orientation % 2 == 0);
    ImageHeader header = decoder.readHeader(ByteBuffer.wrap(rotated), SOURCE);
    boolean swap = orientation >= 5;
    assertThat(header).isEqualTo(new ImageHeader(swap ? h : w, swap ? w : h, "jpeg"));

    byte[] expected = TestImages.orient(TestImages.rgb(decodeFull(imageIo, plain)), w, h, orientation);
    ImageBuffer ours = decodeFull(decoder, rotated);
    assertThat(ours.width()).isEqualTo(header.width());
    assertThat(ours.height()).isEqualTo(header.height());
    assertThat(TestImages.maxDiff(TestImages.rgb(ours), expected)).isLessThanOrEqualTo(MAX_DIFF);
  }

  @ParameterizedTest(name = "orientation {0}")
  @ValueSource(ints = {2, 3, 4, 5, 6, 7, 8})
  void decode_exifOrientationRegion_equalsSameRegionOfOrientedFullDecode(int orientation) {
    byte[] rotated = TestImages.withExifOrientation(photoJpeg(150, 100, false, false), orientation, false);
    ImageBuffer fullBuffer = decodeFull(decoder, rotated);
    int w = fullBuffer.width();
    byte[] full = TestImages.rgb(fullBuffer);
    Region region = orientation >= 5 ? new Region(13, 29, 60, 90) : new Region(29, 13, 90, 60);
    byte[] part = TestImages.rgb(decode(decoder, rotated, region));
    assertThat(TestImages.maxDiff(part, TestImages.crop(full, w, region.x(), region.y(), region.width(), region.height())))
        .isZero();
  }

  @ParameterizedTest(name = "orientation {0}")
  @ValueSource(ints = {3, 6, 7, 8})
  void decode_exifOrientationScaledRegion_isCloseToBoxDownscaleOfOrientedRegion(int orientation) {
    byte[] rotated = TestImages.withExifOrientation(photoJpeg(400, 240, false, false), orientation, true);
    ImageBuffer fullBuffer = decodeFull(decoder, rotated);
    int w = fullBuffer.width();
    Region region = orientation >= 5 ? new Region(32, 48, 160, 320) : new Region(48, 32, 320, 160);
    ImageBuffer scaled = decode(decoder, rotated, region, region.width() / 2, region.height() / 2);
    assertThat(scaled.width()).isEqualTo(region.width() / 2);
    assertThat(scaled.height()).isEqualTo(region.height() / 2);
    byte[] part = TestImages.crop(TestImages.rgb(fullBuffer), w, region.x(), region.y(), region.width(), region.height());
    byte[] expected = TestImages.boxDownscale(part, region.width(), region.height(), 2, scaled.width(), scaled.height());
    assertThat(TestImages.meanDiff(TestImages.rgb(scaled), expected)).isLessThan(4.0);
  }

  @Test
  void decode_heapDirectSlicedAndReadOnlyBuffers_giveSamePixels() {
    byte[] jpeg = photoJpeg(160, 120, false, false);
    byte[] expected = TestImages.rgb(decodeFull(decoder, jpeg));
    byte[] padded = new byte[jpeg.length + 10];
    System.arraycopy(jpeg, 0, padded, 7, jpeg.length);
    ByteBuffer sliced = ByteBuffer.wrap(padded, 7, jpeg.length);
    ByteBuffer[] inputs = {TestImages.direct(jpeg), sliced, ByteBuffer.wrap(jpeg).asReadOnlyBuffer(), sliced.slice()};
    for (ByteBuffer input : inputs) {
      int position = input.position();
      ImageHeader header = decoder.readHeader(input, SOURCE);
      ImageBuffer out = ImageBuffer.allocate(16);
      decoder.decode(input, DecodeRequest.full(header), out, SOURCE);
      assertThat(TestImages.rgb(out)).isEqualTo(expected);
      assertThat(input.position()).as("position untouched").isEqualTo(position);
    }
  }

  @Test
  void decode_heapInputAboveCriticalLimit_isCopiedAndGivesSamePixels() {
    byte[] jpeg = photoJpeg(160, 120, true, false);
    byte[] expected = TestImages.rgb(decodeFull(decoder, jpeg));
    ImageDecoder copying = new NativeImageDecoder(NativeImageLibrary.get(), ImageDecoders.DEFAULT_MAX_PIXELS, false, 16);
    assertThat(TestImages.rgb(decodeFull(copying, jpeg))).isEqualTo(expected);
  }

  @Test
  void decode_manyThreadsAtOnce_giveSamePixels() throws Exception {
    byte[] jpeg = photoJpeg(257, 193, true, false);
    byte[] expected = TestImages.rgb(decodeFull(decoder, jpeg));
    java.util.List<Thread> threads = new java.util.ArrayList<>();
    java.util.concurrent.atomic.AtomicInteger mismatches = new java.util.concurrent.atomic.AtomicInteger();
    for (int t = 0; t < 4; t++) {
      threads.add(Thread.ofPlatform().start(() -> {
        for (int i = 0; i < 50; i++) {
          if (!java.util.Arrays.equals(TestImages.rgb(decodeFull(decoder, jpeg)), expected)) {
            mismatches.incrementAndGet();
          }
        }
      }));
    }
    for (Thread thread : threads) {
      thread.join();
    }
    assertThat(mismatches).hasValue(0);
  }
}
