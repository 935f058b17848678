package dev.stoker.image;

import static dev.stoker.image.NativeTestSupport.decode;
import static dev.stoker.image.NativeTestSupport.decodeFull;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stoker.api.ImageBuffer;
import dev.stoker.api.ImageDecoder;
import dev.stoker.api.Region;
import java.awt.image.BufferedImage;
import java.awt.image.DataBuffer;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The color conversions done in Stoker's C rather than in libjpeg: grayscale expanded to RGB and
 * CMYK to RGB, compared exactly with the raw samples that ImageIO's libjpeg decodes from the same
 * file (both use the accurate integer IDCT, and 1-component and CMYK files need no upsampling, so
 * the samples agree exactly). Widths that are no multiple of 16 or 32 take the vectorized loops
 * and their scalar tails; odd region offsets take the cropped-row paths.
 */
class NativeColorSpaceTest {
  private ImageDecoder decoder;

  @BeforeEach
  void setUp() {
    decoder = NativeTestSupport.nativeOrSkip();
  }

  @Test
  void decode_grayscaleJpeg_equalsRawLumaInEveryChannel() {
    BufferedImage gray = TestImages.convert(TestImages.photo(203, 77, 11), BufferedImage.TYPE_BYTE_GRAY);
    byte[] jpeg = TestImages.jpeg(gray, 0.9f, false, false);
    Raster raw = rawSamples(jpeg);
    assertThat(raw.getNumBands()).isEqualTo(1);
    byte[] expected = new byte[203 * 77 * 3];
    for (int y = 0; y < 77; y++) {
      for (int x = 0; x < 203; x++) {
        int i = (y * 203 + x) * 3;
        expected[i] = expected[i + 1] = expected[i + 2] = (byte) raw.getSample(x, y, 0);
      }
    }
    assertThat(TestImages.rgb(decodeFull(decoder, jpeg))).isEqualTo(expected);
    assertThat(TestImages.rgb(decode(decoder, jpeg, new Region(33, 5, 151, 60))))
        .isEqualTo(TestImages.crop(expected, 203, 33, 5, 151, 60));
  }

  @ParameterizedTest(name = "adobe marker {0}")
  @ValueSource(booleans = {true, false})
  void decode_cmykJpeg_equalsExactConversionOfRawSamples(boolean adobe) {
    int w = 203;
    int h = 61;
    BufferedImage photo = TestImages.photo(w, h, 13);
    WritableRaster cmyk = Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, w, h, 4, null);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int rgb = photo.getRGB(x, y);
        int r = rgb >> 16 & 0xFF;
        int g = rgb >> 8 & 0xFF;
        int b = rgb & 0xFF;
        cmyk.setPixel(x, y, new int[] {r, g, b, (r + g + b) / 3 ^ (x * 7 + y) & 0xFF});
      }
    }
    byte[] jpeg = TestImages.cmykJpeg(cmyk);
    if (adobe) {
      jpeg = TestImages.withAdobeMarker(jpeg);
    }
    Raster raw = rawSamples(jpeg);
    assertThat(raw.getNumBands()).isEqualTo(4);
    int flip = adobe ? 0 : 255; // Adobe (Photoshop) files store CMYK inverted
    byte[] expected = new byte[w * h * 3];
    int[] v = new int[4];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        raw.getPixel(x, y, v);
        int k = v[3] ^ flip;
        for (int c = 0; c < 3; c++) {
          expected[(y * w + x) * 3 + c] = (byte) Math.round((v[c] ^ flip) * k / 255.0);
        }
      }
    }
    ImageBuffer full = decodeFull(decoder, jpeg);
    assertThat(TestImages.rgb(full)).isEqualTo(expected);
    assertThat(TestImages.rgb(decode(decoder, jpeg, new Region(41, 3, 137, 55))))
        .isEqualTo(TestImages.crop(expected, w, 41, 3, 137, 55));
  }

  /** The file's samples as decoded, before any color conversion (ImageIO's readRaster). */
  private static Raster rawSamples(byte[] jpeg) {
    ImageReader reader = ImageIO.getImageReadersByFormatName("jpeg").next();
    try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(jpeg))) {
      reader.setInput(in);
      return reader.readRaster(0, null);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      reader.dispose();
    }
  }
}
