package dev.stoker.pack;

import dev.stoker.storage.BlobStore;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link BlobStore} that counts and records the reads it passes on to another; it can hold reads
 * of shards until released, and fail them.
 */
final class CountingStore implements BlobStore {
  /** One read: key, offset, length. */
  record Read(String key, long offset, int length) {}

  private final BlobStore inner;
  final List<Read> reads = new CopyOnWriteArrayList<>();
  final AtomicInteger sizes = new AtomicInteger();
  final AtomicInteger interrupted = new AtomicInteger();
  volatile CountDownLatch hold;
  /** Only shard reads from this offset on are held. */
  volatile long holdFrom;
  volatile boolean failShards;

  CountingStore(BlobStore inner) {
    this.inner = inner;
  }

  /** Reads of shard keys only. */
  List<Read> shardReads() {
    return reads.stream().filter(r -> r.key().endsWith(".tar")).toList();
  }

  @Override
  public String location() {
    return inner.location();
  }

  @Override
  public long size(String key) throws IOException {
    sizes.incrementAndGet();
    return inner.size(key);
  }

  @Override
  public ByteBuffer read(String key, long offset, int length) throws IOException {
    reads.add(new Read(key, offset, length));
    if (key.endsWith(".tar")) {
      CountDownLatch latch = hold;
      if (latch != null && offset >= holdFrom) {
        try {
          latch.await();
        } catch (InterruptedException e) {
          interrupted.incrementAndGet();
          Thread.currentThread().interrupt();
          throw new java.io.InterruptedIOException(key);
        }
      }
      if (failShards) {
        throw new IOException(location() + "/" + key + ": connection reset (injected)");
      }
    }
    return inner.read(key, offset, length);
  }

  @Override
  public List<String> list(String prefix, int maxKeys) throws IOException {
    return inner.list(prefix, maxKeys);
  }

  @Override
  public void close() {
    inner.close();
  }
}
