package dev.stoker.pack;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stoker.api.EpochSampledSource;
import dev.stoker.storage.BlobStores;
import dev.stoker.storage.StorageOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Shard-shuffle order: a permutation, a pure function of (seed, epoch), shards read in order, each
 * sample at most {@code window - 1} places ahead of its place in the shard sequence.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ShardShuffleTest {
  private static final int BLOCK = 1 << 16;

  @TempDir
  Path dir;

  private CountingStore store;

  /** 7 shards of 1 to 30 samples (shard sizes differ), 120 samples. */
  private static int[] shardStart() {
    int[] sizes = {30, 1, 17, 25, 9, 30, 8};
    int[] start = new int[sizes.length + 1];
    for (int s = 0; s < sizes.length; s++) {
      start[s + 1] = start[s] + sizes[s];
    }
    return start;
  }

  private static int[] identity(int n) {
    return IntStream.range(0, n).toArray();
  }

  @Test
  void order_anyWindow_isAPermutationOfAllSamples() {
    int[] start = shardStart();
    for (int window : new int[] {1, 2, 7, 50, 119, 120, 500}) {
      int[] order = ShardShuffle.order(start, identity(120), window, 42, 3);
      assertThat(Arrays.stream(order).sorted().toArray()).as("window %d", window).isEqualTo(identity(120));
    }
  }

  @Test
  void order_sameSeedAndEpoch_same_otherEpochOrSeed_differs() {
    int[] start = shardStart();
    int[] a = ShardShuffle.order(start, identity(120), 10, 42, 3);
    assertThat(ShardShuffle.order(start, identity(120), 10, 42, 3)).isEqualTo(a);
    assertThat(ShardShuffle.order(start, identity(120), 10, 42, 4)).isNotEqualTo(a);
    assertThat(ShardShuffle.order(start, identity(120), 10, 43, 3)).isNotEqualTo(a);
  }

  @Test
  void order_windowOne_isExactlyTheShardsInTheirKeyedOrderEachFrontToBack() {
    int[] start = shardStart();
    int[] order = ShardShuffle.order(start, identity(120), 1, 42, 3);
    List<Integer> shards = new ArrayList<>();
    for (int p = 0; p < order.length; p++) {
      int shard = shardOf(start, order[p]);
      if (p == 0 || shardOf(start, order[p - 1]) != shard) {
        shards.add(shard);
        assertThat(order[p]).as("a shard starts with its first sample").isEqualTo(start[shard]);
      } else {
        assertThat(order[p]).isEqualTo(order[p - 1] + 1);
      }
    }
    assertThat(shards).as("each shard once").doesNotHaveDuplicates().hasSize(7);
    assertThat(shards).as("in a keyed order, not the pack's").isNotEqualTo(List.of(0, 1, 2, 3, 4, 5, 6));
  }

  @Test
  void order_window_noSampleMoreThanWindowMinusOnePlacesAheadOfItsShardPosition() {
    int[] start = shardStart();
    for (int window : new int[] {2, 5, 16}) {
      for (int epoch = 0; epoch < 20; epoch++) {
        int[] sequence = ShardShuffle.order(start, identity(120), 1, 7, epoch);   // the same shard order
        int[] order = ShardShuffle.order(start, identity(120), window, 7, epoch);
        int[] place = new int[120];
        for (int p = 0; p < 120; p++) {
          place[sequence[p]] = p;
        }
        int most = 0;
        for (int q = 0; q < 120; q++) {
          int ahead = place[order[q]] - q;
          assertThat(ahead).as("window %d epoch %d: sample %d", window, epoch, order[q]).isLessThanOrEqualTo(window - 1);
          most = Math.max(most, ahead);
        }
        if (epoch == 0) {
          // the window does shuffle: the order is not the sequence
          assertThat(order).isNotEqualTo(sequence);
        }
      }
    }
  }

  private static int shardOf(int[] start, int sample) {
    int s = 0;
    while (start[s + 1] <= sample) {
      s++;
    }
    return s;
  }

  private EpochSampledSource openShuffled(List<TestPacks.Sample> samples, int perShard, int window, long cache)
      throws IOException {
    TestPacks.write(dir, samples, TestPacks.classes(3), perShard);
    store = new CountingStore(BlobStores.open(dir.toString(), StorageOptions.defaults()));
    PackReadOptions options = new PackReadOptions(StorageOptions.defaults(), true, window, cache, BLOCK, 1 << 20);
    return (EpochSampledSource) PackSource.open(store, dir.toString(), options, PackSource.ReadPath.BLOCKS);
  }

  @Test
  void epochOrder_packSource_pureFunctionAndAFreshSourceAgrees() throws IOException {
    List<TestPacks.Sample> samples = TestPacks.filler(50, 100, 3);
    EpochSampledSource pack = openShuffled(samples, 8, 6, 4L * BLOCK);
    int[] order = pack.epochOrder(9, 1);
    assertThat(Arrays.stream(order).sorted().toArray()).isEqualTo(identity(50));
    assertThat(pack.epochOrder(9, 1)).isEqualTo(order);
    assertThat(pack.epochOrder(9, 2)).isNotEqualTo(order);
    long fingerprint = pack.samplingFingerprint();
    ((PackSource) pack).close();
    EpochSampledSource again = openShuffled(samples, 8, 6, 4L * BLOCK);
    assertThat(again.epochOrder(9, 1)).isEqualTo(order);
    assertThat(again.samplingFingerprint()).isEqualTo(fingerprint).isNotZero();
    ((PackSource) again).close();
    // another window or shard layout draws differently, and says so in its fingerprint
    EpochSampledSource window = openShuffled(samples, 8, 7, 4L * BLOCK);
    assertThat(window.samplingFingerprint()).isNotEqualTo(fingerprint);
    ((PackSource) window).close();
    EpochSampledSource layout = openShuffled(samples, 10, 6, 4L * BLOCK);
    assertThat(layout.samplingFingerprint()).isNotEqualTo(fingerprint);
    ((PackSource) layout).close();
  }

  /**
   * 3 shards of 48 samples of ~8 KiB (8 blocks each), a cache of 6 blocks: read in the epoch's
   * order, every block of every shard is read from the store once, front to back. A sample that
   * stays in the shuffle window longer than its block stays in the cache is read on its own instead
   * (the chance of that here is about 0.75^40 a sample): allowed, but rare.
   */
  @Test
  void read_inEpochOrder_everyBlockReadOnceFrontToBackWithinACacheSmallerThanThePack() throws IOException {
    List<TestPacks.Sample> samples = TestPacks.filler(144, 8000, 3);
    EpochSampledSource pack = openShuffled(samples, 48, 4, 6L * BLOCK);
    try {
      long shardBytes = ((PackSource) pack).descriptor().shards().get(0).bytes();
      int blocksPerShard = (int) ((shardBytes + BLOCK - 1) / BLOCK);
      assertThat(3L * blocksPerShard).isGreaterThan(6);
      for (int epoch = 0; epoch < 3; epoch++) {
        store.reads.clear();
        long direct = ((PackSource) pack).blocks().directReads();
        for (int i : pack.epochOrder(3, epoch)) {
          assertThat(PackSourceTest.bytes(pack.read(i))).isEqualTo(samples.get(i).image());
        }
        Map<String, List<Long>> byShard = new HashMap<>();
        int others = 0;
        for (CountingStore.Read r : store.shardReads()) {
          if (r.offset() % BLOCK == 0 && r.length() == Math.min(BLOCK, shardBytes - r.offset())) {
            byShard.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(r.offset());
          } else {
            others++;
          }
        }
        long alone = ((PackSource) pack).blocks().directReads() - direct;
        assertThat(alone).as("epoch %d: samples read on their own", epoch).isLessThanOrEqualTo(2);
        assertThat(others).isLessThanOrEqualTo((int) alone);
        assertThat(byShard).hasSize(3);
        for (Map.Entry<String, List<Long>> shard : byShard.entrySet()) {
          assertThat(shard.getValue()).as("epoch %d, %s: block offsets", epoch, shard.getKey()).isSorted()
              .doesNotHaveDuplicates();
          // every block in the first epoch; later ones find some still cached from the epoch before
          assertThat(shard.getValue().size()).isLessThanOrEqualTo(blocksPerShard);
          if (epoch == 0) {
            assertThat(shard.getValue()).hasSize(blocksPerShard);
          }
        }
      }
      assertThat(pack.cacheStats().weightBytes()).isLessThanOrEqualTo(6L * BLOCK);
    } finally {
      ((PackSource) pack).close();
    }
  }

  @Test
  void read_randomOrderSameCache_notFrontToBack() throws IOException {
    // negative control: the reads above are sequential because of the order; a global permutation's are not
    List<TestPacks.Sample> samples = TestPacks.filler(144, 8000, 3);
    EpochSampledSource pack = openShuffled(samples, 48, 4, 4L * BLOCK);
    try {
      int[] order = identity(144);
      SplittableRandom random = new SplittableRandom(3);
      for (int i = order.length - 1; i > 0; i--) {
        int j = random.nextInt(i + 1);
        int t = order[i];
        order[i] = order[j];
        order[j] = t;
      }
      for (int i : order) {
        pack.read(i);
      }
      long blocks = 3 * ((((PackSource) pack).descriptor().shards().get(0).bytes() + BLOCK - 1) / BLOCK);
      assertThat((long) store.shardReads().size()).isGreaterThan(blocks);
      List<Long> shard0 = store.shardReads().stream().filter(r -> r.key().equals("shard-000000.tar"))
          .map(CountingStore.Read::offset).toList();
      assertThat(shard0).isNotEqualTo(shard0.stream().sorted().toList());
    } finally {
      ((PackSource) pack).close();
    }
  }
}
