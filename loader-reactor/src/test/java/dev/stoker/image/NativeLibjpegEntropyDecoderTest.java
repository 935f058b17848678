package dev.stoker.image;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stoker.api.DecodeRequest;
import dev.stoker.api.ImageBuffer;
import dev.stoker.api.ImageHeader;
import dev.stoker.api.Region;
import dev.stoker.decode.ImageDecoders;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link NativeImageDecoder#withLibjpegEntropy()}, the reference decoder that {@code bench --floor}
 * measures the libjpeg-turbo floor with: it asks the library for libjpeg-turbo's own Huffman
 * decoding, and it delivers the pixels of the default decoder, whose entropy decoders
 * (stoker_phuff.c, stoker_shuff.c) it leaves out.
 */
class NativeLibjpegEntropyDecoderTest {
  private NativeImageDecoder standard;
  private NativeImageDecoder reference;

  @BeforeEach
  void setUp() {
    NativeTestSupport.nativeOrSkip();
    standard = new NativeImageDecoder(NativeImageLibrary.get(), ImageDecoders.DEFAULT_MAX_PIXELS, false);
    reference = standard.withLibjpegEntropy();
  }

  @Test
  void flags_referenceDecoder_asksForLibjpegEntropyAndKeepsStrictness() {
    Region region = new Region(0, 0, 8, 8);
    DecodeRequest strict = new DecodeRequest(region, 8, 8, false);
    DecodeRequest sound = new DecodeRequest(region, 8, 8, true);

    assertThat(reference.flags(strict)).isEqualTo(
        NativeImageLibrary.DECODE_CHECK_ALL | NativeImageLibrary.DECODE_JPEG_LIBJPEG_ENTROPY);
    assertThat(reference.flags(sound)).isEqualTo(NativeImageLibrary.DECODE_JPEG_LIBJPEG_ENTROPY);
    // negative control: the default decoder takes the library's own entropy decoders
    assertThat(standard.flags(strict)).isEqualTo(NativeImageLibrary.DECODE_CHECK_ALL);
    assertThat(standard.flags(sound)).isZero();
  }

  @ParameterizedTest
  @ValueSource(strings = {"progressive/420-default-r0.jpg", "progressive/420-approx-r3B.jpg",
      "sequential/a-1x1-opt-r0.jpg", "sequential/a-1x1-opt-r2B.jpg"})
  void decode_referenceDecoder_givesTheDefaultDecodersPixels(String name) {
    ByteBuffer jpeg = resource(name);
    ImageHeader header = standard.readHeader(jpeg, name);
    int w = header.width();
    int h = header.height();
    List<DecodeRequest> requests = List.of(
        DecodeRequest.full(header),
        new DecodeRequest(new Region(w / 4, h / 3, Math.max(1, w / 2), Math.max(1, h / 2)), 1, 1, true),
        new DecodeRequest(new Region(0, 0, w, h), Math.max(1, w / 4), Math.max(1, h / 4), true));
    for (DecodeRequest request : requests) {
      ImageBuffer a = ImageBuffer.allocate(3L * w * h);
      ImageBuffer b = ImageBuffer.allocate(3L * w * h);
      standard.decode(jpeg.duplicate(), request, a, name);
      reference.decode(jpeg.duplicate(), request, b, name);

      assertThat(b.width()).as("%s %s width", name, request).isEqualTo(a.width());
      assertThat(b.height()).as("%s %s height", name, request).isEqualTo(a.height());
      assertThat(b.pixels().mismatch(a.pixels())).as("%s %s first differing byte", name, request).isEqualTo(-1);
    }
  }

  private static ByteBuffer resource(String name) {
    try (InputStream in = NativeLibjpegEntropyDecoderTest.class.getResourceAsStream("/" + name)) {
      assertThat(in).as(name).isNotNull();
      byte[] bytes = in.readAllBytes();
      return ByteBuffer.wrap(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
