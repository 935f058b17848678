package dev.stoker.pack;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/** Tar shards for tests: written with commons-compress, or header by header for hostile ones. */
final class TarFixtures {
  private TarFixtures() {}

  /** Deterministic bytes standing in for an encoded image. */
  static byte[] bytes(int seed, int length) {
    byte[] out = new byte[length];
    new Random(seed).nextBytes(out);
    return out;
  }

  static byte[] text(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * A tar of the members {@code name, bytes, name, bytes, ...}, long names written as
   * {@code longFileMode} says ({@link TarArchiveOutputStream#LONGFILE_POSIX} or {@code _GNU}).
   */
  static byte[] tar(int longFileMode, Object... members) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarArchiveOutputStream out = new TarArchiveOutputStream(bytes)) {
      out.setLongFileMode(longFileMode);
      for (int i = 0; i < members.length; i += 2) {
        byte[] data = (byte[]) members[i + 1];
        TarArchiveEntry entry = new TarArchiveEntry((String) members[i]);
        entry.setSize(data.length);
        out.putArchiveEntry(entry);
        out.write(data);
        out.closeArchiveEntry();
      }
    }
    return bytes.toByteArray();
  }

  static Path write(Path dir, String name, byte[] tar) throws IOException {
    Files.createDirectories(dir);
    return Files.write(dir.resolve(name), tar);
  }

  /**
   * A one-member tar whose header is written here byte by byte: any name, any size field (12
   * bytes, as given), the data after it, then the end-of-archive blocks.
   */
  static byte[] rawTar(String name, String sizeField, byte[] data) {
    byte[] header = new byte[512];
    byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
    System.arraycopy(nameBytes, 0, header, 0, Math.min(100, nameBytes.length));
    put(header, 100, "0000644\0");
    put(header, 108, "0000000\0");
    put(header, 116, "0000000\0");
    put(header, 124, sizeField);
    put(header, 136, "00000000000\0");
    header[156] = '0';
    put(header, 257, "ustar\0");
    put(header, 263, "00");
    fixChecksum(header, 0);
    int padded = (data.length + 511) / 512 * 512;
    byte[] out = new byte[512 + padded + 1024];
    System.arraycopy(header, 0, out, 0, 512);
    System.arraycopy(data, 0, out, 512, data.length);
    return out;
  }

  static String octalSize(long size) {
    return String.format("%011o", size) + "\0";
  }

  /** Writes the checksum of the header at {@code at} into its field. */
  static void fixChecksum(byte[] tar, int at) {
    Arrays.fill(tar, at + 148, at + 156, (byte) ' ');
    long sum = 0;
    for (int i = at; i < at + 512; i++) {
      sum += tar[i] & 0xff;
    }
    put(tar, at + 148, String.format("%06o", sum) + "\0 ");
  }

  static void put(byte[] target, int at, String ascii) {
    byte[] b = ascii.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(b, 0, target, at, b.length);
  }
}
