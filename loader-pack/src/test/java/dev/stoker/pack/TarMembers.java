package dev.stoker.pack;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** A tar reader of the tests' own, independent of the writer: parses ustar headers by hand. */
final class TarMembers {
  record Member(String name, long dataOffset, int size, byte[] data) {}

  private TarMembers() {}

  static List<Member> read(Path shard) throws IOException {
    byte[] tar = Files.readAllBytes(shard);
    List<Member> members = new ArrayList<>();
    int at = 0;
    while (at + 512 <= tar.length) {
      byte[] header = Arrays.copyOfRange(tar, at, at + 512);
      if (allZero(header)) {
        break;
      }
      String name = cString(header, 0, 100);
      String magic = new String(header, 257, 5, StandardCharsets.US_ASCII);
      if (!magic.equals("ustar")) {
        throw new IOException(shard + ": member at " + at + " has no ustar magic");
      }
      int size = (int) Long.parseLong(cString(header, 124, 12).trim(), 8);
      long sum = 0;
      for (int i = 0; i < 512; i++) {
        sum += (i >= 148 && i < 156) ? ' ' : header[i] & 0xFF;
      }
      if (sum != Long.parseLong(cString(header, 148, 8).trim(), 8)) {
        throw new IOException(shard + ": bad header checksum at " + at);
      }
      if (header[156] != '0' && header[156] != 0) {
        throw new IOException(shard + ": member " + name + " is not a regular file (type " + header[156] + ")");
      }
      members.add(new Member(name, at + 512L, size, Arrays.copyOfRange(tar, at + 512, at + 512 + size)));
      at += 512 + (size + 511) / 512 * 512;
    }
    if (tar.length % 512 != 0) {
      throw new IOException(shard + ": " + tar.length + " bytes, not whole blocks");
    }
    return members;
  }

  private static boolean allZero(byte[] b) {
    for (byte x : b) {
      if (x != 0) {
        return false;
      }
    }
    return true;
  }

  private static String cString(byte[] b, int from, int length) {
    int end = from;
    while (end < from + length && b[end] != 0) {
      end++;
    }
    return new String(b, from, end - from, StandardCharsets.US_ASCII);
  }
}
