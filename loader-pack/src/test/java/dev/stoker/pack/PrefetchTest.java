package dev.stoker.pack;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stoker.storage.BlobStores;
import dev.stoker.storage.StorageOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Shard by shard, the next block of a shard is read ahead when a sample ends in its block's last quarter. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PrefetchTest {
  private static final int BLOCK = 1 << 16;

  @TempDir
  Path dir;

  private CountingStore store;

  /** 16 samples of 8000 bytes: each takes 9216 bytes of tar with its header, plus cls and json. */
  private PackSource open(boolean shardShuffle) throws IOException {
    TestPacks.write(dir, TestPacks.filler(16, 8000, 3), TestPacks.classes(3), 16);
    store = new CountingStore(BlobStores.open(dir.toString(), StorageOptions.defaults()));
    PackReadOptions options = new PackReadOptions(StorageOptions.defaults(), shardShuffle, 2, 4L * BLOCK, BLOCK,
        1 << 20);
    return PackSource.open(store, dir.toString(), options, PackSource.ReadPath.BLOCKS);
  }

  /** The first sample whose bytes end in the last quarter of block 0. */
  private static int endingInLastQuarter(PackSource pack) {
    for (int i = 0; i < pack.size(); i++) {
      long end = offset(pack, i) + 8000 + i % 7;
      if (end >= BLOCK - BLOCK / 4 && end <= BLOCK) {
        return i;
      }
    }
    throw new AssertionError("no sample ends in the last quarter of block 0");
  }

  private static int firstInBlockOne(PackSource pack) {
    int i = 0;
    while (offset(pack, i) < BLOCK) {
      i++;
    }
    return i;
  }

  private static long offset(PackSource pack, int i) {
    return (long) i * (512 + 8192 + 1024 + 1024) + 512;
  }

  private static boolean blockOneRead(CountingStore store) {
    return store.shardReads().stream().anyMatch(r -> r.offset() == BLOCK);
  }

  @Test
  void read_shardShuffleSampleEndingLateInItsBlock_nextBlockReadAhead_thenAHit() throws Exception {
    try (PackSource pack = open(true)) {
      pack.read(endingInLastQuarter(pack));
      while (!blockOneRead(store) || pack.cacheStats().weightBytes() < 2L * BLOCK) {
        Thread.sleep(5);   // the read-ahead runs on its own thread; the test's timeout bounds this wait
      }
      long misses = pack.cacheStats().misses();
      int reads = store.shardReads().size();
      pack.read(firstInBlockOne(pack));
      assertThat(store.shardReads()).hasSize(reads);
      assertThat(pack.cacheStats().misses()).isEqualTo(misses);
    }
  }

  @Test
  void read_globalOrderSampleEndingLateInItsBlock_nothingReadAhead() throws IOException {
    // negative control: without shard shuffle there is no read-ahead (and no thread that could do it later)
    try (PackSource pack = open(false)) {
      pack.read(endingInLastQuarter(pack));
      assertThat(pack.blocks().blockReads()).isEqualTo(1);
      assertThat(blockOneRead(store)).isFalse();
    }
  }

  @Test
  void close_readAheadInFlight_isInterruptedAndCachesNothing() throws Exception {
    PackSource pack = open(true);
    store.holdFrom = BLOCK;
    store.hold = new CountDownLatch(1);   // never released: the read-ahead of block 1 waits until interrupted
    pack.read(endingInLastQuarter(pack));
    while (!blockOneRead(store)) {
      Thread.sleep(5);
    }
    pack.close();
    while (store.interrupted.get() == 0) {
      Thread.sleep(5);
    }
    assertThat(pack.cacheStats().weightBytes()).isZero();
    assertThat(List.copyOf(store.shardReads())).hasSize(2);
  }
}
