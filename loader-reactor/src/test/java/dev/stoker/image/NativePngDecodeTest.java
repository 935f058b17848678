package dev.stoker.image;

import static dev.stoker.image.NativeTestSupport.SOURCE;
import static dev.stoker.image.NativeTestSupport.decode;
import static dev.stoker.image.NativeTestSupport.decodeFull;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stoker.api.ImageBuffer;
import dev.stoker.api.ImageDecoder;
import dev.stoker.api.ImageHeader;
import dev.stoker.api.Region;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.WritableRaster;
import java.nio.ByteBuffer;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The native decoder on PNGs that ImageIO wrote. PNG is lossless, so pixels must equal the source
 * image's samples exactly; alpha is dropped (the color samples are kept as they are, not
 * composited), gray is replicated into R, G and B, and 16-bit samples are rounded to 8 bits
 * (within 1).
 */
class NativePngDecodeTest {
  private ImageDecoder decoder;

  @BeforeEach
  void setUp() {
    decoder = NativeTestSupport.nativeOrSkip();
  }

  /** The image's color samples as packed 8-bit RGB, gray replicated, alpha ignored. */
  private static byte[] samples(BufferedImage image) {
    if (image.getColorModel() instanceof IndexColorModel
        || image.getType() == BufferedImage.TYPE_3BYTE_BGR || image.getType() == BufferedImage.TYPE_4BYTE_ABGR) {
      return TestImages.rgb(image); // palette lookup or 8-bit sRGB, not premultiplied: exact
    }
    // Gray and 16-bit: raw samples (getRGB would convert linear gray to sRGB).
    WritableRaster raster = image.getRaster();
    boolean gray = image.getColorModel().getNumColorComponents() == 1;
    boolean sixteen = raster.getSampleModel().getSampleSize(0) == 16;
    int w = image.getWidth();
    int h = image.getHeight();
    byte[] out = new byte[w * h * 3];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        for (int c = 0; c < 3; c++) {
          int v = raster.getSample(x, y, gray ? 0 : c);
          out[(y * w + x) * 3 + c] = (byte) (sixteen ? (v * 255 + 32767) / 65535 : v);
        }
      }
    }
    return out;
  }

  private void assertDecodesTo(BufferedImage image, boolean interlaced, int tolerance) {
    byte[] png = TestImages.png(image, interlaced);
    ImageHeader header = decoder.readHeader(ByteBuffer.wrap(png), SOURCE);
    assertThat(header).isEqualTo(new ImageHeader(image.getWidth(), image.getHeight(), "png"));
    ImageBuffer out = decodeFull(decoder, png);
    assertThat(out.width()).isEqualTo(image.getWidth());
    assertThat(out.height()).isEqualTo(image.getHeight());
    assertThat(TestImages.maxDiff(TestImages.rgb(out), samples(image))).isLessThanOrEqualTo(tolerance);
  }

  private static BufferedImage photo() {
    return TestImages.photo(131, 97, 11);
  }

  @ParameterizedTest(name = "interlaced {0}")
  @ValueSource(booleans = {false, true})
  void decode_rgbPng_equalsSourcePixels(boolean interlaced) {
    assertDecodesTo(photo(), interlaced, 0);
  }

  @Test
  void decode_indexedPng_equalsPaletteColors() {
    assertDecodesTo(TestImages.convert(photo(), BufferedImage.TYPE_BYTE_INDEXED), false, 0);
  }

  @Test
  void decode_indexedPngWithTransparentEntry_keepsPaletteColors() {
    byte[] r = {10, (byte) 200, 30, 0};
    byte[] g = {20, 40, (byte) 250, 0};
    byte[] b = {30, 60, 90, (byte) 255};
    IndexColorModel model = new IndexColorModel(2, 4, r, g, b, 3);
    BufferedImage image = new BufferedImage(33, 17, BufferedImage.TYPE_BYTE_BINARY, model);
    for (int y = 0; y < 17; y++) {
      for (int x = 0; x < 33; x++) {
        image.getRaster().setSample(x, y, 0, (x + y) % 4);
      }
    }
    assertDecodesTo(image, false, 0);
  }

  @Test
  void decode_oneBitPng_isBlackAndWhite() {
    assertDecodesTo(TestImages.convert(photo(), BufferedImage.TYPE_BYTE_BINARY), false, 0);
  }

  @ParameterizedTest(name = "interlaced {0}")
  @ValueSource(booleans = {false, true})
  void decode_grayPng_replicatesGray(boolean interlaced) {
    assertDecodesTo(TestImages.convert(photo(), BufferedImage.TYPE_BYTE_GRAY), interlaced, 0);
  }

  @Test
  void decode_sixteenBitGrayPng_roundsToEightBits() {
    BufferedImage image = new BufferedImage(70, 50, BufferedImage.TYPE_USHORT_GRAY);
    SplittableRandom random = new SplittableRandom(1);
    for (int y = 0; y < 50; y++) {
      for (int x = 0; x < 70; x++) {
        image.getRaster().setSample(x, y, 0, random.nextInt(65536));
      }
    }
    assertDecodesTo(image, false, 1);
  }

  @Test
  void decode_sixteenBitRgbPng_roundsToEightBits() {
    ComponentColorModel model = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_sRGB), false, false,
        Transparency.OPAQUE, DataBuffer.TYPE_USHORT);
    WritableRaster raster = model.createCompatibleWritableRaster(45, 38);
    SplittableRandom random = new SplittableRandom(2);
    for (int y = 0; y < 38; y++) {
      for (int x = 0; x < 45; x++) {
        raster.setPixel(x, y, new int[] {random.nextInt(65536), x * 1000, y * 1500});
      }
    }
    assertDecodesTo(new BufferedImage(model, raster, false, null), false, 1);
  }

  @Test
  void decode_rgbaPng_dropsAlpha() {
    BufferedImage image = TestImages.convert(photo(), BufferedImage.TYPE_4BYTE_ABGR);
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        image.getRaster().setSample(x, y, 3, (x * 7 + y) & 0xFF); // vary alpha, keep color
      }
    }
    assertDecodesTo(image, false, 0);
    assertDecodesTo(image, true, 0);
  }

  @Test
  void decode_grayAlphaPng_dropsAlphaAndReplicatesGray() {
    ComponentColorModel model = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_GRAY), true, false,
        Transparency.TRANSLUCENT, DataBuffer.TYPE_BYTE);
    WritableRaster raster = model.createCompatibleWritableRaster(40, 30);
    for (int y = 0; y < 30; y++) {
      for (int x = 0; x < 40; x++) {
        raster.setPixel(x, y, new int[] {(x * 6 + y) & 0xFF, (x * 13) & 0xFF});
      }
    }
    assertDecodesTo(new BufferedImage(model, raster, false, null), false, 0);
  }

  @Test
  void decode_pngViaImageIoDecoder_agreesWithNative() {
    byte[] png = TestImages.png(TestImages.convert(photo(), BufferedImage.TYPE_BYTE_INDEXED), false);
    ImageBuffer theirs = decodeFull(NativeTestSupport.imageIo(), png);
    assertThat(TestImages.rgb(decodeFull(decoder, png))).isEqualTo(TestImages.rgb(theirs));
  }

  @ParameterizedTest(name = "interlaced {0}")
  @ValueSource(booleans = {false, true})
  void decode_pngRegion_equalsSameRegionOfFullDecode(boolean interlaced) {
    int w = 131;
    int h = 97;
    byte[] png = TestImages.png(photo(), interlaced);
    byte[] full = TestImages.rgb(decodeFull(decoder, png));
    SplittableRandom random = new SplittableRandom(interlaced ? 1 : 2);
    for (int i = 0; i < 30; i++) {
      int rw = 1 + random.nextInt(w);
      int rh = 1 + random.nextInt(h);
      Region region = new Region(random.nextInt(w - rw + 1), random.nextInt(h - rh + 1), rw, rh);
      ImageBuffer part = decode(decoder, png, region, 1, 1); // PNG is never scaled
      assertThat(part.width()).isEqualTo(rw);
      assertThat(part.height()).isEqualTo(rh);
      assertThat(TestImages.rgb(part))
          .as("region %s", region)
          .isEqualTo(TestImages.crop(full, w, region.x(), region.y(), rw, rh));
    }
  }
}
