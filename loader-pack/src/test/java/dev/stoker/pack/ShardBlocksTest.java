package dev.stoker.pack;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stoker.api.CacheStats;
import dev.stoker.storage.BlobStores;
import dev.stoker.storage.StorageOptions;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The block cache: bounded by its budget, one store read for concurrent misses of a block. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ShardBlocksTest {
  private static final int BLOCK = 1 << 16;
  private static final long CACHE = 3L * BLOCK;

  @TempDir
  Path dir;

  private CountingStore store;

  private PackSource open(List<TestPacks.Sample> samples, int perShard, PackSource.ReadPath path) throws IOException {
    TestPacks.write(dir, samples, TestPacks.classes(3), perShard);
    store = new CountingStore(BlobStores.open(dir.toString(), StorageOptions.defaults()));
    PackReadOptions options = new PackReadOptions(StorageOptions.defaults(), false, 1, CACHE, BLOCK, 1 << 20);
    return PackSource.open(store, dir.toString(), options, path);
  }

  @Test
  void read_randomOrderOverAPackLargerThanTheCache_weightNeverAboveTheBudget() throws IOException {
    List<TestPacks.Sample> samples = TestPacks.filler(120, 9000, 3);   // ~1.8 MB in 4 shards, ~28 blocks
    try (PackSource pack = open(samples, 30, PackSource.ReadPath.BLOCKS)) {
      SplittableRandom random = new SplittableRandom(5);
      long most = 0;
      for (int r = 0; r < 400; r++) {
        int i = random.nextInt(samples.size());
        assertThat(PackSourceTest.bytes(pack.read(i))).isEqualTo(samples.get(i).image());
        CacheStats stats = pack.cacheStats();
        assertThat(stats.weightBytes()).as("after read %d", r).isLessThanOrEqualTo(CACHE);
        most = Math.max(most, stats.weightBytes());
      }
      CacheStats stats = pack.cacheStats();
      assertThat(stats.maxBytes()).isEqualTo(CACHE);
      assertThat(stats.evictions()).isPositive();
      assertThat(stats.hits()).isPositive();
      assertThat(most).isGreaterThan(BLOCK);
      assertThat(store.shardReads()).allSatisfy(read -> assertThat(read.length()).isLessThanOrEqualTo(BLOCK));
    }
  }

  @Test
  void read_randomOrderOverAPackLargerThanTheCache_noBlockReadTwiceInOnePass() throws IOException {
    List<TestPacks.Sample> samples = TestPacks.filler(120, 9000, 3);
    try (PackSource pack = open(samples, 30, PackSource.ReadPath.BLOCKS)) {
      int[] order = java.util.stream.IntStream.range(0, 120).toArray();
      SplittableRandom random = new SplittableRandom(8);
      for (int i = order.length - 1; i > 0; i--) {
        int j = random.nextInt(i + 1);
        int t = order[i];
        order[i] = order[j];
        order[j] = t;
      }
      for (int i : order) {
        assertThat(PackSourceTest.bytes(pack.read(i))).isEqualTo(samples.get(i).image());
      }
      // blocks are read from their start; the samples of evicted blocks that were still unread, from their own
      List<CountingStore.Read> blockReads = store.shardReads().stream().filter(r -> r.offset() % BLOCK == 0).toList();
      assertThat(blockReads).doesNotHaveDuplicates();
      assertThat(pack.blocks().directReads()).isPositive();
      assertThat(pack.cacheStats().evictions()).isPositive();
      assertThat(store.shardReads()).hasSize((int) (pack.blocks().blockReads() + pack.blocks().directReads()));
    }
  }

  @Test
  void open_globalOrderOverAPackLargerThanTheCache_readsASampleAtATime() throws IOException {
    List<TestPacks.Sample> samples = TestPacks.filler(120, 9000, 3);   // ~1.1 MB, the cache 192 KB
    try (PackSource pack = open(samples, 30, PackSource.ReadPath.AUTO)) {
      for (int i = 0; i < 10; i++) {
        assertThat(PackSourceTest.bytes(pack.read(i))).isEqualTo(samples.get(i).image());
      }
      assertThat(pack.blocks().blockReads()).isZero();
      assertThat(pack.blocks().directReads()).isEqualTo(10);
    }
  }

  @Test
  void open_globalOrderOverAPackTheCacheHolds_readsBlocks() throws IOException {
    List<TestPacks.Sample> samples = TestPacks.filler(12, 9000, 3);   // ~110 KB, the cache 192 KB
    try (PackSource pack = open(samples, 6, PackSource.ReadPath.AUTO)) {
      for (int i = 0; i < 10; i++) {
        assertThat(PackSourceTest.bytes(pack.read(i))).isEqualTo(samples.get(i).image());
      }
      assertThat(pack.blocks().blockReads()).isPositive().isLessThan(10);
      assertThat(pack.blocks().directReads()).isZero();
    }
  }

  @Test
  void read_sampleLargerThanABlock_readDirectlyNotCached() throws IOException {
    List<TestPacks.Sample> samples = List.of(TestPacks.Sample.of(new byte[BLOCK + 1], 0),
        TestPacks.Sample.of(new byte[100], 1));
    try (PackSource pack = open(samples, 2, PackSource.ReadPath.BLOCKS)) {
      pack.read(0);
      assertThat(store.shardReads()).containsExactly(new CountingStore.Read("shard-000000.tar", 512, BLOCK + 1));
      assertThat(pack.cacheStats().requests()).isZero();
    }
  }

  @Test
  void read_concurrentMissesOfOneBlock_oneStoreRead() throws Exception {
    assertThat(concurrentReadsOfOneBlock(PackSource.ReadPath.BLOCKS)).isEqualTo(1);
  }

  @Test
  void read_concurrentReadsWithoutTheCache_oneStoreReadEach() throws Exception {
    // negative control: the count above is one because of the cache, not because of the test
    assertThat(concurrentReadsOfOneBlock(PackSource.ReadPath.DIRECT)).isEqualTo(8);
  }

  /** Eight threads read eight samples of the first block while the store holds the first read. */
  private int concurrentReadsOfOneBlock(PackSource.ReadPath path) throws Exception {
    List<TestPacks.Sample> samples = TestPacks.filler(8, 1000, 3);   // 8 samples in one 64 KiB block
    int threads = 8;
    try (PackSource pack = open(samples, 8, path);
        ExecutorService pool = Executors.newFixedThreadPool(threads)) {
      CountDownLatch release = new CountDownLatch(1);
      store.hold = release;
      List<Thread> readers = new ArrayList<>();
      CountDownLatch started = new CountDownLatch(threads);
      List<Future<byte[]>> reads = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int i = t;
        reads.add(pool.submit(() -> {
          synchronized (readers) {
            readers.add(Thread.currentThread());
          }
          started.countDown();
          return PackSourceTest.bytes(pack.read(i));
        }));
      }
      started.await();
      // wait until every reader is parked: in the store's hold, or behind the one read in progress
      awaitAllWaiting(readers);
      release.countDown();
      for (int t = 0; t < threads; t++) {
        assertThat(reads.get(t).get()).isEqualTo(samples.get(t).image());
      }
      return store.shardReads().size();
    }
  }

  private static void awaitAllWaiting(List<Thread> threads) throws InterruptedException {
    while (true) {
      boolean all;
      synchronized (threads) {
        all = threads.stream().allMatch(t -> t.getState() == Thread.State.WAITING
            || t.getState() == Thread.State.BLOCKED || t.getState() == Thread.State.TIMED_WAITING);
      }
      if (all) {
        return;
      }
      Thread.sleep(5);
    }
  }

  @Test
  void read_intoReuse_copiesIntoTheCallersBuffer() throws IOException {
    List<TestPacks.Sample> samples = TestPacks.filler(4, 1000, 3);
    try (PackSource pack = open(samples, 4, PackSource.ReadPath.BLOCKS)) {
      ByteBuffer reuse = ByteBuffer.allocateDirect(2000);
      ByteBuffer got = pack.read(2, reuse);
      assertThat(got).isSameAs(reuse);
      assertThat(got.position()).isZero();
      assertThat(PackSourceTest.bytes(got)).isEqualTo(samples.get(2).image());
      ByteBuffer readOnly = ByteBuffer.allocate(2000).asReadOnlyBuffer();
      assertThat(pack.read(3, readOnly)).isNotSameAs(readOnly);
    }
  }
}
