package dev.stoker.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.stoker.api.Batch;
import dev.stoker.api.BatchStep;
import dev.stoker.api.BatchTransformSpec;
import dev.stoker.api.LoaderException;
import dev.stoker.api.LoaderState;
import dev.stoker.api.MixableBatch;
import dev.stoker.api.SampleSource;
import dev.stoker.dataset.ImageFolderSource;
import dev.stoker.testkit.BatchDigests;
import dev.stoker.testkit.GradientImageFolder;
import dev.stoker.testkit.SmallLoaders;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * MixUp, CutMix and user batch steps through a whole loader: each mixed batch is checked against
 * the same loader's unmixed batch (per-sample randomness is keyed by sample, so the unmixed pixels
 * are the same) and against the lambda and rectangle its generator gives.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class BatchTransformsLoaderTest {
  private static final long SEED = 17;
  private static final int CROP = 24;
  private static final int BATCH = 4;

  @TempDir
  static Path root;

  @BeforeAll
  static void writeImages() {
    GradientImageFolder.of(14).classes(3).writeTo(root);
  }

  /** One delivered batch, copied out. */
  private record Seen(int epoch, long index, int[] labels, int[] indices, byte[] pixels, float[] soft) {
    byte[] sample(int p, int bytes) {
      byte[] out = new byte[bytes];
      System.arraycopy(pixels, p * bytes, out, 0, bytes);
      return out;
    }
  }

  private static Seen copy(Batch b) {
    int[] labels = new int[b.size()];
    int[] indices = new int[b.size()];
    for (int p = 0; p < b.size(); p++) {
      labels[p] = b.label(p);
      indices[p] = b.sampleIndex(p);
    }
    return new Seen(b.epoch(), b.indexInEpoch(), labels, indices, b.pixels().toArray(ValueLayout.JAVA_BYTE),
        b.softTargets().toArray(ValueLayout.JAVA_FLOAT));
  }

  private static LoaderBuilder builder(long seed, int threads, List<BatchTransformSpec> batch) throws Exception {
    return SmallLoaders.train(CROP, BATCH, seed).threads(threads).source(ImageFolderSource.open(root))
        .batchTransforms(batch);
  }

  private static List<Seen> run(LoaderBuilder builder, int epochs) {
    List<Seen> seen = new ArrayList<>();
    try (Loader loader = builder.build()) {
      loader.run(0, epochs, b -> seen.add(copy(b)));
    }
    return seen;
  }

  /** The lambda the loader's first batch step draws for a batch, or NaN when it does not mix. */
  private static double lambda(SplittableRandom step, double alpha, double p) {
    if (step.nextDouble() >= p) {
      return Double.NaN;
    }
    return BetaSampler.beta(step, alpha, alpha);
  }

  private static SplittableRandom firstStep(Seen b) {
    return BatchSteps.batchRandom(SEED, b.epoch(), b.index()).split();
  }

  @Test
  void mixUp_uint8_pixelsAreTheRoundedMixWithThePreviousSampleAndSoftTargetsSumToOne() throws Exception {
    List<Seen> plain = run(builder(SEED, 2, List.of()), 2);
    List<Seen> mixed = run(builder(SEED, 2, List.of(new BatchTransformSpec.MixUp(1.0))), 2);
    int bytes = CROP * CROP * 3;

    assertThat(mixed).hasSameSizeAs(plain);
    for (int k = 0; k < mixed.size(); k++) {
      Seen a = plain.get(k);
      Seen m = mixed.get(k);
      double lambda = lambda(firstStep(m), 1.0, 1.0);
      int n = m.labels().length;
      assertThat(m.indices()).containsExactly(a.indices());
      assertThat(m.labels()).containsExactly(a.labels());
      for (int p = 0; p < n; p++) {
        int partner = (p + n - 1) % n;
        byte[] own = a.sample(p, bytes);
        byte[] other = a.sample(partner, bytes);
        byte[] got = m.sample(p, bytes);
        for (int i = 0; i < bytes; i++) {
          assertThat(got[i] & 0xFF).as("batch %d sample %d byte %d", k, p, i)
              .isEqualTo((int) Math.floor(lambda * (own[i] & 0xFF) + (1 - lambda) * (other[i] & 0xFF) + 0.5));
        }
        float[] row = java.util.Arrays.copyOfRange(m.soft(), p * 3, p * 3 + 3);
        float sum = 0;
        for (int c = 0; c < 3; c++) {
          double want = (c == a.labels()[p] ? lambda : 0) + (c == a.labels()[partner] ? 1 - lambda : 0);
          assertThat((double) row[c]).isCloseTo(want, within(1e-6));
          sum += row[c];
        }
        assertThat(sum).isCloseTo(1f, within(1e-6f));
      }
    }
  }

  @Test
  void mixUp_float32AfterNormalize_mixedAsFloats() {
    List<dev.stoker.api.TransformSpec> normalized = List.of(
        new dev.stoker.api.TransformSpec.Resize(FakeSamples.SIZE, FakeSamples.SIZE),
        new dev.stoker.api.TransformSpec.Normalize(List.of(0.5, 0.25, 0.0), List.of(0.5, 0.25, 1.0)));
    java.util.function.Function<List<BatchTransformSpec>, LoaderBuilder> builder = batch -> Loader.builder()
        .source(new FakeSamples.Source(10)).decoder(new FakeSamples.Decoder()).transforms(normalized)
        .batchSize(BATCH).threads(2).seed(SEED).ring(dev.stoker.ring.BatchRings.direct(), 2).batchTransforms(batch);
    List<Seen> plain = run(builder.apply(List.of()), 1);
    List<Seen> mixed = run(builder.apply(List.of(new BatchTransformSpec.MixUp(0.5))), 1);
    int floats = FakeSamples.SIZE * FakeSamples.SIZE * 3;

    assertThat(mixed).hasSameSizeAs(plain);
    for (int k = 0; k < mixed.size(); k++) {
      Seen m = mixed.get(k);
      assertThat(m.pixels().length).isEqualTo(m.labels().length * floats * Float.BYTES);
      double lambda = lambda(firstStep(m), 0.5, 1.0);
      java.nio.FloatBuffer a = java.nio.ByteBuffer.wrap(plain.get(k).pixels()).order(java.nio.ByteOrder.nativeOrder())
          .asFloatBuffer();
      java.nio.FloatBuffer got = java.nio.ByteBuffer.wrap(m.pixels()).order(java.nio.ByteOrder.nativeOrder())
          .asFloatBuffer();
      int n = m.labels().length;
      for (int p = 0; p < n; p++) {
        int partner = (p + n - 1) % n;
        for (int i = 0; i < floats; i++) {
          float want = (float) (lambda * a.get(p * floats + i) + (1 - lambda) * a.get(partner * floats + i));
          assertThat(got.get(p * floats + i)).as("batch %d sample %d value %d", k, p, i).isEqualTo(want);
        }
      }
    }
  }

  @Test
  void cutMix_pastedRectangleIsThePartnersExactlyAndSoftTargetsMatchItsArea() throws Exception {
    List<Seen> plain = run(builder(SEED, 2, List.of()), 1);
    List<Seen> mixed = run(builder(SEED, 2, List.of(new BatchTransformSpec.CutMix(1.0))), 1);
    int bytes = CROP * CROP * 3;
    int pasted = 0;

    for (int k = 0; k < mixed.size(); k++) {
      Seen a = plain.get(k);
      Seen m = mixed.get(k);
      SplittableRandom step = firstStep(m);
      double lambda = lambda(step, 1.0, 1.0);
      int[] box = CutMixStep.box(step, lambda, CROP, CROP);
      double kept = 1 - (double) (box[2] - box[0]) * (box[3] - box[1]) / (CROP * CROP);
      int n = m.labels().length;
      for (int p = 0; p < n; p++) {
        int partner = (p + n - 1) % n;
        byte[] own = a.sample(p, bytes);
        byte[] other = a.sample(partner, bytes);
        byte[] got = m.sample(p, bytes);
        for (int y = 0; y < CROP; y++) {
          for (int x = 0; x < CROP; x++) {
            boolean inside = x >= box[0] && x < box[2] && y >= box[1] && y < box[3];
            for (int c = 0; c < 3; c++) {
              int i = (y * CROP + x) * 3 + c;
              assertThat(got[i]).as("batch %d sample %d (%d, %d)", k, p, x, y).isEqualTo(inside ? other[i] : own[i]);
            }
          }
        }
        pasted += (box[2] - box[0]) * (box[3] - box[1]);
        float sum = 0;
        for (int c = 0; c < 3; c++) {
          double want = (c == a.labels()[p] ? kept : 0) + (c == a.labels()[partner] ? 1 - kept : 0);
          assertThat((double) m.soft()[p * 3 + c]).isCloseTo(want, within(1e-6));
          sum += m.soft()[p * 3 + c];
        }
        assertThat(sum).isCloseTo(1f, within(1e-6f));
      }
    }
    assertThat(pasted).as("some rectangle was pasted").isPositive();
  }

  @Test
  void mixUp_sameSeed_sameBytesAtOneAndTwoThreads_otherSeedDiffers() throws Exception {
    List<BatchTransformSpec> both = List.of(new BatchTransformSpec.CutMix(1.0, 0.5), new BatchTransformSpec.MixUp(0.4));
    List<String> one;
    List<String> two;
    List<String> other;
    try (Loader loader = builder(SEED, 1, both).build()) {
      one = BatchDigests.run(loader, 0, 2).digests();
    }
    try (Loader loader = builder(SEED, 2, both).build()) {
      two = BatchDigests.run(loader, 0, 2).digests();
    }
    try (Loader loader = builder(SEED + 1, 2, both).build()) {
      other = BatchDigests.run(loader, 0, 2).digests();
    }
    assertThat(two).isEqualTo(one);
    assertThat(other).hasSameSizeAs(one).isNotEqualTo(one);
  }

  @Test
  void mixUp_resumedMidEpoch_reproducesTheRestOfTheMixedBatches() throws Exception {
    List<BatchTransformSpec> mix = List.of(new BatchTransformSpec.MixUp(1.0), new BatchTransformSpec.CutMix(1.0));
    List<String> whole = new ArrayList<>();
    LoaderState[] afterFirst = new LoaderState[1];
    try (Loader loader = builder(SEED, 2, mix).build()) {
      loader.run(0, 1, b -> {
        whole.add(BatchDigests.of(b));
        if (b.indexInEpoch() == 0) {
          afterFirst[0] = loader.state();
        }
      });
    }
    List<String> resumed = new ArrayList<>();
    try (Loader loader = builder(SEED, 2, mix).build()) {
      loader.run(afterFirst[0], 1, b -> resumed.add(BatchDigests.of(b)));
    }
    assertThat(afterFirst[0].batch()).isEqualTo(1);
    assertThat(resumed).isEqualTo(whole.subList(1, whole.size()));
  }

  @Test
  void noBatchTransforms_singleLabel_layoutHasNoSoftTargetsAndSegmentIsEmpty() throws Exception {
    List<Long> sizes = new ArrayList<>();
    try (Loader loader = builder(SEED, 2, List.of()).build()) {
      assertThat(loader.layout().hasSoftTargets()).isFalse();
      loader.run(0, 1, b -> sizes.add(b.softTargets().byteSize()));
    }
    assertThat(sizes).isNotEmpty().containsOnly(0L);
  }

  @Test
  void customStep_throws_failsTheRunNamingTheStepAndBatch() throws Exception {
    BatchStep broken = new BatchStep() {
      @Override
      public String name() {
        return "Exploder";
      }

      @Override
      public void apply(MixableBatch batch, SplittableRandom random) {
        if (batch.indexInEpoch() == 1) {
          throw new IllegalStateException("boom");
        }
      }
    };
    List<Long> delivered = new ArrayList<>();
    try (Loader loader = builder(SEED, 2, List.of(new BatchTransformSpec.Custom(broken))).build()) {
      assertThatThrownBy(() -> loader.run(0, 1, b -> delivered.add(b.indexInEpoch())))
          .isInstanceOf(LoaderException.class)
          .hasMessageContaining("batch step Exploder failed on batch 1 of epoch 0")
          .hasMessageContaining("boom");
    }
    assertThat(delivered).containsExactly(0L);
  }

  @Test
  void customStep_writesSoftTargetsAndPixels_consumerSeesThem() throws Exception {
    BatchStep smooth = new BatchStep() {
      @Override
      public String name() {
        return "Smooth";
      }

      @Override
      public void apply(MixableBatch batch, SplittableRandom random) {
        for (int p = 0; p < batch.size(); p++) {
          batch.softTargetMemory(p).setAtIndex(ValueLayout.JAVA_FLOAT, 2, 0.5f);
          batch.sampleMemory(p).set(ValueLayout.JAVA_BYTE, 0, (byte) 42);
        }
      }
    };
    List<Seen> seen = run(builder(SEED, 2, List.of(new BatchTransformSpec.Custom(smooth))), 1);
    for (Seen b : seen) {
      for (int p = 0; p < b.labels().length; p++) {
        assertThat(b.soft()[p * 3 + 2]).isEqualTo(b.labels()[p] == 2 ? 0.5f : 0.5f);
        assertThat(b.soft()[p * 3 + b.labels()[p]]).isEqualTo(b.labels()[p] == 2 ? 0.5f : 1f);
        assertThat(b.pixels()[p * CROP * CROP * 3]).isEqualTo((byte) 42);
      }
    }
  }

  @Test
  void batchTransforms_sourceWithBoxes_refusedNamingTheOption() {
    LoaderBuilder b = SmallLoaders.train(CROP, BATCH, SEED).source(new FakeSamples.BoxSource(8))
        .decoder(new FakeSamples.Decoder()).batchTransforms(List.of(new BatchTransformSpec.MixUp(1.0)));
    assertThatThrownBy(b::build).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("batchTransforms").hasMessageContaining("boxes");
  }

  @Test
  void specs_badParameters_refusedNamingThem() {
    assertThatThrownBy(() -> new BatchTransformSpec.MixUp(0)).hasMessageContaining("alpha");
    assertThatThrownBy(() -> new BatchTransformSpec.CutMix(1, 1.5)).hasMessageContaining("p");
    assertThatThrownBy(() -> new BatchTransformSpec.Custom(null)).hasMessageContaining("step");
  }

  /** FakeSamples with labels {i % 3} and, for odd i, also (i + 1) % 3. */
  static final class MultiLabel implements SampleSource {
    private final SampleSource inner;

    MultiLabel(SampleSource inner) {
      this.inner = inner;
    }

    @Override
    public String description() {
      return "multi-label " + inner.description();
    }

    @Override
    public int size() {
      return inner.size();
    }

    @Override
    public String sourceName(int index) {
      return inner.sourceName(index);
    }

    @Override
    public int label(int index) {
      return inner.label(index);
    }

    @Override
    public java.util.List<String> classes() {
      return inner.classes();
    }

    @Override
    public java.nio.ByteBuffer read(int index) throws java.io.IOException {
      return inner.read(index);
    }

    @Override
    public int maxLabelCount() {
      return 2;
    }

    @Override
    public int labelCount(int index) {
      return index % 2 == 1 ? 2 : 1;
    }

    @Override
    public int copyLabels(int index, int[] labels) {
      labels[0] = label(index);
      if (index % 2 == 1) {
        labels[1] = (index + 1) % 3;
        return 2;
      }
      return 1;
    }
  }

  @Test
  void multiLabelSource_softTargetsAreMultiHot_withoutBatchTransforms() {
    List<Seen> seen = run(Loader.builder().source(new MultiLabel(new FakeSamples.Source(7)))
        .decoder(new FakeSamples.Decoder()).transforms(List.of(new dev.stoker.api.TransformSpec.Resize(4, 4)))
        .batchSize(3).threads(2).seed(SEED).ring(dev.stoker.ring.BatchRings.direct(), 2), 1);
    int samples = 0;
    for (Seen b : seen) {
      for (int p = 0; p < b.labels().length; p++) {
        int i = b.indices()[p];
        float[] want = new float[3];
        want[i % 3] = 1;
        if (i % 2 == 1) {
          want[(i + 1) % 3] = 1;
        }
        assertThat(java.util.Arrays.copyOfRange(b.soft(), p * 3, p * 3 + 3)).as("sample %d", i).containsExactly(want);
        samples++;
      }
    }
    assertThat(samples).isEqualTo(7);
  }
}
