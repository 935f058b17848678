package dev.stoker.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stoker.api.BatchLayout;
import dev.stoker.api.ElementType;
import dev.stoker.api.RunSummary;
import dev.stoker.api.TransformSpec;
import dev.stoker.image.SampleProcessor;
import dev.stoker.image.TransformPlan;
import dev.stoker.pipeline.SampleResult.Failed;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.test.StepVerifier;

/**
 * Boxes of a detection source through the whole loader into a test ring. The box-aware call is
 * replaced by one whose geometry is the identity (the plan resizes the fake images to their own
 * size), so these tests do not depend on the image package's box transforms.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ReactorLoaderBoxesTest {
  private static final long SEED = 9;
  private static final List<TransformSpec> IDENTITY =
      List.of(new TransformSpec.Resize(FakeSamples.SIZE, FakeSamples.SIZE));

  private final List<ReactorLoader> loaders = new ArrayList<>();
  private final RecordingRing.Factory rings = new RecordingRing.Factory();
  private final SampleProcessor pixels = new SampleProcessor(new FakeSamples.Decoder(), TransformPlan.compile(IDENTITY));

  @AfterEach
  void close() {
    loaders.forEach(ReactorLoader::close);
  }

  /** The identity geometry: pixels as the plain call makes them, every box kept as it came. */
  private BoxedProcess identity() {
    return (encoded, source, random, out, boxesIn, count, boxesOut, keptOut, sound) -> {
      pixels.process(encoded, source, random, out);
      System.arraycopy(boxesIn, 0, boxesOut, 0, 4 * count);
      for (int k = 0; k < count; k++) {
        keptOut[k] = k;
      }
      return count;
    };
  }

  private LoaderBuilder builder(int size, BoxedProcess boxed) {
    LoaderBuilder b = Loader.builder()
        .source(new FakeSamples.BoxSource(size))
        .decoder(new FakeSamples.Decoder())
        .transforms(IDENTITY)
        .batchSize(4)
        .threads(2)
        .inFlight(4)
        .seed(SEED)
        .ring(rings, 2);
    b.boxedProcess = boxed;
    return b;
  }

  private ReactorLoader build(LoaderBuilder b) {
    ReactorLoader loader = (ReactorLoader) b.build();
    loaders.add(loader);
    return loader;
  }

  @Test
  void build_detectionSource_layoutHasTheSourcesMaxBoxCountByDefault() {
    ReactorLoader loader = build(builder(8, identity()));

    assertThat(loader.layout()).isEqualTo(new BatchLayout(4, FakeSamples.SIZE, FakeSamples.SIZE, 3, ElementType.UINT8, 3));
  }

  @Test
  void build_maxBoxesSet_overridesTheDefault() {
    assertThat(build(builder(8, identity()).maxBoxes(7)).layout().maxBoxes()).isEqualTo(7);
    assertThat(build(builder(8, identity()).maxBoxes(0)).layout().hasBoxes()).isFalse();
  }

  @Test
  void run_identityGeometry_deliversEverySamplesBoxesAndLabelsAtItsPosition() {
    int size = 13;
    ReactorLoader loader = build(builder(size, identity()));
    List<RecordingRing.Seen> seen = new ArrayList<>();

    RunSummary summary = loader.run(0, 2, batch -> seen.add(RecordingRing.Seen.of(batch)));

    long expectedBoxes = 0;
    for (int i = 0; i < size; i++) {
      expectedBoxes += FakeSamples.BoxSource.boxesOf(i);
    }
    assertThat(RecordingRing.indicesOf(seen)).hasSize(2 * size);
    for (RecordingRing.Seen batch : seen) {
      for (int p = 0; p < batch.size(); p++) {
        int index = batch.sampleIndices()[p];
        int n = FakeSamples.BoxSource.boxesOf(index);
        assertThat(batch.boxCounts()[p]).as("boxes of %d", index).isEqualTo(n);
        for (int k = 0; k < n; k++) {
          assertThat(Arrays.copyOfRange(batch.boxesOf(p, 3), 4 * k, 4 * k + 4))
              .containsExactly(FakeSamples.BoxSource.box(index, k));
          assertThat(batch.boxLabelsOf(p, 3)[k]).isEqualTo((index + k) % 3);
        }
        assertThat(batch.labels()[p]).isEqualTo(n == 0 ? -1 : index % 3);
        assertThat(batch.sample(p, loader.layout().sampleBytes())).containsOnly(FakeSamples.value(index));
      }
    }
    assertThat(summary.boxes()).isEqualTo(2 * expectedBoxes);
    assertThat(summary.truncatedBoxes()).isZero();
  }

  @Test
  void run_maxBoxesBelowTheSourcesMax_keepsTheFirstBoxesAndCountsTheRest() {
    int size = 12;
    ReactorLoader loader = build(builder(size, identity()).maxBoxes(1));
    List<RecordingRing.Seen> seen = new ArrayList<>();

    RunSummary summary = loader.run(0, 1, batch -> seen.add(RecordingRing.Seen.of(batch)));

    // samples i % 4 == 2 carry 2 boxes and i % 4 == 3 carry 3: one box kept of each
    assertThat(summary.boxes()).isEqualTo(9);
    assertThat(summary.truncatedBoxes()).isEqualTo(3 * (1 + 2));
    for (RecordingRing.Seen batch : seen) {
      for (int p = 0; p < batch.size(); p++) {
        int index = batch.sampleIndices()[p];
        assertThat(batch.boxCounts()[p]).isEqualTo(Math.min(1, FakeSamples.BoxSource.boxesOf(index)));
        if (batch.boxCounts()[p] == 1) {
          assertThat(batch.boxesOf(p, 1)).containsExactly(FakeSamples.BoxSource.box(index, 0));
        }
      }
    }
  }

  @Test
  void epochSamples_transformsDropAndReorderBoxes_labelsFollowTheKeptIndices() {
    // keeps input boxes in reverse order, without box 0
    BoxedProcess reverse = (encoded, source, random, out, boxesIn, count, boxesOut, keptOut, sound) -> {
      pixels.process(encoded, source, random, out);
      int kept = 0;
      for (int k = count - 1; k >= 1; k--) {
        System.arraycopy(boxesIn, 4 * k, boxesOut, 4 * kept, 4);
        keptOut[kept++] = k;
      }
      return kept;
    };
    ReactorLoader loader = build(builder(8, reverse));
    List<EpochItem> got = new ArrayList<>();

    StepVerifier.create(loader.epochSamples(0))
        .recordWith(() -> got)
        .expectNextCount(8)
        .expectComplete()
        .verify(Duration.ofSeconds(10));

    for (EpochItem r : got) {
      ProcessedSample p = (ProcessedSample) r;
      int n = FakeSamples.BoxSource.boxesOf(p.index());
      assertThat(p.boxCount()).isEqualTo(Math.max(0, n - 1));
      for (int k = 0; k < p.boxCount(); k++) {
        int from = n - 1 - k;
        assertThat(p.boxLabels()[k]).isEqualTo((p.index() + from) % 3);
        assertThat(Arrays.copyOfRange(p.boxes(), 4 * k, 4 * k + 4)).containsExactly(FakeSamples.BoxSource.box(p.index(), from));
      }
    }
  }

  @Test
  void epochSamples_boxedCallFails_becomesAFailedValueAndTheBufferGoesBack() {
    BoxedProcess failing = (encoded, source, random, out, boxesIn, count, boxesOut, keptOut, sound) -> {
      throw new UnsupportedOperationException("no boxes here");
    };
    ReactorLoader loader = build(builder(6, failing));

    StepVerifier.create(loader.epochSamples(0))
        .expectNextCount(6)
        .expectComplete()
        .verify(Duration.ofSeconds(10));
    RunSummary summary = loader.run(0, 1, batch -> { });

    assertThat(summary.failed()).isEqualTo(6);
    assertThat(summary.failures()).allSatisfy(f -> assertThat(f.cause()).hasMessage("no boxes here"));
    assertThat(loader.pooledBuffers()).isLessThanOrEqualTo(4 + 2);
  }

  @Test
  void epochSamples_keptIndexOutOfRange_becomesAFailedValueNamingTheSample() {
    BoxedProcess broken = (encoded, source, random, out, boxesIn, count, boxesOut, keptOut, sound) -> {
      keptOut[0] = count;
      return count == 0 ? 0 : 1;
    };
    ReactorLoader loader = build(builder(4, broken));
    List<EpochItem> got = new ArrayList<>();

    StepVerifier.create(loader.epochSamples(0)).recordWith(() -> got).expectNextCount(4).verifyComplete();

    assertThat(got.stream().filter(Failed.class::isInstance).map(r -> ((Failed) r).failure().describe()))
        .hasSize(3)
        .allSatisfy(d -> assertThat(d).startsWith("fake://").contains("names input box"));
  }

  @Test
  void run_sourceWithoutBoxes_neverCallsTheBoxedProcess() {
    AtomicInteger calls = new AtomicInteger();
    LoaderBuilder b = builder(5, (encoded, source, random, out, boxesIn, count, boxesOut, keptOut, sound) -> {
      calls.incrementAndGet();
      return 0;
    }).source(new FakeSamples.Source(5));
    ReactorLoader loader = build(b);

    RunSummary summary = loader.run(0, 1, batch -> { });

    assertThat(calls).hasValue(0);
    assertThat(summary.delivered()).isEqualTo(5);
    assertThat(summary.boxes()).isZero();
    assertThat(loader.layout().hasBoxes()).isFalse();
  }
}
