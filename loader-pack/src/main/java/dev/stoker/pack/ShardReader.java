package dev.stoker.pack;

import dev.stoker.storage.BlobStore;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Reads one blob front to back in large chunks ({@link PackReadOptions#blockBytes()}), so that
 * scanning a remote tar shard's headers costs one request per chunk rather than one per member.
 * Skipping past the current chunk reads nothing until the next read. Not thread-safe.
 */
final class ShardReader {
  private final BlobStore store;
  private final String key;
  private final long size;
  private final int chunkBytes;
  private ByteBuffer chunk = ByteBuffer.allocate(0);
  private long chunkStart;
  private long position;

  ShardReader(BlobStore store, String key, long size, int chunkBytes) {
    this.store = store;
    this.key = key;
    this.size = size;
    this.chunkBytes = chunkBytes;
  }

  long position() {
    return position;
  }

  long size() {
    return size;
  }

  long remaining() {
    return size - position;
  }

  /** Moves to {@code to}, at most the blob's end; reads nothing. */
  void seek(long to) {
    position = Math.min(to, size);
  }

  /**
   * Reads {@code length} bytes at the position into {@code out} from {@code at}; the caller has
   * checked that they lie inside the blob and that {@code out} has room.
   */
  void readFully(byte[] out, int at, int length) throws IOException {
    int done = 0;
    while (done < length) {
      long inChunk = position - chunkStart;
      if (inChunk < 0 || inChunk >= chunk.limit()) {
        load();
        inChunk = 0;
      }
      int n = (int) Math.min(length - done, chunk.limit() - inChunk);
      chunk.get((int) inChunk, out, at + done, n);
      done += n;
      position += n;
    }
  }

  private void load() throws IOException {
    int length = (int) Math.min(chunkBytes, size - position);
    if (length <= 0) {
      throw new java.io.EOFException(key + ": ends at byte " + size);
    }
    chunk = store.read(key, position, length);
    chunkStart = position;
  }
}
