package dev.stoker.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.stoker.api.ImageDecoder;
import dev.stoker.api.RunSummary;
import dev.stoker.api.SampleFailure;
import dev.stoker.dataset.ImageFolderSource;
import dev.stoker.decode.ImageDecoders;
import dev.stoker.pipeline.Loader;
import dev.stoker.testkit.BadImageFiles;
import dev.stoker.testkit.BadImageFiles.Kind;
import dev.stoker.testkit.SmallLoaders;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every kind of bad file of the corpus mixed into a good two-class ImageFolder dataset, through
 * the pipeline into the Disruptor ring for two epochs: each bad file is reported by name in every
 * epoch, every good image is delivered, nothing throws and nothing hangs.
 */
class BadInputToRingTest {
  private static final int PER_CLASS = 11;
  private static final int GOOD = 2 * PER_CLASS;
  private static final int BAD = Kind.values().length;
  private static final int TOTAL = GOOD + BAD;
  private static final int BATCH = 8; // 22 good images: the last batch of an epoch is partial
  private static final int EPOCHS = 2;
  /** A safety net against a hang, far above the second or two a run takes; not a speed target. */
  private static final Duration HANG_GUARD = Duration.ofSeconds(60);

  @TempDir
  static Path root;
  static final Map<Kind, Path> badFiles = new HashMap<>();

  @BeforeAll
  static void makeDataset() throws IOException {
    List<Path> classes = List.of(root.resolve("cats"), root.resolve("dogs"));
    for (int c = 0; c < classes.size(); c++) {
      Files.createDirectories(classes.get(c));
      for (int i = 0; i < PER_CLASS; i++) {
        byte[] jpeg = BadImageFiles.goodJpeg(64 + 9 * i, 48 + 7 * i, 100L * c + i);
        Files.write(classes.get(c).resolve(String.format("good-%02d.jpg", i)), jpeg);
      }
    }
    for (Kind kind : Kind.values()) { // bad files in both classes, among the good ones
      badFiles.put(kind, BadImageFiles.write(kind, classes.get(kind.ordinal() % 2)));
    }
  }

  private static Loader loader(ImageDecoder decoder) {
    return SmallLoaders.train(32, BATCH, 5)
        .source(ImageFolderSource.open(root))
        .decoder(decoder)
        .build();
  }

  /** Runs {@link #EPOCHS} epochs under the hang guard; the consumer notes the sample names. */
  private static RunSummary run(ImageDecoder decoder, List<String> delivered) {
    ImageFolderSource names = ImageFolderSource.open(root);
    return assertTimeoutPreemptively(HANG_GUARD, () -> {
      try (Loader loader = loader(decoder)) {
        return loader.run(EPOCHS, batch -> {
          for (int i = 0; i < batch.size(); i++) {
            delivered.add(names.sourceName(batch.sampleIndex(i)));
          }
        });
      }
    });
  }

  private static Set<Kind> kinds(boolean corruptDataOnly) {
    Set<Kind> kinds = new HashSet<>();
    for (Kind kind : Kind.values()) {
      if (kind.corruptDataOnly() == corruptDataOnly) {
        kinds.add(kind);
      }
    }
    return kinds;
  }

  /** Each failed file twice (once an epoch), each failure's line naming it. */
  private static void assertReportedByName(RunSummary summary, Set<Kind> failing) {
    List<String> failedSources = summary.failures().stream().map(SampleFailure::source).toList();
    for (Kind kind : Kind.values()) {
      String file = badFiles.get(kind).toString();
      if (failing.contains(kind)) {
        assertThat(failedSources).as(kind.fileName()).filteredOn(file::equals).hasSize(EPOCHS);
      } else {
        assertThat(failedSources).as(kind.fileName()).doesNotContain(file);
      }
    }
    for (SampleFailure failure : summary.failures()) {
      assertThat(failure.describe()).startsWith(failure.source() + ": ");
      assertThat(failure.epoch()).isBetween(0, EPOCHS - 1);
    }
    assertThat(summary.failures().stream().filter(f -> f.epoch() == 0).count()).isEqualTo(failing.size());
  }

  /** The default decoder (native where it loads) and the ImageIO fallback agree on every file. */
  @ParameterizedTest
  @ValueSource(strings = {"best", "imageio"})
  void run_strictDecoder_everyBadFileFailsByNameEveryGoodImageDelivered(String which) {
    List<String> delivered = new ArrayList<>();
    ImageDecoder decoder = which.equals("best") ? ImageDecoders.best() : ImageDecoders.imageIo();
    RunSummary summary = run(decoder, delivered);

    assertThat(summary.delivered()).isEqualTo((long) GOOD * EPOCHS);
    assertThat(summary.failed()).isEqualTo((long) BAD * EPOCHS);
    assertThat(summary.delivered() + summary.failed()).isEqualTo((long) TOTAL * EPOCHS);
    assertThat(summary.failures()).hasSize(BAD * EPOCHS);
    assertThat(summary.batches()).isEqualTo((long) EPOCHS * ((GOOD + BATCH - 1) / BATCH));
    assertReportedByName(summary, Set.of(Kind.values()));
    assertThat(delivered).hasSize(GOOD * EPOCHS).allMatch(name -> name.contains("good-"));
    assertThat(new HashSet<>(delivered)).hasSize(GOOD);
    assertThat(decoder.warnings()).isZero();
  }

  @Test
  void run_strictDefault_flippedBytesMessageSaysCorruptData() {
    ImageDecoder decoder = ImageDecoders.best();
    assumeTrue(decoder.name().equals("libjpeg-turbo"), "the native decoder words it so");
    RunSummary summary = run(decoder, new ArrayList<>());
    String flipped = badFiles.get(Kind.FLIPPED_BYTES).toString();
    assertThat(summary.failures()).filteredOn(f -> f.source().equals(flipped))
        .hasSize(EPOCHS)
        .allSatisfy(f -> assertThat(f.describe()).startsWith(flipped + ": corrupt JPEG data: "));
  }

  @Test
  void run_lenientNativeDecoder_deliversTheCorruptDataFilesAndCountsWarnings() {
    ImageDecoder decoder = ImageDecoders.best(ImageDecoders.DEFAULT_MAX_PIXELS, true);
    assumeTrue(decoder.name().equals("libjpeg-turbo"), "only the native decoder has a lenient mode");
    List<String> delivered = new ArrayList<>();
    RunSummary summary = run(decoder, delivered);

    Set<Kind> kept = kinds(true);
    assertThat(kept).containsExactlyInAnyOrder(Kind.FLIPPED_BYTES, Kind.TRUNCATED_HALF);
    assertThat(summary.delivered()).isEqualTo((long) (GOOD + kept.size()) * EPOCHS);
    assertThat(summary.failed()).isEqualTo((long) (BAD - kept.size()) * EPOCHS);
    assertThat(summary.delivered() + summary.failed()).isEqualTo((long) TOTAL * EPOCHS);
    assertReportedByName(summary, kinds(false));
    assertThat(delivered).filteredOn(badFiles.get(Kind.FLIPPED_BYTES).toString()::equals).hasSize(EPOCHS);
    // a lenient decode stops after its crop, so a crop above the damage raises no warning
    assertThat(decoder.warnings()).isPositive().isLessThanOrEqualTo((long) kept.size() * EPOCHS);
    assertThat(summary.warnings()).as("the run summary's count").isEqualTo(decoder.warnings());
  }
}
