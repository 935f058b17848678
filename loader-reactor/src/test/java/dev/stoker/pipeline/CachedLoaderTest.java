package dev.stoker.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stoker.api.CacheStats;
import dev.stoker.api.RunSummary;
import dev.stoker.api.TransformSpec;
import dev.stoker.dataset.ImageFolderSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The acceptance test for the cache: a second epoch served from the cache opens no file,
 * shown by deleting every image file after the first epoch.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CachedLoaderTest {
  private static final int SIZE = 11;
  private static final int OUT = 16;

  @TempDir
  Path root;

  private Loader loader;

  @AfterEach
  void close() {
    if (loader != null) {
      loader.close();
    }
  }

  /** {@code SIZE} PNGs of assorted sizes in two class directories. */
  private void writeImages() throws IOException {
    for (int i = 0; i < SIZE; i++) {
      Path file = root.resolve(i % 2 == 0 ? "even" : "odd").resolve("img" + (10 + i) + ".png");
      Files.createDirectories(file.getParent());
      Files.write(file, DecodedCacheTest.png(40 + 3 * i, 30 + 2 * i, i));
    }
  }

  private void deleteImages() throws IOException {
    try (Stream<Path> files = Files.walk(root)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        Files.delete(f);
      }
    }
  }

  private Loader build(CachingSource source, boolean readOnIoThreads) {
    loader = Loader.builder()
        .source(source)
        .transforms(List.of(new TransformSpec.Resize(OUT, OUT)))
        .batchSize(4)
        .threads(2)
        .inFlight(4)
        .seed(7)
        .shuffle(true)
        .readOnIoThreads(readOnIoThreads)
        .ring(new RecordingRing.Factory(), 2)
        .build();
    return loader;
  }

  /** Runs one epoch and returns each delivered sample's pixels by index. */
  private Map<Integer, byte[]> runEpoch(int epoch, RunSummary[] summary) {
    Map<Integer, byte[]> pixels = new HashMap<>();
    long sampleBytes = loader.layout().sampleBytes();
    summary[0] = loader.run(epoch, 1, batch -> {
      RecordingRing.Seen seen = RecordingRing.Seen.of(batch);
      for (int p = 0; p < seen.size(); p++) {
        pixels.put(seen.sampleIndices()[p], seen.sample(p, sampleBytes));
      }
    });
    return pixels;
  }

  private void secondEpochOpensNoFile(Function<CacheTestSources.Counting, CachingSource> cache,
      boolean readOnIoThreads) throws IOException {
    writeImages();
    CacheTestSources.Counting files = new CacheTestSources.Counting(ImageFolderSource.open(root));
    CachingSource cached = cache.apply(files);
    build(cached, readOnIoThreads);
    RunSummary[] summary = new RunSummary[1];

    Map<Integer, byte[]> first = runEpoch(0, summary);
    assertThat(summary[0].failed()).as("epoch 0 failures: %s", summary[0].failures()).isZero();
    deleteImages();
    Map<Integer, byte[]> second = runEpoch(1, summary);

    assertThat(summary[0].failed()).as("epoch 1 failures: %s", summary[0].failures()).isZero();
    assertThat(summary[0].delivered()).isEqualTo(SIZE);
    assertThat(second.keySet()).isEqualTo(first.keySet()).hasSize(SIZE);
    for (int i = 0; i < SIZE; i++) {
      assertThat(second.get(i)).as("sample %d", i).isEqualTo(first.get(i));
      assertThat(files.readsOf.get(i)).as("reads of sample %d", i).isEqualTo(1);
    }
    assertThat(files.reads.get()).isEqualTo(SIZE);
    CacheStats stats = cached.cacheStats();
    assertThat(stats.hits()).isEqualTo(SIZE);
    assertThat(stats.misses()).isEqualTo(SIZE);
    assertThat(stats.evictions()).isZero();
    assertThat(stats.hitRate()).isEqualTo(0.5);
  }

  @Test
  void run_encodedCacheAndFilesDeletedAfterEpochZero_secondEpochDeliversEverySampleFromTheCache() throws IOException {
    secondEpochOpensNoFile(files -> SampleCaches.encoded(files, 4 << 20), false);
  }

  @Test
  void run_encodedCacheReadOnIoThreads_secondEpochDeliversEverySampleFromTheCache() throws IOException {
    secondEpochOpensNoFile(files -> SampleCaches.encoded(files, 4 << 20), true);
  }

  @Test
  void run_decodedCacheAndFilesDeletedAfterEpochZero_secondEpochDeliversEverySampleFromTheCache() throws IOException {
    secondEpochOpensNoFile(files -> SampleCaches.decoded(files, 4 << 20, 24), false);
  }

  @Test
  void run_cacheTooSmallForTheDataset_stillDeliversEverySampleAndRereadsEvictedOnes() throws IOException {
    writeImages();
    CacheTestSources.Counting files = new CacheTestSources.Counting(ImageFolderSource.open(root));
    long budget = Files.size(root.resolve("even/img10.png")) * 3;
    CachingSource cached = SampleCaches.encoded(files, budget);
    build(cached, false);

    RunSummary summary = loader.run(3, batch -> { });

    assertThat(summary.delivered()).isEqualTo(3L * SIZE);
    assertThat(summary.failed()).isZero();
    CacheStats stats = cached.cacheStats();
    assertThat(stats.weightBytes()).isLessThanOrEqualTo(budget);
    assertThat(stats.evictions()).isPositive();
    assertThat(files.reads.get()).isGreaterThan(SIZE).isEqualTo((int) stats.misses());
  }
}
