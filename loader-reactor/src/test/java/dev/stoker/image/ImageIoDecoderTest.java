package dev.stoker.image;

import dev.stoker.decode.ImageDecoders;
import static dev.stoker.image.GeneratedImages.bytes;
import static dev.stoker.image.GeneratedImages.crop;
import static dev.stoker.image.GeneratedImages.rgb;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoker.api.DecodeException;
import dev.stoker.api.DecodeRequest;
import dev.stoker.api.ImageBuffer;
import dev.stoker.api.ImageHeader;
import dev.stoker.api.Region;
import java.awt.image.BufferedImage;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** The always-present ImageIO decoder: headers, full and region decodes, and errors naming the source. */
class ImageIoDecoderTest {
  private static final int W = 80;
  private static final int H = 60;
  private final ImageIoDecoder decoder = new ImageIoDecoder(ImageDecoders.DEFAULT_MAX_PIXELS);
  private final BufferedImage scene = GeneratedImages.scene(W, H);

  @Test
  void readHeader_jpegAndPng_giveSizeAndFormatWithoutMovingThePosition() {
    ByteBuffer jpeg = GeneratedImages.jpeg(scene);
    ByteBuffer png = GeneratedImages.png(scene);

    assertThat(decoder.readHeader(jpeg, "a.jpg")).isEqualTo(new ImageHeader(W, H, "jpeg"));
    assertThat(decoder.readHeader(png, "a.png")).isEqualTo(new ImageHeader(W, H, "png"));
    assertThat(jpeg.position()).isZero();
    assertThat(png.position()).isZero();
  }

  @Test
  void decode_fullPng_givesTheExactRgbPixels() {
    ImageBuffer out = ImageBuffer.allocate(0);

    decoder.decode(GeneratedImages.png(scene), DecodeRequest.full(new ImageHeader(W, H, "png")), out, "a.png");

    assertThat(out.width()).isEqualTo(W);
    assertThat(out.height()).isEqualTo(H);
    assertThat(out.channels()).isEqualTo(3);
    assertThat(bytes(out)).isEqualTo(rgb(scene));
  }

  @Test
  void decode_grayPng_givesThreeEqualChannels() {
    BufferedImage gray = GeneratedImages.gray(20, 10);
    ImageBuffer out = ImageBuffer.allocate(0);

    decoder.decode(GeneratedImages.png(gray), DecodeRequest.full(new ImageHeader(20, 10, "png")), out, "g.png");

    byte[] px = bytes(out);
    assertThat(out.channels()).isEqualTo(3);
    for (int i = 0; i < 20 * 10; i++) {
      int x = i % 20;
      int y = i / 20;
      byte expected = (byte) gray.getRaster().getSample(x, y, 0);
      assertThat(new byte[] {px[3 * i], px[3 * i + 1], px[3 * i + 2]}).containsOnly(expected);
    }
  }

  @Test
  void decode_region_equalsThatRectangleOfTheFullDecode() {
    for (ByteBuffer encoded : new ByteBuffer[] {GeneratedImages.jpeg(scene), GeneratedImages.png(scene)}) {
      ImageBuffer full = ImageBuffer.allocate(0);
      ImageBuffer part = ImageBuffer.allocate(0);
      decoder.decode(encoded, DecodeRequest.full(new ImageHeader(W, H, "x")), full, "x");

      decoder.decode(encoded, new DecodeRequest(new Region(13, 9, 41, 27), 41, 27), part, "x");

      assertThat(part.width()).isEqualTo(41);
      assertThat(part.height()).isEqualTo(27);
      assertThat(bytes(part)).isEqualTo(crop(bytes(full), W, 13, 9, 41, 27));
    }
  }

  @Test
  void decode_regionOutsideTheImage_failsNamingTheSource() {
    ImageBuffer out = ImageBuffer.allocate(0);

    assertThatThrownBy(() -> decoder.decode(GeneratedImages.png(scene),
        new DecodeRequest(new Region(70, 0, 20, 10), 20, 10), out, "cats/1.png"))
        .isInstanceOf(DecodeException.class)
        .hasMessageStartingWith("cats/1.png");
  }

  @Test
  void readHeader_garbageEmptyOrTruncatedBytes_failNamingTheSource() {
    ByteBuffer jpeg = GeneratedImages.jpeg(scene);
    ByteBuffer truncated = ByteBuffer.wrap(java.util.Arrays.copyOf(jpeg.array(), 20));
    ByteBuffer[] bad = {ByteBuffer.wrap("not an image".getBytes()), ByteBuffer.allocate(0), truncated};
    for (ByteBuffer b : bad) {
      assertThatThrownBy(() -> {
        ImageHeader h = decoder.readHeader(b, "bad/1.jpg");
        decoder.decode(b, DecodeRequest.full(h), ImageBuffer.allocate(0), "bad/1.jpg");
      }).isInstanceOf(DecodeException.class).hasMessageStartingWith("bad/1.jpg");
    }
  }

  @Test
  void decode_truncatedJpeg_failsNamingTheSourceInsteadOfReturningFillerPixels() {
    byte[] jpeg = GeneratedImages.jpeg(scene).array();
    for (int percent : new int[] {40, 60, 80, 95}) {
      ByteBuffer truncated = ByteBuffer.wrap(java.util.Arrays.copyOf(jpeg, jpeg.length * percent / 100));

      assertThatThrownBy(() -> decoder.decode(truncated, DecodeRequest.full(new ImageHeader(W, H, "jpeg")),
          ImageBuffer.allocate(0), "cut/1.jpg"))
          .as("%d%% of the file", percent)
          .isInstanceOf(DecodeException.class)
          .hasMessageStartingWith("cut/1.jpg");
    }
  }

  @Test
  void decode_truncatedPng_failsNamingTheSource() {
    byte[] png = GeneratedImages.png(scene).array();
    ByteBuffer truncated = ByteBuffer.wrap(java.util.Arrays.copyOf(png, png.length * 2 / 3));

    assertThatThrownBy(() -> decoder.decode(truncated, DecodeRequest.full(new ImageHeader(W, H, "png")),
        ImageBuffer.allocate(0), "cut/1.png"))
        .isInstanceOf(DecodeException.class)
        .hasMessageStartingWith("cut/1.png");
  }

  @Test
  void readHeader_imageOverThePixelLimit_failsNamingTheLimit() {
    ImageIoDecoder small = new ImageIoDecoder(W * H - 1);

    assertThatThrownBy(() -> small.readHeader(GeneratedImages.png(scene), "big.png"))
        .isInstanceOf(DecodeException.class)
        .hasMessageStartingWith("big.png")
        .hasMessageContaining(String.valueOf(W * H - 1));
  }

  @Test
  void decode_bufferWithOffsetAndLimit_decodesOnlyThatWindow() {
    byte[] png = GeneratedImages.png(scene).array();
    byte[] padded = new byte[png.length + 30];
    System.arraycopy(png, 0, padded, 10, png.length);
    ByteBuffer window = ByteBuffer.wrap(padded, 10, png.length).slice();
    ByteBuffer positioned = ByteBuffer.wrap(padded).position(10).limit(10 + png.length);
    ImageBuffer a = ImageBuffer.allocate(0);
    ImageBuffer b = ImageBuffer.allocate(0);

    decoder.decode(window, DecodeRequest.full(decoder.readHeader(window, "w")), a, "w");
    decoder.decode(positioned, DecodeRequest.full(decoder.readHeader(positioned, "p")), b, "p");

    assertThat(bytes(a)).isEqualTo(rgb(scene));
    assertThat(bytes(b)).isEqualTo(rgb(scene));
  }
}
