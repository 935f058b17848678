package dev.stoker.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stoker.api.RunSummary;
import dev.stoker.api.SampleFailure;
import dev.stoker.dataset.ImageFolderSource;
import dev.stoker.decode.ImageDecoders;
import dev.stoker.pipeline.SampleResult.Failed;
import dev.stoker.testkit.BadImageFiles;
import dev.stoker.testkit.BadImageFiles.Kind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import reactor.test.StepVerifier;

/** Every generated bad file kind in a small ImageFolder tree, through the real decoder: failures as values. */
@Timeout(value = 60, unit = TimeUnit.SECONDS) // a hang guard, not a speed target
class ReactorLoaderBadInputTest {
  private static final int GOOD = 9;
  private static final int BAD = Kind.values().length;

  @TempDir
  static Path root;

  private final List<ReactorLoader> loaders = new ArrayList<>();
  private final RecordingRing.Factory rings = new RecordingRing.Factory();

  @BeforeAll
  static void makeDataset() throws IOException {
    Path dir = Files.createDirectories(root.resolve("only"));
    for (int i = 0; i < GOOD; i++) {
      Files.write(dir.resolve("good" + i + ".jpg"), BadImageFiles.goodJpeg(40 + 8 * i, 36 + 4 * i, i));
    }
    BadImageFiles.writeAll(dir);
  }

  @AfterEach
  void close() {
    loaders.forEach(ReactorLoader::close);
  }

  private ReactorLoader loader(int threads) {
    ReactorLoader loader = (ReactorLoader) Loader.builder()
        .source(ImageFolderSource.open(root))
        .decoder(ImageDecoders.best())
        .transforms(Presets.imagenetTrain(16))
        .batchSize(4)
        .threads(threads)
        .seed(3)
        .ring(rings, 2)
        .build();
    loaders.add(loader);
    return loader;
  }

  private static Set<String> badNames() {
    return Arrays.stream(Kind.values()).map(k -> root.resolve("only").resolve(k.fileName()).toString())
        .collect(Collectors.toSet());
  }

  @Test
  void epochSamples_everyBadKind_oneFailedValueNamingEachFileAndTheFluxCompletes() {
    ReactorLoader loader = loader(2);
    List<EpochItem> got = new ArrayList<>();
    StepVerifier.create(loader.epochSamples(0))
        .recordWith(() -> got)
        .expectNextCount(GOOD + BAD)
        .expectComplete()
        .verify(Duration.ofSeconds(30));

    List<SampleFailure> failures = got.stream().filter(r -> r instanceof Failed).map(r -> ((Failed) r).failure()).toList();
    assertThat(got).filteredOn(r -> r instanceof ProcessedSample).hasSize(GOOD);
    assertThat(failures).extracting(SampleFailure::source).containsExactlyInAnyOrderElementsOf(badNames());
    assertThat(failures).allSatisfy(f -> assertThat(f.describe()).startsWith(f.source() + ": "));
  }

  @Test
  void run_twoEpochsOneOrThreeThreads_exactCounts() {
    for (int threads : new int[] {1, 3}) {
      RunSummary summary = loader(threads).run(2, batch -> { });
      assertThat(summary.delivered()).as("threads %d", threads).isEqualTo(2L * GOOD);
      assertThat(summary.failed()).as("threads %d", threads).isEqualTo(2L * BAD);
      assertThat(summary.failures()).extracting(SampleFailure::source)
          .containsOnly(badNames().toArray(String[]::new))
          .hasSize(2 * BAD);
    }
  }
}
