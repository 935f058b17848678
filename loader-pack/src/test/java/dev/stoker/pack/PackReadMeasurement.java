package dev.stoker.pack;

import dev.stoker.api.SampleSource;
import dev.stoker.dataset.ImageFolderSource;
import dev.stoker.storage.BlobStores;
import dev.stoker.storage.StorageOptions;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Not a test: times {@code read(i, reuse)} of every sample of a folder and of a pack made from it
 * (direct reads, through the block cache in the global order, and shard by shard), in rounds that
 * alternate between them, reporting CPU and wall time per sample. Runs only when asked:
 *
 * <pre>
 * ./mvnw -B -q -o -pl loader-pack verify -Dstoker.standin.skip -Dtest=PackReadMeasurement \
 *     -Dstoker.pack.measure=/work/corpus/classify/train -Dstoker.pack.measureOut=/tmp/read20a/pack
 * </pre>
 */
@EnabledIfSystemProperty(named = "stoker.pack.measure", matches = ".+")
class PackReadMeasurement {
  @Test
  void measure() throws IOException {
    Path folderRoot = Path.of(System.getProperty("stoker.pack.measure"));
    Path packRoot = Path.of(System.getProperty("stoker.pack.measureOut", "/tmp/read20a/pack"));
    ImageFolderSource folder = ImageFolderSource.open(folderRoot);
    if (!Files.exists(packRoot.resolve(PackDescriptor.FILE_NAME))) {
      List<TestPacks.Sample> samples = new ArrayList<>();
      for (int i = 0; i < folder.size(); i++) {
        samples.add(TestPacks.Sample.of(PackSourceTest.bytes(folder.read(i)), folder.label(i)));
      }
      TestPacks.write(packRoot, samples, folder.classes(), 250);
    }
    PackReadOptions global = PackReadOptions.defaults();
    PackReadOptions sequential = global.withShardShuffle(true, 1000);
    long small = Long.getLong("stoker.pack.smallCache", 32L << 20);
    List<String> names = List.of("folder", "pack direct", "pack blocks", "pack shard-shuffle blocks",
        "pack blocks, small cache", "pack shard-shuffle, small cache");
    List<SampleSource> sources = List.of(folder,
        PackSource.open(BlobStores.open(packRoot.toString(), StorageOptions.defaults()), packRoot.toString(), global,
            PackSource.ReadPath.DIRECT),
        PackSource.open(BlobStores.open(packRoot.toString(), StorageOptions.defaults()), packRoot.toString(), global,
            PackSource.ReadPath.BLOCKS),
        PackSource.open(BlobStores.open(packRoot.toString(), StorageOptions.defaults()), packRoot.toString(),
            sequential, PackSource.ReadPath.BLOCKS),
        PackSource.open(BlobStores.open(packRoot.toString(), StorageOptions.defaults()), packRoot.toString(),
            global.withCacheBytes(small), PackSource.ReadPath.BLOCKS),
        PackSource.open(BlobStores.open(packRoot.toString(), StorageOptions.defaults()), packRoot.toString(),
            sequential.withCacheBytes(small), PackSource.ReadPath.BLOCKS));
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    double[][] cpu = new double[sources.size()][];
    double[][] wall = new double[sources.size()][];
    int rounds = Integer.getInteger("stoker.pack.rounds", 5);
    for (int s = 0; s < sources.size(); s++) {
      cpu[s] = new double[rounds];
      wall[s] = new double[rounds];
    }
    for (int r = -1; r < rounds; r++) {
      for (int s = 0; s < sources.size(); s++) {
        SampleSource source = sources.get(s);
        int[] order = source instanceof ShardShuffledPackSource shuffled ? shuffled.epochOrder(1, r + 1)
            : permutation(source.size(), r + 1);
        ByteBuffer reuse = null;
        long bytes = 0;
        long c0 = threads.getCurrentThreadCpuTime();
        long w0 = System.nanoTime();
        for (int i : order) {
          reuse = source.read(i, reuse);
          bytes += reuse.remaining();
        }
        long c1 = threads.getCurrentThreadCpuTime();
        long w1 = System.nanoTime();
        if (r >= 0) {
          cpu[s][r] = (c1 - c0) / 1e3 / order.length;
          wall[s][r] = (w1 - w0) / 1e3 / order.length;
        }
        if (r == 0) {
          System.out.printf(Locale.ROOT, "%s: %d samples, %.1f MB%n", names.get(s), order.length, bytes / 1e6);
        }
      }
    }
    for (int s = 0; s < sources.size(); s++) {
      java.util.Arrays.sort(cpu[s]);
      java.util.Arrays.sort(wall[s]);
      System.out.printf(Locale.ROOT, "%-28s CPU us/sample median %.1f (min %.1f)   wall us/sample median %.1f (min %.1f)%n",
          names.get(s), cpu[s][rounds / 2], cpu[s][0], wall[s][rounds / 2], wall[s][0]);
      if (sources.get(s) instanceof PackSource pack) {
        System.out.printf(Locale.ROOT, "%-28s block reads %d, direct reads %d, cache %s%n", "", pack.blocks().blockReads(),
            pack.blocks().directReads(), pack.cacheStats());
      }
    }
  }

  private static int[] permutation(int n, long seed) {
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = n - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    return order;
  }
}
