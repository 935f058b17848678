package dev.stoker.image;

import dev.stoker.decode.ImageDecoders;
import static dev.stoker.image.NativeTestSupport.decodeFull;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.stoker.api.DecodeException;
import dev.stoker.api.DecodeRequest;
import dev.stoker.api.ImageBuffer;
import dev.stoker.api.ImageDecoder;
import dev.stoker.api.ImageHeader;
import dev.stoker.api.Region;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Bad bytes give a {@link DecodeException} naming the source, never a crash or a hang. */
class NativeBadInputTest {
  private ImageDecoder decoder;
  private ImageDecoder lenient;
  private static byte[] jpeg;
  private static byte[] progressive;
  private static byte[] png;

  @BeforeAll
  static void makeImages() {
    jpeg = TestImages.jpeg(TestImages.photo(160, 120, 21), 0.9f, false, false);
    progressive = TestImages.jpeg(TestImages.photo(160, 120, 22), 0.9f, true, false);
    png = TestImages.png(TestImages.photo(90, 70, 23), false);
  }

  @BeforeEach
  void setUp() {
    decoder = NativeTestSupport.nativeOrSkip();
    lenient = ImageDecoders.nativeDecoder(ImageDecoders.DEFAULT_MAX_PIXELS, true);
  }

  private static DecodeException decodeFailure(ImageDecoder d, byte[] bytes, String source) {
    Throwable t = catchThrowable(() -> {
      ByteBuffer b = ByteBuffer.wrap(bytes);
      ImageHeader h = d.readHeader(b, source);
      d.decode(b, DecodeRequest.full(h), ImageBuffer.allocate(0), source);
    });
    assertThat(t).isInstanceOf(DecodeException.class);
    DecodeException e = (DecodeException) t;
    assertThat(e.source()).isEqualTo(source);
    assertThat(e.getMessage()).startsWith(source + ": ");
    return e;
  }

  /** A PNG whose IHDR claims the given size, with valid CRCs and a tiny IDAT. */
  static byte[] pngClaiming(int width, int height) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
    ByteBuffer ihdr = ByteBuffer.allocate(13).putInt(width).putInt(height);
    ihdr.put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0);
    chunk(out, "IHDR", ihdr.array());
    Deflater deflater = new Deflater();
    deflater.setInput(new byte[64]);
    deflater.finish();
    byte[] idat = new byte[128];
    int n = deflater.deflate(idat);
    chunk(out, "IDAT", Arrays.copyOf(idat, n));
    chunk(out, "IEND", new byte[0]);
    return out.toByteArray();
  }

  private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
    byte[] t = type.getBytes(StandardCharsets.US_ASCII);
    out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
    out.writeBytes(t);
    out.writeBytes(data);
    CRC32 crc = new CRC32();
    crc.update(t);
    crc.update(data);
    out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
  }

  /** A copy of a baseline JPEG whose SOF0 claims the given size. */
  static byte[] jpegClaiming(byte[] jpeg, int width, int height) {
    byte[] out = jpeg.clone();
    for (int i = 2; i < out.length - 9; i++) {
      if ((out[i] & 0xFF) == 0xFF && (out[i + 1] & 0xFF) == 0xC0) {
        out[i + 5] = (byte) (height >> 8);
        out[i + 6] = (byte) height;
        out[i + 7] = (byte) (width >> 8);
        out[i + 8] = (byte) width;
        return out;
      }
    }
    throw new AssertionError("no SOF0");
  }

  @Test
  void readHeader_pngClaiming60000Squared_rejectedNamingSource() {
    byte[] bomb = pngClaiming(60000, 60000);
    assertThatThrownBy(() -> decoder.readHeader(ByteBuffer.wrap(bomb), "bombs/huge.png"))
        .isInstanceOf(DecodeException.class)
        .hasMessageStartingWith("bombs/huge.png: ")
        .hasMessageContaining("60000x60000")
        .hasMessageContaining("limit");
  }

  @Test
  void decode_pngClaiming60000SquaredSmallRegion_rejectedBeforeDecoding() {
    byte[] bomb = pngClaiming(60000, 60000);
    ImageBuffer out = ImageBuffer.allocate(0);
    assertThatThrownBy(() -> decoder.decode(ByteBuffer.wrap(bomb), new DecodeRequest(new Region(0, 0, 10, 10), 10, 10),
        out, "bombs/huge.png"))
        .isInstanceOf(DecodeException.class)
        .hasMessageStartingWith("bombs/huge.png: ")
        .hasMessageContaining("limit");
  }

  @Test
  void readHeader_jpegSofClaiming65000Squared_rejectedNamingSource() {
    byte[] bomb = jpegClaiming(jpeg, 65000, 65000);
    assertThatThrownBy(() -> decoder.readHeader(ByteBuffer.wrap(bomb), "bombs/huge.jpg"))
        .isInstanceOf(DecodeException.class)
        .hasMessageStartingWith("bombs/huge.jpg: ")
        .hasMessageContaining("65000x65000")
        .hasMessageContaining("limit");
  }

  @Test
  void decode_jpegSofClaiming65000Squared_rejectedNamingSource() {
    byte[] bomb = jpegClaiming(jpeg, 65000, 65000);
    assertThatThrownBy(() -> decoder.decode(ByteBuffer.wrap(bomb), DecodeRequest.full(new ImageHeader(65000, 65000, "jpeg")),
        ImageBuffer.allocate(0), "bombs/huge.jpg"))
        .isInstanceOf(DecodeException.class)
        .hasMessageStartingWith("bombs/huge.jpg: ")
        .hasMessageContaining("limit");
    assertThatThrownBy(() -> decoder.decode(ByteBuffer.wrap(bomb), new DecodeRequest(new Region(0, 0, 16, 16), 16, 16),
        ImageBuffer.allocate(0), "bombs/huge.jpg"))
        .isInstanceOf(DecodeException.class)
        .hasMessageContaining("65000x65000")
        .hasMessageContaining("limit");
  }

  @Test
  void readHeader_imageOverCustomLimit_rejected() {
    ImageDecoder small = ImageDecoders.nativeDecoder(160 * 120 - 1, false);
    assertThatThrownBy(() -> small.readHeader(ByteBuffer.wrap(jpeg), "a.jpg"))
        .isInstanceOf(DecodeException.class)
        .hasMessageContaining("19199");
  }

  @Test
  void decode_truncatedJpeg_strictFailsAsCorruptData() {
    byte[] truncated = Arrays.copyOf(jpeg, jpeg.length * 2 / 3);
    DecodeException e = decodeFailure(decoder, truncated, "cut.jpg");
    assertThat(e.getMessage()).contains("corrupt JPEG data").contains("Premature end of JPEG file");
  }

  @Test
  void decode_truncatedJpeg_lenientKeepsBestEffort() {
    byte[] truncated = Arrays.copyOf(progressive, progressive.length * 2 / 3);
    ImageBuffer out = decodeFull(lenient, truncated);
    assertThat(out.width()).isEqualTo(160);
    assertThat(out.height()).isEqualTo(120);
  }

  @Test
  void decode_corruptEntropyData_strictFailsAndLenientDecodes() {
    byte[] corrupt = jpeg.clone();
    SplittableRandom random = new SplittableRandom(5);
    for (int i = corrupt.length / 2; i < corrupt.length / 2 + 40; i++) {
      corrupt[i] = (byte) random.nextInt(0xFF); // never 0xFF: no fake markers
    }
    DecodeException e = decodeFailure(decoder, corrupt, "bits.jpg");
    assertThat(e.getMessage()).startsWith("bits.jpg: corrupt JPEG data: ");
    assertThat(decodeFull(lenient, corrupt).width()).isEqualTo(160);
  }

  @Test
  void readHeader_jpegCutInsideHeader_failsNamingSource() {
    DecodeException e = decodeFailure(decoder, Arrays.copyOf(jpeg, 100), "short.jpg");
    assertThat(e.getMessage()).contains("cannot decode");
  }

  @Test
  void readHeader_empty_failsNamingSource() {
    assertThat(decodeFailure(decoder, new byte[0], "empty.jpg").getMessage()).contains("empty");
  }

  @Test
  void readHeader_textNamedPng_failsAsNotAnImage() {
    byte[] text = "this is not a picture, just a note\n".getBytes(StandardCharsets.UTF_8);
    assertThat(decodeFailure(decoder, text, "notes.png").getMessage()).contains("not a JPEG or PNG");
  }

  @Test
  void readHeader_notAnImage_messageCarriesNoFileBytes() {
    byte[] text = "secret: hunter2\n".getBytes(StandardCharsets.UTF_8);
    String message = decodeFailure(decoder, text, "notes.png").getMessage();
    assertThat(message).contains("notes.png").doesNotContain("73 65 63").doesNotContain("secret");
  }

  @Test
  void readHeader_randomBytes_failsAsNotAnImage() {
    byte[] garbage = new byte[1000];
    new SplittableRandom(9).nextBytes(garbage);
    garbage[0] = 0x12;
    assertThat(decodeFailure(decoder, garbage, "noise.bin").getMessage()).contains("not a JPEG or PNG");
  }

  @Test
  void readHeader_jpegMagicThenGarbage_failsNamingSource() {
    byte[] garbage = new byte[1000];
    new SplittableRandom(10).nextBytes(garbage);
    garbage[0] = (byte) 0xFF;
    garbage[1] = (byte) 0xD8;
    garbage[2] = (byte) 0xFF;
    decodeFailure(decoder, garbage, "fake.jpg");
  }

  @Test
  void decode_pngWithBadIhdrCrc_failsNamingSource() {
    byte[] bad = png.clone();
    bad[8 + 8 + 13] ^= 0x55; // first byte of the IHDR CRC
    assertThat(decodeFailure(decoder, bad, "crc.png").getMessage()).containsIgnoringCase("crc");
  }

  @Test
  void decode_pngWithCorruptIdat_failsNamingSource() {
    byte[] bad = png.clone();
    bad[bad.length / 2] ^= 0x55; // zlib's check or the chunk CRC catches it, whichever comes first
    decodeFailure(decoder, bad, "idat.png");
  }

  @Test
  void decode_truncatedPng_failsNamingSource() {
    decodeFailure(decoder, Arrays.copyOf(png, png.length * 2 / 3), "cut.png");
    decodeFailure(decoder, Arrays.copyOf(png, 8), "signature-only.png");
    decodeFailure(lenient, Arrays.copyOf(png, 30), "cut-ihdr.png");
  }

  @Test
  void decode_regionOutsideImage_failsNamingSource() {
    assertThatThrownBy(() -> decoder.decode(ByteBuffer.wrap(jpeg), new DecodeRequest(new Region(100, 0, 61, 10), 1, 1),
        ImageBuffer.allocate(0), "small.jpg"))
        .isInstanceOf(DecodeException.class)
        .hasMessageStartingWith("small.jpg: ")
        .hasMessageContaining("outside");
    assertThatThrownBy(() -> decoder.decode(ByteBuffer.wrap(png), new DecodeRequest(new Region(0, 60, 10, 11), 1, 1),
        ImageBuffer.allocate(0), "small.png"))
        .isInstanceOf(DecodeException.class)
        .hasMessageContaining("outside");
  }

  @Test
  void decode_randomlyMutatedImages_neverCrash() {
    SplittableRandom random = new SplittableRandom(2024);
    byte[][] originals = {jpeg, progressive, png, TestImages.png(TestImages.photo(40, 30, 1), true),
        TestImages.jpegSampled(TestImages.photo(50, 40, 2), 0.8f, false, new int[] {4, 1, 1}, new int[] {2, 1, 1}),
        TestImages.jpegSampled(TestImages.photo(40, 50, 3), 0.8f, true, new int[] {2, 1, 1}, new int[] {4, 1, 1})};
    int failures = 0;
    for (int i = 0; i < 1200; i++) {
      byte[] bytes = originals[i % originals.length].clone();
      int edits = 1 + random.nextInt(8);
      for (int e = 0; e < edits; e++) {
        bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
      }
      if (random.nextInt(4) == 0) {
        bytes = Arrays.copyOf(bytes, random.nextInt(bytes.length));
      }
      for (ImageDecoder d : new ImageDecoder[] {decoder, lenient}) {
        try {
          ByteBuffer b = ByteBuffer.wrap(bytes);
          ImageHeader h = d.readHeader(b, "fuzz");
          int w = 1 + random.nextInt(h.width());
          int hh = 1 + random.nextInt(h.height());
          Region region = new Region(random.nextInt(h.width() - w + 1), random.nextInt(h.height() - hh + 1), w, hh);
          int min = 1 + random.nextInt(Math.max(w, hh)); // every DCT scale
          d.decode(b, new DecodeRequest(region, min, min), ImageBuffer.allocate(0), "fuzz");
        } catch (DecodeException expected) {
          assertThat(expected.source()).isEqualTo("fuzz");
          failures++;
        }
      }
    }
    assertThat(failures).as("some mutations must fail").isPositive();
  }
}
