package dev.stoker.image;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Decompression bombs made from an honest JPEG by editing its markers: a progressive file whose
 * last scan is repeated thousands of times (each copy is another pass over the whole image, for a
 * few hundred bytes), and a file whose frame header claims a larger size than its data covers
 * (a progressive decoder allocates coefficient buffers for the claimed size before it reads any).
 */
final class JpegBombs {
  private JpegBombs() {}

  /**
   * The JPEG with its smallest scan (SOS header and entropy-coded data) repeated {@code copies}
   * more times after its last scan. libjpeg warns of a bogus progression on each copy and decodes
   * it all the same.
   */
  static byte[] repeatSmallestScan(byte[] jpeg, int copies) {
    List<int[]> all = scans(jpeg);
    int[] scan = all.getFirst();
    for (int[] s : all) {
      if (s[1] - s[0] < scan[1] - scan[0]) {
        scan = s;
      }
    }
    int end = all.getLast()[1];
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(jpeg, 0, end);
    for (int i = 0; i < copies; i++) {
      out.write(jpeg, scan[0], scan[1] - scan[0]);
    }
    out.write(jpeg, end, jpeg.length - end);
    return out.toByteArray();
  }

  /** How many scans (SOS segments) the JPEG has. */
  static int scanCount(byte[] jpeg) {
    return scans(jpeg).size();
  }

  /** The JPEG with its frame header (SOFn) claiming {@code width} x {@code height} pixels. */
  static byte[] withFrameSize(byte[] jpeg, int width, int height) {
    byte[] out = jpeg.clone();
    int i = 2;
    while (i + 4 <= out.length) {
      int marker = out[i + 1] & 0xFF;
      int length = (out[i + 2] & 0xFF) << 8 | (out[i + 3] & 0xFF);
      if (marker >= 0xC0 && marker <= 0xC2) {
        out[i + 5] = (byte) (height >> 8);
        out[i + 6] = (byte) height;
        out[i + 7] = (byte) (width >> 8);
        out[i + 8] = (byte) width;
        return out;
      }
      i += 2 + length;
    }
    throw new IllegalArgumentException("no SOF0..2 marker");
  }

  /** [start, end) of each scan: its SOS marker up to the marker after its entropy-coded data. */
  private static List<int[]> scans(byte[] jpeg) {
    List<int[]> scans = new ArrayList<>();
    int i = 2;
    while (i + 4 <= jpeg.length) {
      int marker = jpeg[i + 1] & 0xFF;
      if (marker == 0xD9) {
        break;
      }
      int length = (jpeg[i + 2] & 0xFF) << 8 | (jpeg[i + 3] & 0xFF);
      int next = i + 2 + length;
      if (marker == 0xDA) {
        while (next + 1 < jpeg.length) {
          int b = jpeg[next + 1] & 0xFF;
          if ((jpeg[next] & 0xFF) == 0xFF && b != 0 && (b < 0xD0 || b > 0xD7)) {
            break;
          }
          next++;
        }
        scans.add(new int[] {i, next});
      }
      i = next;
    }
    if (scans.isEmpty()) {
      throw new IllegalArgumentException("no scan");
    }
    return scans;
  }
}
