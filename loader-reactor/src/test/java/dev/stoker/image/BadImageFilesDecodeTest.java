package dev.stoker.image;

import dev.stoker.decode.ImageDecoders;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.stoker.api.DecodeException;
import dev.stoker.api.DecodeRequest;
import dev.stoker.api.ImageBuffer;
import dev.stoker.api.ImageDecoder;
import dev.stoker.api.ImageHeader;
import dev.stoker.api.Region;
import dev.stoker.testkit.BadImageFiles;
import dev.stoker.testkit.BadImageFiles.Kind;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The generated bad files are what they claim to be, for the native and the ImageIO decoder. */
class BadImageFilesDecodeTest {
  private static final int W = BadImageFiles.BASE_WIDTH;
  private static final int H = BadImageFiles.BASE_HEIGHT;

  /** Reads the header then decodes the whole image, as the pipeline's first step does. */
  private static ImageBuffer decodeFull(ImageDecoder decoder, byte[] bytes, String source) {
    ByteBuffer encoded = ByteBuffer.wrap(bytes);
    ImageHeader header = decoder.readHeader(encoded, source);
    ImageBuffer out = ImageBuffer.allocate(0);
    decoder.decode(encoded, DecodeRequest.full(header), out, source);
    return out;
  }

  private static ImageBuffer decodeRegion(ImageDecoder decoder, byte[] bytes, Region region, int min) {
    ImageBuffer out = ImageBuffer.allocate(0);
    decoder.decode(ByteBuffer.wrap(bytes), new DecodeRequest(region, min, min), out, "region.jpg");
    return out;
  }

  @Test
  void bytes_everyKind_sameOnEveryCall() {
    for (Kind kind : Kind.values()) {
      assertThat(BadImageFiles.bytes(kind)).as(kind.name()).isEqualTo(BadImageFiles.bytes(kind));
    }
  }

  @Test
  void writeAll_directory_oneFilePerKindNamedAsTheCorpus(@TempDir Path dir) throws IOException {
    List<Path> paths = BadImageFiles.writeAll(dir.resolve("bad"));
    assertThat(paths).extracting(p -> p.getFileName().toString()).containsExactly("empty.jpg",
        "truncated-header.jpg", "truncated-half.jpg", "random-bytes.jpg", "text-named.png", "flipped-bytes.jpg",
        "bomb-60000x60000.png", "bad-crc.png");
    for (Kind kind : Kind.values()) {
      assertThat(Files.readAllBytes(dir.resolve("bad").resolve(kind.fileName()))).isEqualTo(BadImageFiles.bytes(kind));
    }
  }

  @Test
  void bytes_flippedBytes_differsFromTheGoodJpegOnlyInsideTheEntropyCodedSegment() {
    byte[] good = BadImageFiles.goodJpeg(W, H, 1234);
    byte[] flipped = BadImageFiles.bytes(Kind.FLIPPED_BYTES);
    int[] segment = BadImageFiles.entropyCodedSegment(good);
    assertThat(flipped).hasSameSizeAs(good);
    assertThat(Arrays.copyOfRange(flipped, 0, segment[0])).isEqualTo(Arrays.copyOfRange(good, 0, segment[0]));
    assertThat(Arrays.copyOfRange(flipped, segment[1], good.length))
        .isEqualTo(Arrays.copyOfRange(good, segment[1], good.length));
    int changed = 0;
    for (int i = segment[0]; i < segment[1]; i++) {
      changed += flipped[i] != good[i] ? 1 : 0;
      assertThat(flipped[i] == (byte) 0xFF).as("0xFF at offset %d, marker bytes unchanged", i)
          .isEqualTo(good[i] == (byte) 0xFF);
    }
    assertThat(changed).isEqualTo(64);
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void decode_everyKindStrictNative_failsNamingTheFile(Kind kind) {
    ImageDecoder strict = NativeTestSupport.nativeOrSkip();
    String source = "data/cls/" + kind.fileName();
    Throwable t = catchThrowable(() -> decodeFull(strict, BadImageFiles.bytes(kind), source));
    assertThat(t).isInstanceOf(DecodeException.class).hasMessageStartingWith(source + ": ");
    assertThat(((DecodeException) t).source()).isEqualTo(source);
    if (kind.corruptDataOnly()) {
      assertThat(t).hasMessageStartingWith(source + ": corrupt JPEG data: ");
    }
    assertThat(strict.warnings()).isZero();
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void decode_everyKindImageIo_failsNamingTheFile(Kind kind) {
    ImageDecoder imageIo = NativeTestSupport.imageIo();
    String source = "data/cls/" + kind.fileName();
    assertThatThrownBy(() -> decodeFull(imageIo, BadImageFiles.bytes(kind), source))
        .isInstanceOf(DecodeException.class)
        .hasMessageStartingWith(source + ": ");
  }

  @Test
  void decode_badCrcPngImageIo_failsNamingTheChunk() {
    assertThatThrownBy(() -> decodeFull(NativeTestSupport.imageIo(), BadImageFiles.bytes(Kind.BAD_CRC), "c.png"))
        .isInstanceOf(DecodeException.class)
        .hasMessage("c.png: cannot decode: IHDR: CRC error");
  }

  @Test
  void decode_lenientNative_deliversTheCorruptDataKindsAndCountsThem() {
    NativeTestSupport.nativeOrSkip();
    ImageDecoder lenient = ImageDecoders.nativeDecoder(ImageDecoders.DEFAULT_MAX_PIXELS, true);
    for (Kind kind : Kind.values()) {
      byte[] bytes = BadImageFiles.bytes(kind);
      if (kind.corruptDataOnly()) {
        ImageBuffer out = decodeFull(lenient, bytes, kind.fileName());
        assertThat(out.width()).as(kind.name()).isEqualTo(W);
        assertThat(out.height()).as(kind.name()).isEqualTo(H);
      } else {
        assertThatThrownBy(() -> decodeFull(lenient, bytes, kind.fileName()))
            .as(kind.name())
            .isInstanceOf(DecodeException.class)
            .hasMessageStartingWith(kind.fileName() + ": ");
      }
    }
    assertThat(lenient.warnings()).isEqualTo(2);
  }

  @Test
  void decode_goodImagesLenientNative_noWarnings() {
    NativeTestSupport.nativeOrSkip();
    ImageDecoder lenient = ImageDecoders.nativeDecoder(ImageDecoders.DEFAULT_MAX_PIXELS, true);
    decodeFull(lenient, BadImageFiles.goodJpeg(W, H, 3), "good.jpg");
    decodeFull(lenient, BadImageFiles.goodPng(40, 30, 3), "good.png");
    assertThat(lenient.warnings()).isZero();
  }

  /** A region above the damage: a strict decoder still reads the whole scan and fails the file. */
  @Test
  void decode_truncatedHalfTopRegion_strictFailsLenientDelivers() {
    ImageDecoder strict = NativeTestSupport.nativeOrSkip();
    ImageDecoder lenient = ImageDecoders.nativeDecoder(ImageDecoders.DEFAULT_MAX_PIXELS, true);
    byte[] bytes = BadImageFiles.bytes(Kind.TRUNCATED_HALF);
    for (int scale : new int[] {1, 8}) {
      Region top = new Region(16, 0, 160, 40);
      assertThatThrownBy(() -> decodeRegion(strict, bytes, top, 40 / scale))
          .isInstanceOf(DecodeException.class)
          .hasMessageContaining("corrupt JPEG data: Premature end of JPEG file");
      assertThat(decodeRegion(lenient, bytes, top, 40 / scale).height()).isEqualTo(40 / scale);
    }
    assertThat(lenient.warnings()).as("the lenient decoder stopped above the damage").isZero();
  }

  /**
   * A file the caller knows is sound (it decoded clean under the whole-file check before) is read
   * only down to its region, even by a strict decoder: the negative control of the test above.
   */
  @Test
  void decode_knownSoundTopRegion_strictStopsAfterTheRegion() {
    ImageDecoder strict = NativeTestSupport.nativeOrSkip();
    byte[] bytes = BadImageFiles.bytes(Kind.TRUNCATED_HALF);
    Region top = new Region(16, 0, 160, 40);
    ImageBuffer out = ImageBuffer.allocate(0);
    strict.decode(ByteBuffer.wrap(bytes), new DecodeRequest(top, 40, 40, true), out, "region.jpg");
    assertThat(out.height()).isEqualTo(40);
  }

  /** Reading the scan to its end must not change a clean image's pixels, whatever the region. */
  @Test
  void decode_goodJpegRandomRegions_strictAndLenientSamePixels() {
    ImageDecoder strict = NativeTestSupport.nativeOrSkip();
    ImageDecoder lenient = ImageDecoders.nativeDecoder(ImageDecoders.DEFAULT_MAX_PIXELS, true);
    byte[][] images = {BadImageFiles.goodJpeg(W, H, 5), BadImageFiles.goodJpeg(97, 203, 6)};
    SplittableRandom random = new SplittableRandom(8);
    for (int i = 0; i < 200; i++) {
      byte[] jpeg = images[i % 2];
      ImageHeader h = strict.readHeader(ByteBuffer.wrap(jpeg), "good.jpg");
      int w = 1 + random.nextInt(h.width());
      int hh = 1 + random.nextInt(h.height());
      Region region = new Region(random.nextInt(h.width() - w + 1), random.nextInt(h.height() - hh + 1), w, hh);
      int min = 1 + random.nextInt(Math.min(w, hh));
      byte[] a = GeneratedImages.bytes(decodeRegion(strict, jpeg, region, min));
      byte[] b = GeneratedImages.bytes(decodeRegion(lenient, jpeg, region, min));
      assertThat(a).as("region %s min %d", region, min).isEqualTo(b);
    }
  }
}
