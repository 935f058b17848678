package dev.stoker.image;

import dev.stoker.decode.ImageDecoders;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.stoker.api.DecodeRequest;
import dev.stoker.api.ImageBuffer;
import dev.stoker.api.ImageDecoder;
import dev.stoker.api.ImageHeader;
import dev.stoker.api.Region;
import java.nio.ByteBuffer;

/** Shared set-up of the native decoder tests: skip without the library, decode helpers. */
final class NativeTestSupport {
  static final String SOURCE = "test/image-under-test.jpg";

  private NativeTestSupport() {}

  /** The strict native decoder, or a skipped test where the library is absent. */
  static ImageDecoder nativeOrSkip() {
    String reason = NativeImageLibrary.unavailableReason();
    assumeTrue(reason == null, () -> "native image library absent: " + reason);
    return ImageDecoders.nativeDecoder();
  }

  static ImageDecoder imageIo() {
    return new ImageIoDecoder(ImageDecoders.DEFAULT_MAX_PIXELS);
  }

  /** A full-size decode of the whole image. */
  static ImageBuffer decodeFull(ImageDecoder decoder, byte[] bytes) {
    ByteBuffer encoded = ByteBuffer.wrap(bytes);
    ImageHeader header = decoder.readHeader(encoded, SOURCE);
    ImageBuffer out = ImageBuffer.allocate(0);
    decoder.decode(encoded, DecodeRequest.full(header), out, SOURCE);
    return out;
  }

  /** A decode of a region that may be scaled down to no less than minWidth x minHeight. */
  static ImageBuffer decode(ImageDecoder decoder, byte[] bytes, Region region, int minWidth, int minHeight) {
    ImageBuffer out = ImageBuffer.allocate(0);
    decoder.decode(ByteBuffer.wrap(bytes), new DecodeRequest(region, minWidth, minHeight), out, SOURCE);
    return out;
  }

  /** A full-resolution decode of a region. */
  static ImageBuffer decode(ImageDecoder decoder, byte[] bytes, Region region) {
    return decode(decoder, bytes, region, region.width(), region.height());
  }
}
