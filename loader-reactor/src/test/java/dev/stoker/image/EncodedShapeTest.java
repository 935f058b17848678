package dev.stoker.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** What EncodedShape reads from headers: the input to the choice of a critical downcall. */
class EncodedShapeTest {
  private static EncodedShape shape(byte[] bytes) {
    return EncodedShape.of(ByteBuffer.wrap(bytes));
  }

  @Test
  void of_baselineJpeg_isOnePassWithStoredPixels() {
    byte[] jpeg = TestImages.jpeg(TestImages.photo(120, 90, 1), 0.9f, false, false);
    assertThat(shape(jpeg)).isEqualTo(new EncodedShape(120 * 90, true));
    assertThat(shape(jpeg).isShort(NativeImageDecoder.CRITICAL_MAX_PIXELS)).isTrue();
  }

  @Test
  void of_progressiveJpeg_isNotOnePass() {
    byte[] jpeg = TestImages.jpeg(TestImages.photo(120, 90, 1), 0.9f, true, false);
    assertThat(shape(jpeg)).isEqualTo(new EncodedShape(120 * 90, false));
    assertThat(shape(jpeg).isShort(NativeImageDecoder.CRITICAL_MAX_PIXELS)).isFalse();
  }

  @Test
  void of_baselineJpegClaimingManyPixels_isNotShort() {
    byte[] jpeg = JpegBombs.withFrameSize(TestImages.jpeg(TestImages.photo(64, 64, 1), 0.9f, false, false), 4000, 4000);
    assertThat(shape(jpeg).pixels()).isEqualTo(16_000_000L);
    assertThat(shape(jpeg).isShort(NativeImageDecoder.CRITICAL_MAX_PIXELS)).isFalse();
  }

  @Test
  void of_pngInterlacedOrNot_isOnePassOnlyWhenNotInterlaced() {
    assertThat(shape(TestImages.png(TestImages.photo(30, 20, 1), false))).isEqualTo(new EncodedShape(600, true));
    assertThat(shape(TestImages.png(TestImages.photo(30, 20, 1), true))).isEqualTo(new EncodedShape(600, false));
  }

  @Test
  void of_truncatedOrGarbageHeader_isUnknown() {
    byte[] jpeg = TestImages.jpeg(TestImages.photo(120, 90, 1), 0.9f, false, false);
    for (int n = 0; n < 200; n++) {
      assertThat(shape(Arrays.copyOf(jpeg, n))).isIn(EncodedShape.UNKNOWN, new EncodedShape(120 * 90, true));
    }
    assertThat(shape(Arrays.copyOf(jpeg, 3))).isEqualTo(EncodedShape.UNKNOWN);
    assertThat(shape(new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, 0x00, 0x01})).isEqualTo(EncodedShape.UNKNOWN);
    assertThat(shape("not an image at all".getBytes())).isEqualTo(EncodedShape.UNKNOWN);
  }
}
