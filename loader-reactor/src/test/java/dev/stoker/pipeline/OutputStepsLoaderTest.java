package dev.stoker.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stoker.api.RunSummary;
import dev.stoker.api.SampleFailure;
import dev.stoker.api.SampleImage;
import dev.stoker.api.SampleStep;
import dev.stoker.api.SampleStepException;
import dev.stoker.api.TransformSpec;
import dev.stoker.dataset.ImageFolderSource;
import dev.stoker.ring.BatchRings;
import dev.stoker.testkit.GradientImageFolder;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The output steps (ZoomOut, PhotometricDistort, RandAugment, TrivialAugmentWide, RandomErasing,
 * GaussianBlur and a user's step)
 * through the whole loader: same seed, same bytes, any thread count; a user's step that throws
 * fails exactly its sample, named in the failure, and the run goes on.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class OutputStepsLoaderTest {
  private static final int IMAGES = 12;

  @TempDir
  Path temp;

  /** A photometric step that adds keyed noise: a draw per sample from the sample's generator. */
  private static final SampleStep NOISE = new SampleStep() {
    @Override
    public String name() {
      return "Noise";
    }

    @Override
    public Kind kind() {
      return Kind.PHOTOMETRIC;
    }

    @Override
    public void apply(SampleImage image, SplittableRandom random) {
      MemorySegment px = image.pixels();
      for (long i = 0; i < px.byteSize(); i += 97) {
        px.set(ValueLayout.JAVA_BYTE, i, (byte) random.nextInt(256));
      }
    }
  };

  private static List<TransformSpec> recipe() {
    return List.of(new TransformSpec.PhotometricDistort(), new TransformSpec.ZoomOut(),
        new TransformSpec.Resize(24, 24), new TransformSpec.HorizontalFlip(0.5), new TransformSpec.RandAugment(2, 9),
        new TransformSpec.TrivialAugmentWide(), new TransformSpec.RandomErasing(0.5),
        new TransformSpec.GaussianBlur(3), new TransformSpec.Custom(NOISE));
  }

  /** Per (epoch, index): a SHA-256 of the sample's delivered pixels. */
  private Map<String, String> samples(Path root, int threads, long seed) {
    Map<String, String> digests = new TreeMap<>();
    try (Loader loader = Loader.builder()
        .source(ImageFolderSource.open(root))
        .transforms(recipe())
        .batchSize(4)
        .threads(threads)
        .seed(seed)
        .ring(BatchRings.direct(), 2)
        .build()) {
      loader.run(0, 2, batch -> {
        long bytes = batch.layout().sampleBytes();
        for (int p = 0; p < batch.size(); p++) {
          byte[] pixels = batch.pixels().asSlice(p * bytes, bytes).toArray(ValueLayout.JAVA_BYTE);
          digests.put(batch.epoch() + "/" + batch.sampleIndex(p), sha(pixels));
        }
      });
    }
    return digests;
  }

  private static String sha(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void run_outputStepsOneAndThreeThreads_identicalSamples() {
    Path root = GradientImageFolder.of(IMAGES).writeTo(temp);
    Map<String, String> one = samples(root, 1, 7);

    assertThat(one).hasSize(2 * IMAGES);
    assertThat(samples(root, 3, 7)).isEqualTo(one);
  }

  @Test
  void run_outputStepsAnotherSeed_everySampleDiffers() {
    // negative control: the digests see the output steps' draws, so equal digests above are not vacuous
    Path root = GradientImageFolder.of(IMAGES).writeTo(temp);
    Map<String, String> seven = samples(root, 1, 7);
    Map<String, String> eight = samples(root, 1, 8);
    for (String key : seven.keySet()) {
      assertThat(eight.get(key)).as(key).isNotEqualTo(seven.get(key));
    }
  }

  /** A step that throws on the sample whose pixels are {@code FakeSamples.value(failing)}. */
  private static SampleStep picky(int failing) {
    return new SampleStep() {
      @Override
      public String name() {
        return "Picky";
      }

      @Override
      public Kind kind() {
        return Kind.PHOTOMETRIC;
      }

      @Override
      public void apply(SampleImage image, SplittableRandom random) {
        if (image.pixels().get(ValueLayout.JAVA_BYTE, 0) == FakeSamples.value(failing)) {
          throw new IllegalStateException("does not like this one");
        }
      }
    };
  }

  private static RunSummary runFake(SampleStep step, List<Integer> delivered) {
    try (Loader loader = Loader.builder()
        .source(new FakeSamples.Source(24, Set.of(), Set.of()))
        .decoder(new FakeSamples.Decoder())
        .transforms(List.of(new TransformSpec.Resize(FakeSamples.SIZE, FakeSamples.SIZE), new TransformSpec.Custom(step)))
        .batchSize(4)
        .threads(3)
        .ring(new RecordingRing.Factory(), 2)
        .build()) {
      return loader.run(0, 2, batch -> {
        for (int p = 0; p < batch.size(); p++) {
          delivered.add(batch.sampleIndex(p));
        }
      });
    }
  }

  @Test
  void run_customStepThrowsOnOneSample_failsExactlyThatSampleNamingTheStepAndTheRunGoesOn() {
    List<Integer> delivered = new ArrayList<>();

    RunSummary summary = runFake(picky(5), delivered);

    assertThat(summary.failed()).isEqualTo(2);
    assertThat(summary.delivered()).isEqualTo(2 * 23);
    assertThat(delivered).hasSize(2 * 23).doesNotContain(5);
    assertThat(summary.failures()).hasSize(2).allSatisfy((SampleFailure f) -> {
      assertThat(f.index()).isEqualTo(5);
      assertThat(f.source()).isEqualTo("fake://5");
      assertThat(f.cause()).isInstanceOf(SampleStepException.class).hasRootCauseMessage("does not like this one");
      assertThat(((SampleStepException) f.cause()).step()).isEqualTo("Picky");
      assertThat(f.describe()).startsWith("fake://5: step 'Picky' failed").contains("does not like this one");
    });
    assertThat(summary.failures()).extracting(SampleFailure::epoch).containsExactlyInAnyOrder(0, 1);
  }

  @Test
  void run_customStepThatNeverThrows_failsNothing() {
    // negative control: the same loader with a step that matches no sample
    List<Integer> delivered = new ArrayList<>();

    RunSummary summary = runFake(picky(99), delivered);

    assertThat(summary.failed()).isZero();
    assertThat(summary.failures()).isEmpty();
    assertThat(delivered).hasSize(2 * 24);
  }
}
