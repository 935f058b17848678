package dev.stoker.pack;

import dev.stoker.storage.BlobStore;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;

/** Checks a pack's shards against its store: each must exist with the size its descriptor gives. */
final class PackShards {
  /** The most size requests in flight (an object store answers each in a round trip). */
  static final int PARALLEL = 16;

  private PackShards() {}

  /**
   * The shards' sizes, each checked against the descriptor, asked of the store up to
   * {@value #PARALLEL} at a time.
   *
   * @param store the pack's store
   * @param root the pack's location, for messages
   * @param d the descriptor
   * @return the shards' sizes in bytes, in shard order
   * @throws PackFormatException naming the first shard (in shard order) that is missing or whose
   *     size differs
   * @throws IOException naming the store and shard if a size cannot be asked
   */
  static long[] checkSizes(BlobStore store, String root, PackDescriptor d) throws IOException {
    List<PackDescriptor.Shard> shards = d.shards();
    long[] sizes = new long[shards.size()];
    Semaphore permits = new Semaphore(PARALLEL);
    try (ExecutorService executor = Executors.newThreadPerTaskExecutor(
        Thread.ofVirtual().name("stoker-pack-open-", 0).factory())) {
      List<Future<Long>> sizeOf = new ArrayList<>(shards.size());
      for (PackDescriptor.Shard shard : shards) {
        permits.acquire();
        sizeOf.add(executor.submit(() -> {
          try {
            return PackSource.sizeOf(store, shard.name(), root + "/" + shard.name());
          } finally {
            permits.release();
          }
        }));
      }
      for (int s = 0; s < sizes.length; s++) {
        sizes[s] = get(sizeOf.get(s));
        if (sizes[s] != shards.get(s).bytes()) {
          throw new PackFormatException(root + "/" + shards.get(s).name(), "is " + sizes[s]
              + " bytes, the descriptor says " + shards.get(s).bytes());
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException(root + ": interrupted while checking the shards");
    }
    return sizes;
  }

  private static long get(Future<Long> size) throws IOException, InterruptedException {
    try {
      return size.get();
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IOException io) {
        throw io;
      }
      if (cause instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new IOException(cause.getMessage(), cause);
    }
  }
}
