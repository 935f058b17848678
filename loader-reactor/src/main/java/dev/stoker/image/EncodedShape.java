package dev.stoker.image;

import java.nio.ByteBuffer;

/**
 * What an encoded image's header says about the cost of decoding it, read in Java without a
 * downcall: its stored pixel count and whether it is decoded in one pass.
 *
 * <p>A JPEG is one pass when its frame is sequential Huffman (SOF0 or SOF1) and its first scan
 * holds every component; progressive (SOF2), multi-scan sequential and arithmetic-coded files are
 * not: each scan is another pass over the whole image, and their number is up to the file. A PNG
 * is one pass unless Adam7-interlaced. The walk over JPEG markers stops at the first scan or after
 * {@value #MAX_WALK} bytes; anything it cannot read is {@link #UNKNOWN} (not one pass), so a
 * strange header never makes a decode look short.
 *
 * @param pixels stored width times height, or -1 when unknown
 * @param onePass whether the decode is a single pass over the pixels
 */
record EncodedShape(long pixels, boolean onePass) {
  /** A header this class could not read. */
  static final EncodedShape UNKNOWN = new EncodedShape(-1, false);

  /** Bytes of JPEG markers walked before giving up (APP segments of EXIF and ICC come first). */
  static final int MAX_WALK = 1 << 20;

  /** Whether a decode of this image is short: one pass over at most {@code maxPixels} pixels. */
  boolean isShort(long maxPixels) {
    return onePass && pixels >= 0 && pixels <= maxPixels;
  }

  /** Reads the shape of the image in {@code b} from its position on; never throws. */
  static EncodedShape of(ByteBuffer b) {
    int p = b.position();
    int n = b.remaining();
    if (n >= 3 && u8(b, p) == 0xFF && u8(b, p + 1) == 0xD8 && u8(b, p + 2) == 0xFF) {
      return jpeg(b, p, p + Math.min(n, MAX_WALK));
    }
    if (n >= 29 && u8(b, p) == 0x89 && u8(b, p + 1) == 'P' && u8(b, p + 2) == 'N' && u8(b, p + 3) == 'G'
        && u8(b, p + 12) == 'I' && u8(b, p + 13) == 'H' && u8(b, p + 14) == 'D' && u8(b, p + 15) == 'R') {
      long w = u32(b, p + 16);
      long h = u32(b, p + 20);
      return new EncodedShape(w * h, u8(b, p + 28) == 0);
    }
    return UNKNOWN;
  }

  private static EncodedShape jpeg(ByteBuffer b, int start, int end) {
    int i = start + 2;
    long pixels = -1;
    int components = -1;
    boolean sequential = false;
    while (i + 4 <= end) {
      if (u8(b, i) != 0xFF) {
        return UNKNOWN;
      }
      int marker = u8(b, i + 1);
      if (marker == 0xFF) { // fill byte
        i++;
        continue;
      }
      if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) { // no length
        i += 2;
        continue;
      }
      int length = u16(b, i + 2);
      if (length < 2) {
        return UNKNOWN;
      }
      int body = i + 4;
      if (isSof(marker)) {
        if (body + 6 > end || pixels >= 0) {
          return UNKNOWN;
        }
        pixels = (long) u16(b, body + 1) * u16(b, body + 3);
        components = u8(b, body + 5);
        sequential = marker == 0xC0 || marker == 0xC1;
      } else if (marker == 0xDA) { // SOS: the first scan
        if (body >= end || pixels < 0) {
          return UNKNOWN;
        }
        return new EncodedShape(pixels, sequential && u8(b, body) == components);
      } else if (marker == 0xD9) {
        return UNKNOWN;
      }
      i += 2 + length;
    }
    return UNKNOWN;
  }

  private static boolean isSof(int marker) {
    return marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
  }

  private static int u8(ByteBuffer b, int i) {
    return b.get(i) & 0xFF;
  }

  private static int u16(ByteBuffer b, int i) {
    return u8(b, i) << 8 | u8(b, i + 1);
  }

  private static long u32(ByteBuffer b, int i) {
    return (long) u16(b, i) << 16 | u16(b, i + 2);
  }
}
