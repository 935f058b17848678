package dev.stoker.image;

import dev.stoker.api.Region;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.BiFunction;

/**
 * What the tests of the library's own entropy decoders (NativeProgressiveEntropyTest for
 * stoker_phuff.c, NativeSequentialEntropyTest for stoker_shuff.c) share: a {@code stoker_decode}
 * call with given flags, the test resources of a folder, the fast decoder alone against libjpeg's
 * on every scale, region and strictness, and seeded damage to a file's scans.
 */
final class EntropyDecoderComparison {
  static final int LIBJPEG = NativeImageLibrary.DECODE_JPEG_LIBJPEG_ENTROPY;
  static final int FAST_ONLY = NativeImageLibrary.DECODE_JPEG_NO_FALLBACK;
  static final int STRICT = NativeImageLibrary.DECODE_CHECK_ALL;
  private static final long MAX_PIXELS = 1L << 28;

  private EntropyDecoderComparison() {}

  /** One stoker_decode call's outcome: status, warning count, the region's RGB bytes, the message. */
  record Outcome(int status, int warnings, byte[] rgb, String message) {
    @Override
    public String toString() {
      return "status " + status + ", " + warnings + " warnings, message '" + message + "'";
    }
  }

  static Outcome decode(NativeImageLibrary library, byte[] jpeg, Region r, int scale, int flags) {
    int outW = NativeImageDecoder.scaled(r.width(), scale);
    int outH = NativeImageDecoder.scaled(r.height(), scale);
    byte[] out = new byte[outW * outH * 3];
    int[] warnings = new int[1];
    byte[] error = new byte[NativeImageLibrary.ERROR_CAPACITY];
    int status = library.decode(true, MemorySegment.ofArray(jpeg), r.x(), r.y(), r.width(), r.height(), scale,
        MemorySegment.ofArray(out), outW * 3L, outW, outH, MAX_PIXELS, 1000, 1L << 28, flags,
        MemorySegment.ofArray(warnings), MemorySegment.ofArray(error));
    int end = 0;
    while (end < error.length && error[end] != 0) {
      end++;
    }
    return new Outcome(status, warnings[0], status == NativeImageLibrary.OK ? out : null,
        new String(error, 0, end, StandardCharsets.UTF_8));
  }

  /** The file names that {@code folder/index.txt} lists. */
  static List<String> index(String folder) {
    try (InputStream in = EntropyDecoderComparison.class.getResourceAsStream("/" + folder + "/index.txt")) {
      return new String(in.readAllBytes(), StandardCharsets.US_ASCII).lines().filter(l -> !l.isBlank()).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static byte[] resource(String folder, String name) {
    try (InputStream in = EntropyDecoderComparison.class.getResourceAsStream("/" + folder + "/" + name)) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Fast decoder alone vs libjpeg's, every scale, each region of {@code regions(width, height)},
   * strict and known sound; {@code size} gives the file's width and height. Returns the mismatches.
   */
  static List<String> mismatches(NativeImageLibrary library, String name, byte[] jpeg, int[] size,
      BiFunction<Integer, Integer, List<Region>> regions) {
    List<String> wrong = new ArrayList<>();
    for (int scale : new int[] {1, 2, 4, 8}) {
      for (Region region : regions.apply(size[0], size[1])) {
        for (int strict : new int[] {0, STRICT}) {
          Outcome fast = decode(library, jpeg, region, scale, strict | FAST_ONLY);
          Outcome libjpeg = decode(library, jpeg, region, scale, strict | LIBJPEG);
          String where = name + " " + region + " at 1/" + scale + (strict != 0 ? " strict" : " known sound");
          if (fast.status() != NativeImageLibrary.OK || fast.warnings() != 0) {
            wrong.add(where + ": fast decoder " + fast);
          } else if (libjpeg.status() != NativeImageLibrary.OK) {
            wrong.add(where + ": libjpeg " + libjpeg);
          } else if (!Arrays.equals(fast.rgb(), libjpeg.rgb())) {
            wrong.add(where + ": pixels differ");
          }
        }
      }
    }
    return wrong;
  }

  /** The offset of the first scan's entropy-coded data. */
  static int firstScanData(byte[] jpeg) {
    for (int i = 2; i + 3 < jpeg.length; ) {
      int length = (jpeg[i + 2] & 0xFF) << 8 | jpeg[i + 3] & 0xFF;
      if ((jpeg[i + 1] & 0xFF) == 0xDA) {
        return i + 2 + length;
      }
      i += 2 + length;
    }
    throw new AssertionError("no SOS");
  }

  /** A truncation, one to three changed bytes, or a marker written into the scans' data. */
  static byte[] damaged(byte[] jpeg, SplittableRandom random) {
    int from = firstScanData(jpeg);
    int at = from + random.nextInt(jpeg.length - from);
    switch (random.nextInt(4)) {
      case 0 -> {
        return Arrays.copyOf(jpeg, at);
      }
      case 1, 2 -> {
        byte[] out = jpeg.clone();
        int n = 1 + random.nextInt(3);
        for (int k = 0; k < n; k++) {
          out[from + random.nextInt(jpeg.length - from)] ^= (byte) (1 + random.nextInt(255));
        }
        return out;
      }
      default -> {
        byte[] out = jpeg.clone();
        int[] markers = {0xD0 + random.nextInt(8), 0xD9, 0xC4, 0xDA, 0xFF};
        if (at + 1 < out.length) {
          out[at] = (byte) 0xFF;
          out[at + 1] = (byte) markers[random.nextInt(markers.length)];
        }
        return out;
      }
    }
  }
}
