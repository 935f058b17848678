package dev.stoker.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * A place that holds named byte blobs (files, HTTP resources, S3 objects) and reads byte ranges of
 * them: what a packed dataset needs from its storage. Keys are relative to the store's root, use
 * {@code /} as separator, and never contain {@code ..}, a leading {@code /} or a backslash; every
 * implementation refuses such keys, so a hostile index or descriptor cannot read outside the
 * dataset.
 *
 * <p>Implementations are safe for concurrent use; reads are blocking and bounded in time (a store
 * that does not answer within its timeout fails the read with an {@link IOException} naming the
 * store and the key, after its retries), never hung.
 *
 * <pre>{@code
 * try (BlobStore store = BlobStores.open("s3://bucket/imagenet-256", StorageOptions.defaults())) {
 *   long bytes = store.size("shard-000000.tar");
 *   ByteBuffer header = store.read("shard-000000.tar", 0, 512);
 * }
 * }</pre>
 */
public interface BlobStore extends AutoCloseable {
  /** The most bytes one {@link #read} returns: 256 MiB. */
  int MAX_READ_BYTES = 256 << 20;

  /**
   * Where this store reads from, for messages: a directory, {@code https://host/path} or
   * {@code s3://bucket/prefix}. Never carries credentials.
   *
   * @return the store's location, for people
   */
  String location();

  /**
   * The size of blob {@code key}.
   *
   * @param key the blob, relative to the store's root
   * @return its size in bytes
   * @throws java.nio.file.NoSuchFileException naming the blob if it does not exist
   * @throws IOException naming the store and key if it cannot be asked
   * @throws IllegalArgumentException naming {@code key} if it leaves the store's root
   */
  long size(String key) throws IOException;

  /**
   * Reads {@code length} bytes of blob {@code key} from {@code offset}: exactly that many, or an
   * exception.
   *
   * @param key the blob, relative to the store's root
   * @param offset the first byte, 0 or more
   * @param length the byte count, {@code 0..MAX_READ_BYTES}
   * @return a new buffer holding the bytes between position 0 and its limit {@code length}
   * @throws java.io.EOFException naming the blob if it ends before {@code offset + length}
   * @throws IOException naming the store and key if the bytes cannot be read after the retries
   * @throws IllegalArgumentException naming the parameter if the key leaves the root or a bound is
   *     negative or too large
   */
  ByteBuffer read(String key, long offset, int length) throws IOException;

  /**
   * The keys of the blobs under {@code prefix}, sorted, at most {@code maxKeys} of them.
   *
   * @param prefix a key prefix relative to the root, {@code ""} for all
   * @param maxKeys the most keys to return, positive
   * @return the keys, sorted, relative to the store's root
   * @throws IOException naming the store if it cannot be listed, or if it holds more than
   *     {@code maxKeys} blobs under the prefix
   */
  List<String> list(String prefix, int maxKeys) throws IOException;

  /**
   * Whether {@link #list} works here: {@code false} for a plain HTTP(S) server, where a dataset
   * names its blobs itself (a pack's descriptor names its shards).
   *
   * @return {@code true} if the store can list its blobs
   */
  default boolean listable() {
    return true;
  }

  /**
   * What this store has done since it was opened: requests, bytes, retries and failures.
   *
   * @return a snapshot of the store's counters
   */
  default StoreStats stats() {
    return StoreStats.NONE;
  }

  /** Releases the store's connections and threads; reads after close fail. */
  @Override
  void close();
}
