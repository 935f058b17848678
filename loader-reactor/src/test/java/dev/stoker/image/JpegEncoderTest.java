package dev.stoker.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.stoker.api.ImageBuffer;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Encode then decode: close to the input (PSNR), within the size bound, on both encoders. */
class JpegEncoderTest {
  private static final String SOURCE = "test/encoded.jpg";

  /** A smooth image with an edge: what photographs look like to a JPEG encoder. */
  static byte[] picture(int w, int h) {
    byte[] rgb = new byte[w * h * 3];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int i = 3 * (y * w + x);
        rgb[i] = (byte) (x * 255 / w);
        rgb[i + 1] = (byte) (y * 255 / h);
        rgb[i + 2] = (byte) (x > w / 2 ? 200 : 40);
      }
    }
    return rgb;
  }

  static double psnr(byte[] a, MemorySegment b) {
    double sum = 0;
    for (int i = 0; i < a.length; i++) {
      int d = (a[i] & 0xFF) - (b.get(ValueLayout.JAVA_BYTE, i) & 0xFF);
      sum += d * d;
    }
    double mse = sum / a.length;
    return mse == 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10(255.0 * 255.0 / mse);
  }

  private static void roundTrip(JpegEncoder encoder) {
    int w = 97;
    int h = 61;
    byte[] rgb = picture(w, h);
    byte[] jpeg = encoder.encode(MemorySegment.ofArray(rgb), w, h, 90, SOURCE);
    assertThat((long) jpeg.length).isLessThanOrEqualTo(JpegEncoder.maxBytes(w, h));
    ImageBuffer decoded = NativeTestSupport.decodeFull(NativeTestSupport.imageIo(), jpeg);
    assertThat(decoded.width()).isEqualTo(w);
    assertThat(decoded.height()).isEqualTo(h);
    assertThat(psnr(rgb, decoded.pixels())).as("PSNR of %s at quality 90", encoder.name()).isGreaterThan(30.0);
  }

  @Test
  void encode_imageIoGradient_decodesCloseToInput() {
    roundTrip(JpegEncoder.imageIo());
  }

  @Test
  void encode_nativeGradient_decodesCloseToInput() {
    assumeTrue(JpegEncoder.nativeUnavailableReason() == null,
        () -> "native JPEG encoder absent: " + JpegEncoder.nativeUnavailableReason());
    assertThat(JpegEncoder.best().name()).isEqualTo("libjpeg-turbo");
    roundTrip(JpegEncoder.best());
  }

  @Test
  void encode_lowerQuality_givesFewerBytesAndLowerPsnr() {
    JpegEncoder encoder = JpegEncoder.best();
    byte[] rgb = picture(128, 96);
    byte[] high = encoder.encode(MemorySegment.ofArray(rgb), 128, 96, 95, SOURCE);
    byte[] low = encoder.encode(MemorySegment.ofArray(rgb), 128, 96, 20, SOURCE);
    assertThat(low.length).isLessThan(high.length);
    double psnrHigh = psnr(rgb, NativeTestSupport.decodeFull(NativeTestSupport.imageIo(), high).pixels());
    double psnrLow = psnr(rgb, NativeTestSupport.decodeFull(NativeTestSupport.imageIo(), low).pixels());
    assertThat(psnrLow).isLessThan(psnrHigh);
  }

  @Test
  void encode_noiseAtQuality100_staysWithinTheBound() {
    SplittableRandom random = new SplittableRandom(3);
    for (int[] size : new int[][] {{1, 1}, {17, 3}, {64, 64}, {33, 129}}) {
      byte[] rgb = new byte[size[0] * size[1] * 3];
      for (int i = 0; i < rgb.length; i++) {
        rgb[i] = (byte) random.nextInt(256);
      }
      byte[] jpeg = JpegEncoder.best().encode(MemorySegment.ofArray(rgb), size[0], size[1], 100, SOURCE);
      assertThat((long) jpeg.length).as("%dx%d", size[0], size[1]).isLessThanOrEqualTo(
          JpegEncoder.maxBytes(size[0], size[1]));
    }
  }

  @Test
  void nativeCall_bufferTooSmall_reportsTheSizeNeeded() {
    NativeJpegEncoder encoder = NativeJpegEncoder.orNull();
    assumeTrue(encoder != null, () -> "native JPEG encoder absent: " + NativeJpegEncoder.unavailableReason());
    byte[] rgb = picture(80, 60);
    byte[] whole = encoder.encode(MemorySegment.ofArray(rgb), 80, 60, 90, SOURCE);
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment in = arena.allocate(rgb.length);
      MemorySegment.copy(MemorySegment.ofArray(rgb), 0, in, 0, rgb.length);
      MemorySegment small = arena.allocate(100);
      MemorySegment length = arena.allocate(ValueLayout.JAVA_LONG);
      MemorySegment error = arena.allocate(256);
      int status = encoder.call(in, 80, 60, 90, small, length, error, SOURCE);
      assertThat(status).isEqualTo(NativeJpegEncoder.E_SPACE);
      assertThat(length.get(ValueLayout.JAVA_LONG, 0)).isEqualTo(whole.length);
      MemorySegment exact = arena.allocate(whole.length);
      assertThat(encoder.call(in, 80, 60, 90, exact, length, error, SOURCE)).isEqualTo(NativeImageLibrary.OK);
      assertThat(exact.toArray(ValueLayout.JAVA_BYTE)).isEqualTo(whole);
    }
  }

  @Test
  void encode_qualityOutOfRange_throwsNamingQuality() {
    byte[] rgb = picture(8, 8);
    assertThatThrownBy(() -> JpegEncoder.best().encode(MemorySegment.ofArray(rgb), 8, 8, 0, SOURCE))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("quality");
    assertThatThrownBy(() -> JpegEncoder.imageIo().encode(MemorySegment.ofArray(rgb), 8, 9, 50, SOURCE))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("rgb");
  }
}
