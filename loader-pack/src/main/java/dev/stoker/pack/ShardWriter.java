package dev.stoker.pack;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Writes one tar shard with commons-compress: ustar headers (every member name is a nine-digit
 * key and a short extension, far below ustar's 100 characters, so no PAX or GNU long-name records
 * are ever written), each member's data padded to 512 bytes, two zero records and the padding to
 * the 10,240-byte record size at the end. That layout makes every member's data offset a sum of
 * sizes known before it is written: {@code 512} for the header plus the padded sizes of the members
 * before it ({@link #cost}); {@link #add} returns it for the index, and the tests read the shards
 * back with an independent header parser (and Python's tarfile) to check every offset.
 *
 * <p>The headers hold nothing of the machine or the time: mode 0644, uid and gid 0, no user or
 * group name, mtime 0, so the same members give the same bytes. The SHA-256 of the bytes is
 * computed while they are written.
 */
final class ShardWriter implements AutoCloseable {
  /** A tar header or data block. */
  static final int BLOCK = 512;

  private final Path file;
  private final FileChannel channel;
  private final MessageDigest digest;
  private final OutputStream buffered;
  private final TarArchiveOutputStream tar;
  private long position;
  private int members;
  private boolean closed;

  /** The finished shard: its size and SHA-256 (64 lower-case hex digits). */
  record Finished(long bytes, String sha256) {}

  ShardWriter(Path file) throws IOException {
    this.file = file;
    this.channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
        StandardOpenOption.WRITE);
    try {
      this.digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("no SHA-256 in this JVM", e);
    }
    this.buffered = new BufferedOutputStream(new DigestOutputStream(Channels.newOutputStream(channel), digest), 1 << 20);
    this.tar = new TarArchiveOutputStream(buffered, "US-ASCII");
    tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_ERROR);
    tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_ERROR);
  }

  /** The bytes a member of {@code size} bytes takes: its header and its data padded to a block. */
  static long cost(long size) {
    return BLOCK + (size + BLOCK - 1) / BLOCK * BLOCK;
  }

  /** Bytes of headers and padded data written so far (the end records not counted). */
  long position() {
    return position;
  }

  int members() {
    return members;
  }

  /**
   * Appends a member.
   *
   * @return the offset of its data in the shard
   */
  long add(String name, byte[] data) throws IOException {
    TarArchiveEntry entry = new TarArchiveEntry(name, true);
    entry.setSize(data.length);
    entry.setMode(0100644);
    entry.setIds(0, 0);
    entry.setUserName("");
    entry.setGroupName("");
    entry.setLastModifiedTime(FileTime.fromMillis(0));
    tar.putArchiveEntry(entry);
    tar.write(data);
    tar.closeArchiveEntry();
    long offset = position + BLOCK;
    position += cost(data.length);
    members++;
    return offset;
  }

  /** Writes the end of the archive, forces it to the disk and closes the file. */
  Finished finish() throws IOException {
    tar.finish();
    tar.flush();
    buffered.flush(); // commons-compress does not pass a flush down to the stream it writes to
    channel.force(true);
    long bytes = channel.size();
    close();
    return new Finished(bytes, HexFormat.of().formatHex(digest.digest()));
  }

  Path file() {
    return file;
  }

  @Override
  public void close() throws IOException {
    if (!closed) {
      closed = true;
      try {
        tar.close();
      } finally {
        channel.close();
      }
    }
  }
}
