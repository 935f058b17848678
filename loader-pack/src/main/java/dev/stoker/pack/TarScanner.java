package dev.stoker.pack;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Walks the headers of one tar file (POSIX ustar, GNU long names, PAX extended headers, old V7
 * headers) and hands each regular file member to a {@link Sink}. Every header field is hostile:
 * checksums are verified, sizes are bounded by the bytes left in the file before anything is read
 * or allocated for them, long names and PAX headers are capped, and names with a NUL, a {@code ..}
 * segment or a leading {@code /} end the scan. Each problem is a {@link PackFormatException}
 * naming the shard and the header's byte offset, never echoing raw bytes beyond a short escaped
 * name.
 */
final class TarScanner {
  static final int BLOCK = 512;
  /** The longest GNU long name ({@code L}/{@code K}) member read. */
  static final int MAX_LONG_NAME = 64 << 10;
  /** The largest PAX extended header ({@code x}/{@code g}) read. */
  static final int MAX_PAX = 1 << 20;
  /** The longest member name accepted, in characters. */
  static final int MAX_NAME = 4096;

  /** Receives the regular file members, in file order. */
  interface Sink {
    /**
     * One regular file member; the reader stands at its first data byte, and may read up to
     * {@code size} bytes (the scanner moves past the member afterwards).
     */
    void member(String name, long offset, long size, ShardReader in) throws IOException;
  }

  private TarScanner() {}

  /**
   * Scans the whole tar file behind {@code in}.
   *
   * @param shard the file's name for errors
   * @throws PackFormatException naming {@code shard} if a header is damaged or hostile
   * @throws IOException if the bytes cannot be read
   */
  static void scan(ShardReader in, String shard, Sink sink) throws IOException {
    byte[] header = new byte[BLOCK];
    String longName = null;
    String paxPath = null;
    long paxSize = -1;
    while (in.remaining() > 0) {
      long at = in.position();
      if (in.remaining() < BLOCK) {
        throw bad(shard, at, "ends inside a header (" + in.remaining() + " bytes left): truncated");
      }
      in.readFully(header, 0, BLOCK);
      if (allZero(header)) {
        return; // the end-of-archive marker; what follows is padding
      }
      checkChecksum(header, shard, at);
      long size = number(header, 124, 12, shard, at, "size");
      byte type = header[156];
      if (type == 'x' || type == 'g' || type == 'L' || type == 'K') {
        // metadata members are read whole: capped before the read
        int cap = type == 'x' || type == 'g' ? MAX_PAX : MAX_LONG_NAME;
        if (size > cap) {
          throw bad(shard, at, (type == 'x' || type == 'g' ? "PAX header" : "GNU long name") + " of " + size
              + " bytes, over the limit of " + cap);
        }
        checkFits(in, size, shard, at);
        byte[] data = new byte[(int) size];
        in.readFully(data, 0, data.length);
        in.seek(at + BLOCK + padded(size));
        if (type == 'L') {
          longName = cString(data);
        } else if (type == 'x') {
          Pax pax = Pax.parse(data, shard, at);
          paxPath = pax.path() != null ? pax.path() : paxPath;
          paxSize = pax.size() >= 0 ? pax.size() : paxSize;
        } else if (type == 'g') {
          Pax.parse(data, shard, at); // checked; global attributes are not applied
        }
        continue;
      }
      if (paxSize >= 0) {
        size = paxSize;
      }
      checkFits(in, size, shard, at);
      long dataStart = at + BLOCK;
      if (type == '0' || type == 0 || type == '7') {
        String name = paxPath != null ? paxPath : longName != null ? longName : ustarName(header);
        name = checkName(name, shard, at);
        if (name != null) {
          sink.member(name, dataStart, size, in);
        }
      }
      // directories, links, devices and vendor types carry no member data we read: skipped
      in.seek(dataStart + padded(size));
      longName = null;
      paxPath = null;
      paxSize = -1;
    }
  }

  private static void checkFits(ShardReader in, long size, String shard, long at) {
    if (size > in.size() - (at + BLOCK)) {
      throw bad(shard, at, "member claims " + size + " bytes, past the file's end at byte " + in.size()
          + ": truncated or damaged");
    }
  }

  private static long padded(long size) {
    return (size + BLOCK - 1) / BLOCK * BLOCK;
  }

  private static boolean allZero(byte[] block) {
    for (byte b : block) {
      if (b != 0) {
        return false;
      }
    }
    return true;
  }

  /** The header checksum: the unsigned (or, for old writers, signed) sum with the field as spaces. */
  private static void checkChecksum(byte[] h, String shard, long at) {
    long stored = number(h, 148, 8, shard, at, "checksum");
    long unsigned = 0;
    long signed = 0;
    for (int i = 0; i < BLOCK; i++) {
      int b = i >= 148 && i < 156 ? ' ' : h[i];
      unsigned += b & 0xff;
      signed += b;
    }
    if (stored != unsigned && stored != signed) {
      throw bad(shard, at, "header checksum does not match: not a tar file, or damaged");
    }
  }

  /**
   * A numeric field: octal ASCII (leading spaces or NULs, ending at a space or NUL), or GNU
   * base-256 when the first byte's high bit is set. Negative or over 2^62 is refused.
   */
  static long number(byte[] h, int offset, int length, String shard, long at, String field) {
    if ((h[offset] & 0x80) != 0) {
      if ((h[offset] & 0x40) != 0) {
        throw bad(shard, at, field + " field is negative");
      }
      long value = h[offset] & 0x3f;
      for (int i = offset + 1; i < offset + length; i++) {
        if (value > (1L << 54)) {
          throw bad(shard, at, field + " field is absurdly large");
        }
        value = value << 8 | (h[i] & 0xff);
      }
      return value;
    }
    int i = offset;
    int end = offset + length;
    while (i < end && (h[i] == ' ' || h[i] == 0)) {
      i++;
    }
    long value = 0;
    int digits = 0;
    for (; i < end && h[i] != ' ' && h[i] != 0; i++) {
      if (h[i] < '0' || h[i] > '7') {
        throw bad(shard, at, field + " field is not an octal number");
      }
      value = value << 3 | (h[i] - '0');
      digits++;
    }
    if (digits > 21) {
      throw bad(shard, at, field + " field is absurdly large");
    }
    return value;
  }

  /** The name of a header: the ustar prefix (POSIX magic only) and name fields. */
  private static String ustarName(byte[] h) {
    String name = field(h, 0, 100);
    boolean posix = h[257] == 'u' && h[258] == 's' && h[259] == 't' && h[260] == 'a' && h[261] == 'r'
        && h[262] == 0;
    if (posix && h[345] != 0) {
      return field(h, 345, 155) + "/" + name;
    }
    return name;
  }

  private static String field(byte[] h, int offset, int length) {
    int end = offset;
    while (end < offset + length && h[end] != 0) {
      end++;
    }
    return new String(h, offset, end - offset, StandardCharsets.UTF_8);
  }

  private static String cString(byte[] data) {
    int end = 0;
    while (end < data.length && data[end] != 0) {
      end++;
    }
    return new String(data, 0, end, StandardCharsets.UTF_8);
  }

  /**
   * The member name with leading {@code ./} removed; null for an empty name (a {@code ./} entry).
   *
   * @throws PackFormatException for a NUL, a {@code ..} segment, an absolute or too long name
   */
  static String checkName(String name, String shard, long at) {
    if (name.indexOf('\0') >= 0) {
      throw bad(shard, at, "member name holds a NUL");
    }
    if (name.length() > MAX_NAME) {
      throw bad(shard, at, "member name of " + name.length() + " characters, over " + MAX_NAME);
    }
    if (name.startsWith("/")) {
      throw bad(shard, at, "member name is absolute: " + printable(name));
    }
    for (String segment : name.split("/", -1)) {
      if (segment.equals("..")) {
        throw bad(shard, at, "member name leaves the archive ('..'): " + printable(name));
      }
    }
    while (name.startsWith("./")) {
      name = name.substring(2);
    }
    return name.isEmpty() || name.equals(".") ? null : name;
  }

  /** {@code s} with control characters escaped and cut to 120 characters, for messages. */
  static String printable(String s) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < s.length() && out.length() < 120; i++) {
      char c = s.charAt(i);
      out.append(c < 0x20 || c == 0x7f ? String.format("\\u%04x", (int) c) : String.valueOf(c));
    }
    return s.length() > 120 ? out + "..." : out.toString();
  }

  static PackFormatException bad(String shard, long at, String problem) {
    return new PackFormatException(shard, "header at byte " + at + ": " + problem);
  }

  /** The fields of a PAX extended header that matter here: {@code path} and {@code size}. */
  record Pax(String path, long size) {
    /** Parses {@code LEN KEY=VALUE\n} records, each length checked against the data. */
    static Pax parse(byte[] data, String shard, long at) {
      String path = null;
      long size = -1;
      int i = 0;
      while (i < data.length) {
        if (data[i] == 0) {
          break; // NUL padding after the last record
        }
        int space = i;
        while (space < data.length && space - i <= 10 && data[space] >= '0' && data[space] <= '9') {
          space++;
        }
        if (space == i || space - i > 10 || space >= data.length || data[space] != ' ') {
          throw bad(shard, at, "PAX header record is malformed");
        }
        long length = Long.parseLong(new String(data, i, space - i, StandardCharsets.US_ASCII));
        if (length < space - i + 3 || length > data.length - i || data[(int) (i + length - 1)] != '\n') {
          throw bad(shard, at, "PAX header record length is wrong");
        }
        int end = (int) (i + length - 1);
        int eq = space + 1;
        while (eq < end && data[eq] != '=') {
          eq++;
        }
        if (eq == end) {
          throw bad(shard, at, "PAX header record has no '='");
        }
        String key = new String(data, space + 1, eq - space - 1, StandardCharsets.UTF_8);
        String value = new String(data, eq + 1, end - eq - 1, StandardCharsets.UTF_8);
        if (key.equals("path")) {
          path = value;
        } else if (key.equals("size")) {
          if (!value.matches("[0-9]{1,18}")) {
            throw bad(shard, at, "PAX size is not a decimal number of at most 18 digits");
          }
          size = Long.parseLong(value);
        }
        i += (int) length;
      }
      return new Pax(path, size);
    }
  }
}
