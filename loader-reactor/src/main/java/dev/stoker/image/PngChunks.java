package dev.stoker.image;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/**
 * Checks the CRC of every chunk of a PNG, which the JDK's PNG reader never does (libpng does):
 * without it ImageIO would deliver a PNG whose IHDR or IDAT CRC is wrong.
 */
final class PngChunks {
  private static final int SIGNATURE_BYTES = 8;

  private PngChunks() {}

  /**
   * The type of the first chunk whose stored CRC differs from the computed one, or null if every
   * complete chunk up to IEND is intact. A chunk cut by the end of the data is left to the reader,
   * which reports the truncation.
   *
   * @param png the encoded PNG, from position to limit; the position is not moved
   */
  static String firstBadCrc(ByteBuffer png) {
    ByteBuffer b = png.duplicate().order(ByteOrder.BIG_ENDIAN);
    int start = b.position();
    int end = b.limit();
    long at = (long) start + SIGNATURE_BYTES;
    CRC32 crc = new CRC32();
    while (at + 12 <= end) {
      int p = (int) at;
      long length = Integer.toUnsignedLong(b.getInt(p));
      long crcAt = at + 8 + length;
      if (crcAt + 4 > end) {
        return null;
      }
      crc.reset();
      crc.update(b.slice(p + 4, (int) (4 + length)));
      if ((int) crc.getValue() != b.getInt((int) crcAt)) {
        byte[] type = new byte[4];
        b.get(p + 4, type);
        return new String(type, StandardCharsets.ISO_8859_1);
      }
      if (b.getInt(p + 4) == 0x49454E44) { // IEND
        return null;
      }
      at = crcAt + 4;
    }
    return null;
  }
}
