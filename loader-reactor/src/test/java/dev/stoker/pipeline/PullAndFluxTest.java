package dev.stoker.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoker.api.FailurePolicy;
import dev.stoker.api.LoaderException;
import dev.stoker.api.TransformSpec;
import dev.stoker.testkit.BatchDigests;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The pull API ({@link Loader#batches}) and the Flux ({@link Loader#flux}) over the callback run. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PullAndFluxTest {
  private static final long SEED = 42;

  private final List<ReactorLoader> loaders = new ArrayList<>();
  private final RecordingRing.Factory rings = new RecordingRing.Factory();

  @AfterEach
  void close() {
    loaders.forEach(ReactorLoader::close);
  }

  private ReactorLoader loader(FakeSamples.Source source, int threads, long seed, FailurePolicy policy) {
    ReactorLoader loader = (ReactorLoader) Loader.builder()
        .source(source)
        .decoder(new FakeSamples.Decoder())
        .transforms(List.of(new TransformSpec.Resize(FakeSamples.SIZE, FakeSamples.SIZE)))
        .batchSize(4)
        .threads(threads)
        .inFlight(4)
        .seed(seed)
        .shuffle(true)
        .failurePolicy(policy)
        .ring(rings, 2)
        .build();
    loaders.add(loader);
    return loader;
  }

  private ReactorLoader loader(FakeSamples.Source source, int threads) {
    return loader(source, threads, SEED, FailurePolicy.skip());
  }

  /** Waits until the source's reads stop growing, then says whether they stay put for a while. */
  private static boolean readsStopped(FakeSamples.Source source) throws InterruptedException {
    int before = -1;
    for (int i = 0; i < 50 && before != source.reads.get(); i++) {
      before = source.reads.get();
      Thread.sleep(100);
    }
    Thread.sleep(300);
    return before == source.reads.get();
  }

  // ---- the pull API ----

  @Test
  void batches_sameSeed_deliverTheCallbackRunsBatchesByteForByte() {
    List<String> callback = BatchDigests.run(loader(new FakeSamples.Source(38), 1), 0, 2).digests();
    List<String> pulled = new ArrayList<>();
    try (BatchStream batches = loader(new FakeSamples.Source(38), 3).batches(2)) {
      for (HeldBatch batch : batches) {
        pulled.add(BatchDigests.of(batch));
      }
      assertThat(batches.summary()).hasValueSatisfying(s -> assertThat(s.batches()).isEqualTo(20));
    }
    // Negative control: another seed makes other batches, so equal digests are not a matter of course.
    List<String> otherSeed = BatchDigests.run(loader(new FakeSamples.Source(38), 1, SEED + 1, FailurePolicy.skip()), 0, 2)
        .digests();

    assertThat(pulled).hasSize(20).containsExactlyElementsOf(callback);
    assertThat(otherSeed).hasSize(20).isNotEqualTo(callback);
  }

  @Test
  void batches_useAfterRelease_throwsNamingTheBatchAndItsSegmentsAreClosed() {
    try (BatchStream batches = loader(new FakeSamples.Source(16), 2).batches(1)) {
      HeldBatch batch = batches.iterator().next();
      MemorySegment pixels = batch.pixels();
      // Negative control: while held, the batch and its segment read fine.
      assertThat(batch.size()).isEqualTo(4);
      byte first = pixels.get(ValueLayout.JAVA_BYTE, 0);
      assertThat(first).isEqualTo(FakeSamples.value(batch.sampleIndex(0)));

      batch.release();

      assertThat(batch.released()).isTrue();
      assertThatThrownBy(() -> batch.label(0))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("batch 0 of epoch 0 was released");
      assertThatThrownBy(batch::pixels).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("batch 0 of epoch 0");
      assertThatThrownBy(() -> pixels.get(ValueLayout.JAVA_BYTE, 0)).isInstanceOf(IllegalStateException.class);
    }
  }

  @Test
  void batches_takingTheNext_releasesThePrevious() {
    try (BatchStream batches = loader(new FakeSamples.Source(16), 2).batches(1)) {
      Iterator<HeldBatch> it = batches.iterator();
      HeldBatch first = it.next();
      assertThat(first.released()).isFalse();

      HeldBatch second = it.next();

      assertThat(first.released()).isTrue();
      assertThatThrownBy(first::size).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("batch 0 of epoch 0");
      assertThat(second.released()).isFalse();
      assertThat(second.indexInEpoch()).isEqualTo(1);
    }
  }

  @Test
  void batches_closeMidEpoch_stopsTheWorkersReleasesTheBatchAndTheLoaderFreesItsMemory() throws Exception {
    FakeSamples.Source source = new FakeSamples.Source(400);
    ReactorLoader loader = loader(source, 2);
    BatchStream batches = loader.batches(1);
    Iterator<HeldBatch> it = batches.iterator();
    it.next();
    HeldBatch held = it.next();
    // Negative control: an open stream keeps the run going.
    assertThat(it.hasNext()).isTrue();
    HeldBatch third = it.next();

    batches.close();

    assertThat(third.released()).isTrue();
    assertThat(held.released()).isTrue();
    assertThat(readsStopped(source)).as("reads stop after the close").isTrue();
    assertThat(source.reads.get()).isLessThan(400);
    assertThatThrownBy(it::hasNext).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    assertThatThrownBy(() -> loader.run(1, batch -> { })).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("earlier run");
    loader.close();
    assertThat(loader.sampleMemoryFreed()).isTrue();
    assertThat(rings.ring.failedClaims()).isZero();
  }

  @Test
  void batches_iteratedTwice_isRefused() {
    try (BatchStream batches = loader(new FakeSamples.Source(8), 1).batches(1)) {
      batches.iterator();

      assertThatThrownBy(batches::iterator).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("iterated already");
    }
  }

  @Test
  void batches_failFast_throwsFromTheIteratorNamingTheFailingSample() {
    ReactorLoader loader = loader(new FakeSamples.Source(40, Set.of(13), Set.of()), 2, SEED, FailurePolicy.failFast());
    try (BatchStream batches = loader.batches(1)) {
      assertThatThrownBy(() -> {
        for (HeldBatch batch : batches) {
          assertThat(batch.size()).isPositive();
        }
      }).isInstanceOf(LoaderException.class).hasMessageContaining("fake://13");
      assertThat(batches.summary()).isEmpty();
    }
  }

  @Test
  void batches_badArguments_areRefusedNamingTheParameter() {
    ReactorLoader loader = loader(new FakeSamples.Source(8), 1);

    assertThatThrownBy(() -> loader.batches(0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("epochs");
    assertThatThrownBy(() -> loader.flux(null, 1)).isInstanceOf(NullPointerException.class)
        .hasMessageContaining("from");
  }

  // ---- the Flux: see FluxInFlightTest ----
}
