package dev.stoker.storage;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * A directory on a local file system; keys are relative paths under it. The files it reads stay
 * open (up to {@value #MAX_OPEN} of them, checked once to lie under the root), so that a pack's
 * many small ranged reads of a few large shards cost a positional read each, not an open, a real-path
 * resolution and a close.
 */
final class LocalBlobStore implements BlobStore {
  /** The most files kept open; reads of others open and close their file each time. */
  static final int MAX_OPEN = 256;

  private final Path root;
  private final ConcurrentHashMap<String, FileChannel> open = new ConcurrentHashMap<>();
  private volatile boolean closed;

  LocalBlobStore(Path root) {
    this.root = root.toAbsolutePath().normalize();
  }

  @Override
  public String location() {
    return root.toString();
  }

  /** The file of {@code key}, checked to lie under the root even through symbolic links. */
  Path file(String key) throws IOException {
    Path file = root.resolve(Keys.check(key)).normalize();
    if (!file.startsWith(root)) {
      throw new IllegalArgumentException("key: leaves " + root + ": " + Keys.printable(key));
    }
    if (Files.exists(file, LinkOption.NOFOLLOW_LINKS) && !file.toRealPath().startsWith(root.toRealPath())) {
      throw new IOException(root + ": " + Keys.printable(key) + " links outside the store's directory");
    }
    return file;
  }

  @Override
  public long size(String key) throws IOException {
    return Files.size(file(key));
  }

  @Override
  public ByteBuffer read(String key, long offset, int length) throws IOException {
    Keys.checkRange(offset, length);
    if (closed) {
      throw new IOException(root + ": the store is closed");
    }
    FileChannel channel = open.get(key);
    if (channel != null) {
      return read(channel, key, offset, length);
    }
    Path file = file(key);
    channel = FileChannel.open(file, StandardOpenOption.READ);
    if (open.size() < MAX_OPEN) {
      FileChannel raced = open.putIfAbsent(key, channel);
      if (raced != null) {
        channel.close();
        channel = raced;
      } else if (closed) {
        close();
      }
      return read(channel, key, offset, length);
    }
    try (FileChannel once = channel) {
      return read(once, key, offset, length);
    }
  }

  private ByteBuffer read(FileChannel channel, String key, long offset, int length) throws IOException {
    ByteBuffer out = ByteBuffer.allocate(length);
    long at = offset;
    while (out.hasRemaining()) {
      int n = channel.read(out, at);
      if (n < 0) {
        throw new EOFException(root.resolve(key) + ": ends at byte " + at + ", before " + (offset + length));
      }
      at += n;
    }
    return out.flip();
  }

  @Override
  public List<String> list(String prefix, int maxKeys) throws IOException {
    List<String> keys = new ArrayList<>();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile).sorted()::iterator) {
        String key = root.relativize(file).toString().replace(java.io.File.separatorChar, '/');
        if (key.startsWith(prefix)) {
          if (keys.size() == maxKeys) {
            throw new IOException(root + ": holds more than " + maxKeys + " files under '" + Keys.printable(prefix) + "'");
          }
          keys.add(key);
        }
      }
    }
    return keys;
  }

  @Override
  public void close() {
    closed = true;
    for (String key : open.keySet()) {
      FileChannel channel = open.remove(key);
      if (channel != null) {
        try {
          channel.close();
        } catch (IOException e) {
          // closing a read-only file: nothing is lost
        }
      }
    }
  }

  @Override
  public String toString() {
    return "local store " + root;
  }
}
