package dev.stoker.image;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stoker.image.TestPngWriter.Chunk;
import dev.stoker.image.TestPngWriter.Image;
import java.io.ByteArrayOutputStream;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The libdeflate PNG reader (stoker_png.c) against libpng, the reader it stands in for: on every
 * color type, bit depth, row filter and interlace, whole images and regions, the default decode
 * gives libpng's bytes, status and message ({@code DECODE_PNG_LIBPNG} forces libpng). With
 * {@code DECODE_PNG_NO_FALLBACK} a file the reader declines fails as unsupported, which shows which
 * reader decoded it: the fast one must take every well-formed non-interlaced file and decline the
 * rest, so that errors stay libpng's. Where the library was built without libdeflate, the tests that
 * need the reader are skipped and the comparisons still run (libpng against itself).
 */
class NativePngReaderTest {
  private static final long MAX_PIXELS = 1L << 28;
  private NativeImageLibrary library;
  private boolean fast;

  @BeforeEach
  void setUp() {
    NativeTestSupport.nativeOrSkip();
    library = NativeImageLibrary.get();
    fast = library.pngReader().equals("libdeflate");
  }

  /** One stoker_decode call's outcome: status, the region's RGB bytes, the message. */
  record Outcome(int status, byte[] rgb, String message) {}

  private Outcome decode(byte[] png, int x, int y, int w, int h, int flags) {
    byte[] out = new byte[w * h * 3];
    byte[] error = new byte[NativeImageLibrary.ERROR_CAPACITY];
    int status = library.decode(true, MemorySegment.ofArray(png), x, y, w, h, 1, MemorySegment.ofArray(out),
        w * 3L, w, h, MAX_PIXELS, 100, 1L << 27, flags, MemorySegment.ofArray(new int[1]),
        MemorySegment.ofArray(error));
    int end = 0;
    while (end < error.length && error[end] != 0) {
      end++;
    }
    return new Outcome(status, status == NativeImageLibrary.OK ? out : null,
        new String(error, 0, end, StandardCharsets.UTF_8));
  }

  /** The default decode equals libpng's in status, bytes and message; returns the default's outcome. */
  private Outcome assertSameAsLibpng(byte[] png, int x, int y, int w, int h) {
    Outcome ours = decode(png, x, y, w, h, 0);
    Outcome libpng = decode(png, x, y, w, h, NativeImageLibrary.DECODE_PNG_LIBPNG);
    assertThat(ours.status()).as("status of region %d,%d %dx%d", x, y, w, h).isEqualTo(libpng.status());
    assertThat(ours.message()).isEqualTo(libpng.message());
    assertThat(ours.rgb()).as("pixels of region %d,%d %dx%d", x, y, w, h).isEqualTo(libpng.rgb());
    return ours;
  }

  private int fastOnlyStatus(byte[] png, int w, int h) {
    return decode(png, 0, 0, w, h, NativeImageLibrary.DECODE_PNG_NO_FALLBACK).status();
  }

  static Stream<Arguments> everyColorTypeAndDepth() {
    List<Arguments> all = new ArrayList<>();
    int[][] depths = {{0, 1}, {0, 2}, {0, 4}, {0, 8}, {0, 16}, {2, 8}, {2, 16}, {3, 1}, {3, 2}, {3, 4}, {3, 8},
        {4, 8}, {4, 16}, {6, 8}, {6, 16}};
    for (int[] d : depths) {
      for (boolean interlaced : new boolean[] {false, true}) {
        all.add(Arguments.of(d[0], d[1], interlaced));
      }
    }
    return all.stream();
  }

  @ParameterizedTest(name = "color type {0}, {1} bits, interlaced {2}")
  @MethodSource("everyColorTypeAndDepth")
  void decode_everyColorTypeDepthAndFilter_libpngsPixelsWholeAndRegions(int type, int depth, boolean interlaced) {
    int w = 37;
    int h = 29; // odd sizes: partial bytes at 1, 2 and 4 bits, empty Adam7 columns
    Image image = TestPngWriter.random(w, h, type, depth, type * 100L + depth);
    byte[] png = TestPngWriter.encode(image, interlaced, 61, List.of());
    Outcome full = assertSameAsLibpng(png, 0, 0, w, h);
    assertThat(full.rgb()).as("the file's samples as RGB").isEqualTo(expectedRgb(image));
    SplittableRandom random = new SplittableRandom(depth);
    for (int i = 0; i < 12; i++) {
      int rw = 1 + random.nextInt(w);
      int rh = 1 + random.nextInt(h);
      assertSameAsLibpng(png, random.nextInt(w - rw + 1), random.nextInt(h - rh + 1), rw, rh);
    }
    if (fast) {
      assertThat(fastOnlyStatus(png, w, h)).as("the libdeflate reader takes non-interlaced files only")
          .isEqualTo(interlaced ? NativeImageLibrary.E_UNSUPPORTED : NativeImageLibrary.OK);
    }
  }

  @Test
  void decode_wideRgbAndRgbaRows_libpngsPixels() {
    for (int type : new int[] {2, 6}) { // the SIMD unfilters: 3- and 4-byte pixels, long rows
      Image image = TestPngWriter.random(517, 23, type, 8, type);
      assertSameAsLibpng(TestPngWriter.encode(image, false, 1 << 20, List.of()), 0, 0, 517, 23);
    }
  }

  @Test
  void decode_ancillaryChunksSplitIdatsAndSuggestedPalette_takenByTheFastReader() {
    Image image = TestPngWriter.random(40, 30, 2, 8, 5);
    List<Chunk> extra = List.of(new Chunk("gAMA", new byte[] {0, 0, (byte) 0xB1, (byte) 0x8F}),
        new Chunk("tEXt", "Comment\0made by a test".getBytes(StandardCharsets.ISO_8859_1)),
        new Chunk("tRNS", new byte[] {0, 1, 0, 2, 0, 3}),
        new Chunk("PLTE", new byte[] {1, 2, 3, 4, 5, 6}));
    for (int idatSize : new int[] {1, 7, 1000}) {
      byte[] png = TestPngWriter.encode(image, false, idatSize, extra);
      assertSameAsLibpng(png, 0, 0, 40, 30);
      assertSameAsLibpng(png, 3, 4, 20, 10);
      if (fast) {
        assertThat(fastOnlyStatus(png, 40, 30)).as("IDAT chunks of %d bytes", idatSize).isEqualTo(NativeImageLibrary.OK);
      }
    }
  }

  @Test
  void decode_paletteIndexPastThePalette_blackAsLibpng() {
    Image random = TestPngWriter.random(30, 20, 3, 8, 9);
    Image image = new Image(30, 20, 3, 8, random.samples(), Arrays.copyOf(random.palette(), 3 * 5)); // 5 of 256
    byte[] png = TestPngWriter.encode(image, false, 1000, List.of());
    byte[] rgb = assertSameAsLibpng(png, 0, 0, 30, 20).rgb();
    int past = 0;
    for (int i = 0; i < image.samples().length; i++) {
      if (image.samples()[i] >= 5) {
        past++;
        assertThat(Arrays.copyOfRange(rgb, 3 * i, 3 * i + 3)).containsExactly(0, 0, 0);
      }
    }
    assertThat(past).as("indices past the palette").isPositive();
    if (fast) {
      assertThat(fastOnlyStatus(png, 30, 20)).isEqualTo(NativeImageLibrary.OK);
    }
  }

  @Test
  void decode_unknownAncillaryChunk_declinedToLibpngSamePixels() {
    Image image = TestPngWriter.random(20, 10, 2, 8, 3);
    byte[] png = TestPngWriter.encode(image, false, 1000, List.of(new Chunk("prVt", new byte[] {1, 2, 3})));
    assertThat(assertSameAsLibpng(png, 0, 0, 20, 10).status()).isEqualTo(NativeImageLibrary.OK);
    if (fast) {
      assertThat(fastOnlyStatus(png, 20, 10)).isEqualTo(NativeImageLibrary.E_UNSUPPORTED);
    }
  }

  /** Damaged copies of one PNG: each is declined by the fast reader and ends as libpng ends it. */
  static Stream<Arguments> damaged() {
    Image image = TestPngWriter.random(48, 40, 2, 8, 11);
    byte[] png = TestPngWriter.encode(image, false, 500,
        List.of(new Chunk("tEXt", "Title\0t".getBytes(StandardCharsets.ISO_8859_1))));
    List<Integer> idats = TestPngWriter.chunkOffsets(png, "IDAT");
    int text = TestPngWriter.chunkOffsets(png, "tEXt").get(0);
    int lastIdat = idats.get(idats.size() - 1);
    int lastLength = ByteBuffer.wrap(png).getInt(lastIdat);
    return Stream.of(
        Arguments.of("bad tEXt CRC", flip(png, text + 9)),
        Arguments.of("bad CRC in the second IDAT", flip(png, idats.get(1) + 12)),
        Arguments.of("bad Adler-32", flip(png, lastIdat + 8 + lastLength - 1)),
        Arguments.of("cut inside the last IDAT", Arrays.copyOf(png, lastIdat + 8 + lastLength / 2)),
        Arguments.of("cut after the first IDAT", Arrays.copyOf(png, idats.get(1))),
        Arguments.of("IDAT length past the end", setInt(png, idats.get(1), 1 << 30)),
        Arguments.of("bad filter byte in the last row", refiltered(image, 39 * (48 * 3 + 1), 7)),
        Arguments.of("more image data than the image", withExtraData(image)),
        Arguments.of("bad IHDR bit depth", withIhdrByte(png, 8, 3)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("damaged")
  void decode_damagedPng_declinedAndEndsAsLibpngEndsIt(String what, byte[] png) {
    assertSameAsLibpng(png, 0, 0, 48, 40);
    assertSameAsLibpng(png, 5, 2, 20, 10); // libpng stops after row 11: may succeed where the whole fails
    if (fast) {
      assertThat(fastOnlyStatus(png, 48, 40)).isEqualTo(NativeImageLibrary.E_UNSUPPORTED);
    }
  }

  @Test
  void decode_pngClaimingHugeSize_limitBeforeAllocatingInBothReaders() {
    byte[] bomb = NativeBadInputTest.pngClaiming(60000, 60000);
    Outcome outcome = assertSameAsLibpng(bomb, 0, 0, 10, 10);
    assertThat(outcome.status()).isEqualTo(NativeImageLibrary.E_LIMIT);
    assertThat(outcome.message()).contains("60000x60000");
    if (fast) {
      assertThat(fastOnlyStatus(bomb, 10, 10)).as("the fast reader refuses it itself").isEqualTo(NativeImageLibrary.E_LIMIT);
    }
  }

  /** The file's samples as libpng's transformations turn them into RGB. */
  private static byte[] expectedRgb(Image image) {
    int channels = TestPngWriter.channels(image.colorType());
    int pixels = image.width() * image.height();
    byte[] out = new byte[pixels * 3];
    for (int p = 0; p < pixels; p++) {
      for (int c = 0; c < 3; c++) {
        int v;
        if (image.colorType() == 3) {
          int index = image.samples()[p];
          v = 3 * index + c < image.palette().length ? image.palette()[3 * index + c] & 0xFF : 0;
        } else {
          v = image.samples()[p * channels + (channels >= 3 ? c : 0)];
          v = switch (image.depth()) {
            case 16 -> scale16(v);
            case 1 -> v * 255;
            case 2 -> v * 85;
            case 4 -> v * 17;
            default -> v;
          };
        }
        out[3 * p + c] = (byte) v;
      }
    }
    return out;
  }

  /** libpng's png_do_scale_16_to_8. */
  private static int scale16(int v) {
    int hi = v >> 8;
    int lo = v & 0xFF;
    return (hi + (((lo - hi + 128) * 65535) >> 24)) & 0xFF;
  }

  private static byte[] flip(byte[] png, int offset) {
    byte[] copy = png.clone();
    copy[offset] ^= 0x5A;
    return copy;
  }

  private static byte[] setInt(byte[] png, int offset, int value) {
    byte[] copy = png.clone();
    ByteBuffer.wrap(copy).putInt(offset, value);
    return copy;
  }

  /** The image re-encoded with the byte at offset of the zlib content (a filter byte) replaced. */
  private static byte[] refiltered(Image image, int offset, int value) {
    byte[] raw = TestPngWriter.filtered(image, false);
    raw[offset] = (byte) value;
    return withContent(image, raw);
  }

  private static byte[] withExtraData(Image image) {
    byte[] raw = TestPngWriter.filtered(image, false);
    return withContent(image, Arrays.copyOf(raw, raw.length + 100));
  }

  private static byte[] withContent(Image image, byte[] raw) {
    byte[] png = TestPngWriter.encode(image, false, 1 << 20, List.of());
    int idat = TestPngWriter.chunkOffsets(png, "IDAT").get(0);
    int end = idat + 12 + ByteBuffer.wrap(png).getInt(idat);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(png, 0, idat);
    TestPngWriter.chunk(out, "IDAT", TestPngWriter.deflate(raw));
    out.write(png, end, png.length - end);
    return out.toByteArray();
  }

  /** The PNG with IHDR's byte i (0: width ... 8: bit depth) replaced, CRC recomputed. */
  private static byte[] withIhdrByte(byte[] png, int i, int value) {
    byte[] ihdr = Arrays.copyOfRange(png, 16, 29);
    ihdr[i] = (byte) value;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(png, 0, 8);
    TestPngWriter.chunk(out, "IHDR", ihdr);
    out.write(png, 33, png.length - 33);
    return out.toByteArray();
  }
}
