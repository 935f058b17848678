package dev.stoker.image;

import dev.stoker.decode.ImageDecoders;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoker.api.DecodeException;
import dev.stoker.api.DecodeRequest;
import dev.stoker.api.ImageBuffer;
import dev.stoker.api.ImageDecoder;
import dev.stoker.api.ImageHeader;
import dev.stoker.api.Region;
import java.awt.image.BufferedImage;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The raw image format: header checks, region copies, and that ImageDecoders' decoders accept it. */
class RawImageTest {
  private static final int W = 13;
  private static final int H = 7;
  private static final BufferedImage NOISE = GeneratedImages.noise(W, H, 5);
  private static final byte[] RGB = GeneratedImages.rgb(NOISE);

  private static ByteBuffer raw() {
    ImageBuffer image = ImageBuffer.allocate(0);
    image.reshape(W, H, 3).copyFrom(MemorySegment.ofArray(RGB));
    return RawImage.encode(image);
  }

  /** A decoder that must never be reached: raw bytes are the wrapper's to decode. */
  private static final class Unreachable implements ImageDecoder {
    int calls;

    @Override
    public String name() {
      return "inner";
    }

    @Override
    public ImageHeader readHeader(ByteBuffer encoded, String source) {
      calls++;
      return new ImageHeader(1, 1, "inner");
    }

    @Override
    public void decode(ByteBuffer encoded, DecodeRequest request, ImageBuffer destination, String source) {
      calls++;
      destination.reshape(1, 1, 3);
    }
  }

  @Test
  void encode_thenReadHeader_givesTheSizeAndExactLength() {
    ByteBuffer raw = raw();

    assertThat(raw.remaining()).isEqualTo(RawImage.HEADER_BYTES + W * H * 3)
        .isEqualTo((int) RawImage.encodedBytes(W, H));
    assertThat(RawImage.isRaw(raw)).isTrue();
    assertThat(RawImage.readHeader(raw, "a.raw")).isEqualTo(new ImageHeader(W, H, RawImage.FORMAT));
    assertThat(raw.position()).isZero();
  }

  @Test
  void decode_fullAndRegion_copiesThePixels() {
    ImageDecoder decoder = RawImage.accepting(new Unreachable());
    ImageBuffer out = ImageBuffer.allocate(0);
    ByteBuffer raw = raw();

    decoder.decode(raw, DecodeRequest.full(new ImageHeader(W, H, "raw")), out, "a.raw");
    assertThat(GeneratedImages.bytes(out)).isEqualTo(RGB);

    decoder.decode(raw, new DecodeRequest(new Region(3, 2, 6, 4), 1, 1), out, "a.raw");
    assertThat(out.width()).isEqualTo(6);
    assertThat(out.height()).isEqualTo(4);
    assertThat(GeneratedImages.bytes(out)).isEqualTo(GeneratedImages.crop(RGB, W, 3, 2, 6, 4));
  }

  @Test
  void decode_rawAtNonZeroPositionInDirectBuffer_readsFromThePosition() {
    ByteBuffer heap = raw();
    ByteBuffer direct = ByteBuffer.allocateDirect(heap.remaining() + 5);
    direct.position(5);
    direct.put(heap.duplicate());
    direct.position(5);
    ImageBuffer out = ImageBuffer.allocate(0);

    RawImage.accepting(new Unreachable()).decode(direct, new DecodeRequest(new Region(0, 1, W, 3), W, 3), out, "d");

    assertThat(GeneratedImages.bytes(out)).isEqualTo(GeneratedImages.crop(RGB, W, 0, 1, W, 3));
    assertThat(direct.position()).isEqualTo(5);
  }

  @Test
  void decode_regionOutsideTheImage_failsNamingTheSource() {
    ImageDecoder decoder = RawImage.accepting(new Unreachable());

    assertThatThrownBy(() -> decoder.decode(raw(), new DecodeRequest(new Region(10, 0, 4, 2), 1, 1),
        ImageBuffer.allocate(0), "x.raw"))
        .isInstanceOf(DecodeException.class)
        .hasMessageStartingWith("x.raw: region");
  }

  @Test
  void readHeader_shortHeader_failsSayingHowShort() {
    ByteBuffer shortHeader = ByteBuffer.wrap(Arrays.copyOf(raw().array(), 12));

    assertThatThrownBy(() -> RawImage.readHeader(shortHeader, "short.raw"))
        .isInstanceOf(DecodeException.class)
        .hasMessage("short.raw: raw image header is 12 bytes, needs 16");
    assertThatThrownBy(() -> RawImage.accepting(new Unreachable()).readHeader(shortHeader, "short.raw"))
        .isInstanceOf(DecodeException.class)
        .hasMessageContaining("header is 12 bytes");
  }

  @Test
  void readHeader_badMagic_failsSayingItIsNotRaw() {
    byte[] bytes = raw().array().clone();
    bytes[3] = 'X';

    assertThat(RawImage.isRaw(ByteBuffer.wrap(bytes))).isFalse();
    assertThatThrownBy(() -> RawImage.readHeader(ByteBuffer.wrap(bytes), "bad.raw"))
        .isInstanceOf(DecodeException.class)
        .hasMessageStartingWith("bad.raw: not a raw image");
  }

  @Test
  void readHeader_truncatedPixels_failsNamingBothCounts() {
    ByteBuffer truncated = ByteBuffer.wrap(Arrays.copyOf(raw().array(), RawImage.HEADER_BYTES + 10));

    assertThatThrownBy(() -> RawImage.readHeader(truncated, "cut.raw"))
        .isInstanceOf(DecodeException.class)
        .hasMessage("cut.raw: raw image of 13x7 needs 273 pixel bytes, has 10");
  }

  @Test
  void readHeader_zeroOrNegativeSize_fails() {
    byte[] bytes = raw().array().clone();
    ByteBuffer.wrap(bytes).putInt(8, 0);

    assertThatThrownBy(() -> RawImage.readHeader(ByteBuffer.wrap(bytes), "zero.raw"))
        .isInstanceOf(DecodeException.class)
        .hasMessage("zero.raw: raw image header claims a 0x7 image");
    ByteBuffer.wrap(bytes).putInt(8, W).putInt(12, -1);
    assertThatThrownBy(() -> RawImage.readHeader(ByteBuffer.wrap(bytes), "neg.raw"))
        .hasMessage("neg.raw: raw image header claims a 13x-1 image");
  }

  @Test
  void accepting_nonRawBytes_goToTheWrappedDecoder() {
    Unreachable inner = new Unreachable();
    ImageDecoder decoder = RawImage.accepting(inner);

    decoder.readHeader(ByteBuffer.wrap(new byte[] {1, 2, 3}), "x");
    decoder.decode(ByteBuffer.wrap(new byte[] {1, 2, 3}), new DecodeRequest(Region.full(1, 1), 1, 1),
        ImageBuffer.allocate(0), "x");
    decoder.readHeader(raw(), "r");

    assertThat(inner.calls).isEqualTo(2);
    assertThat(decoder.name()).isEqualTo("inner");
    assertThat(RawImage.accepting(decoder)).isSameAs(decoder);
  }

  @Test
  void imageDecoders_everyDecoder_acceptsRawAndStillDecodesPng() {
    ByteBuffer png = GeneratedImages.png(NOISE);
    for (ImageDecoder decoder : new ImageDecoder[] {ImageDecoders.best(), ImageDecoders.imageIo()}) {
      ImageBuffer out = ImageBuffer.allocate(0);
      decoder.decode(raw(), DecodeRequest.full(new ImageHeader(W, H, "raw")), out, "r");
      assertThat(GeneratedImages.bytes(out)).as(decoder.name()).isEqualTo(RGB);
      decoder.decode(png, DecodeRequest.full(decoder.readHeader(png, "p.png")), out, "p.png");
      assertThat(GeneratedImages.bytes(out)).as(decoder.name()).isEqualTo(RGB);
    }
  }

  @Test
  void encode_notRgbOrNull_failsNamingTheParameter() {
    ImageBuffer gray = ImageBuffer.allocate(0);
    gray.reshape(2, 2, 1);

    assertThatThrownBy(() -> RawImage.encode(gray)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("image").hasMessageContaining("3 channels");
    assertThatThrownBy(() -> RawImage.encode(null)).hasMessageContaining("image");
    assertThatThrownBy(() -> RawImage.accepting(null)).hasMessageContaining("decoder");
  }
}
