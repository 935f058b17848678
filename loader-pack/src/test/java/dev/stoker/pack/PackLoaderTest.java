package dev.stoker.pack;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stoker.api.LoaderState;
import dev.stoker.api.SampleSource;
import dev.stoker.dataset.ImageFolderSource;
import dev.stoker.pipeline.Loader;
import dev.stoker.storage.BlobStores;
import dev.stoker.storage.StorageOptions;
import dev.stoker.testkit.BatchDigests;
import dev.stoker.testkit.GradientImageFolder;
import dev.stoker.testkit.SmallLoaders;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A loader over a pack: the same batches as over the folder it was packed from, at any thread
 * count, and a run resumed mid-epoch delivers the rest of the uninterrupted one.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PackLoaderTest {
  private static final long SEED = 11;

  @TempDir
  Path tmp;

  private ImageFolderSource folder;
  private Path pack;
  private final List<AutoCloseable> open = new ArrayList<>();

  @BeforeEach
  void pack() throws IOException {
    folder = ImageFolderSource.open(GradientImageFolder.of(21).writeTo(tmp.resolve("folder")));
    List<TestPacks.Sample> samples = new ArrayList<>();
    for (int i = 0; i < folder.size(); i++) {
      samples.add(TestPacks.Sample.of(PackSourceTest.bytes(folder.read(i)), folder.label(i)));
    }
    pack = tmp.resolve("pack");
    TestPacks.write(pack, samples, folder.classes(), 8);
  }

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : open) {
      c.close();
    }
  }

  private PackSource open(PackReadOptions options, PackSource.ReadPath path) throws IOException {
    PackSource source = PackSource.open(BlobStores.open(pack.toString(), StorageOptions.defaults()), pack.toString(),
        options, path);
    open.add(source);
    return source;
  }

  private Loader loader(SampleSource source, int threads) {
    Loader loader = SmallLoaders.train(24, 4, SEED).source(source).threads(threads).build();
    open.add(loader);
    return loader;
  }

  private static PackReadOptions small() {
    return new PackReadOptions(StorageOptions.defaults(), false, 5, 4L << 16, 1 << 16, 1 << 20);
  }

  @Test
  void run_packOfAFolder_sameBatchesAsTheFolderWithOneOrTwoThreadsAndEitherReadPath() throws IOException {
    List<String> fromFolder = BatchDigests.run(loader(folder, 2), 0, 2).digests();
    for (PackSource.ReadPath path : PackSource.ReadPath.values()) {
      assertThat(BatchDigests.run(loader(open(small(), path), 1), 0, 2).digests()).as("%s, 1 thread", path)
          .isEqualTo(fromFolder);
      assertThat(BatchDigests.run(loader(open(small(), path), 2), 0, 2).digests()).as("%s, 2 threads", path)
          .isEqualTo(fromFolder);
    }
    // negative control: another seed gives other batches
    Loader other = SmallLoaders.train(24, 4, SEED + 1).source(open(small(), PackSource.ReadPath.BLOCKS)).build();
    open.add(other);
    assertThat(BatchDigests.run(other, 0, 2).digests()).isNotEqualTo(fromFolder);
  }

  @Test
  void run_shardShuffledPack_sameBatchesWithOneOrTwoThreads_otherBatchesThanTheGlobalOrder() throws IOException {
    PackReadOptions shuffled = small().withShardShuffle(true, 3);
    List<String> one = BatchDigests.run(loader(open(shuffled, PackSource.ReadPath.BLOCKS), 1), 0, 2).digests();
    List<String> two = BatchDigests.run(loader(open(shuffled, PackSource.ReadPath.BLOCKS), 2), 0, 2).digests();
    assertThat(two).isEqualTo(one);
    assertThat(BatchDigests.run(loader(open(small(), PackSource.ReadPath.BLOCKS), 2), 0, 2).digests())
        .isNotEqualTo(one);
  }

  @Test
  void state_resumedMidEpoch_deliversExactlyTheRestOfTheUninterruptedRun() throws IOException {
    for (PackReadOptions options : List.of(small(), small().withShardShuffle(true, 3))) {
      Loader whole = loader(open(options, PackSource.ReadPath.BLOCKS), 2);
      List<String> expected = new ArrayList<>();
      List<LoaderState> states = new ArrayList<>();
      whole.run(0, 2, batch -> {
        expected.add(BatchDigests.of(batch));
        states.add(whole.state());
      });
      assertThat(expected).hasSizeGreaterThan(6);
      for (int k : new int[] {1, 3, 7}) {
        LoaderState saved = states.get(k);
        List<String> got = new ArrayList<>();
        loader(open(options, PackSource.ReadPath.BLOCKS), 1).run(saved, 2 - saved.epoch(),
            batch -> got.add(BatchDigests.of(batch)));
        assertThat(got).as("shard shuffle %s, resumed after batch %d", options.shardShuffle(), k)
            .isEqualTo(expected.subList(k + 1, expected.size()));
      }
    }
  }
}
