package dev.stoker.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoker.api.MemoryLimitException;
import dev.stoker.api.TransformSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A loader with a {@link LoaderBuilder#memoryBudget}: inside it, the user's values kept, the same batches. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AutotuneLoaderTest {
  private static final long SEED = 11;
  private final List<Loader> loaders = new ArrayList<>();

  @AfterEach
  void close() {
    loaders.forEach(Loader::close);
  }

  private static LoaderBuilder builder(int size) {
    return Loader.builder()
        .source(new FakeSamples.Source(size))
        .decoder(new FakeSamples.Decoder())
        // the jitter makes each sample's pixels depend on its (seed, epoch, index) randomness
        .transforms(List.of(new TransformSpec.Resize(FakeSamples.SIZE, FakeSamples.SIZE),
            new TransformSpec.ColorJitter(0.5, 0.5, 0.5, 0.0)))
        .batchSize(8)
        .seed(SEED)
        .maxScratchBytes(1 << 20)
        .ring(new RecordingRing.Factory());
  }

  private Loader build(LoaderBuilder builder) {
    Loader loader = builder.build();
    loaders.add(loader);
    return loader;
  }

  /** Every batch of {@code epochs} epochs: epoch, number, indices and a checksum of the pixels. */
  private static List<String> batches(Loader loader, int epochs) {
    List<String> seen = new ArrayList<>();
    loader.run(epochs, batch -> {
      RecordingRing.Seen s = RecordingRing.Seen.of(batch);
      CRC32C crc = new CRC32C();
      crc.update(s.pixels(), 0, (int) (s.size() * batch.layout().sampleBytes()));
      seen.add(s.epoch() + "/" + s.indexInEpoch() + " " + Arrays.toString(s.sampleIndices()) + " "
          + Arrays.toString(s.labels()) + " " + crc.getValue());
    });
    return seen;
  }

  @Test
  void run_autotunedAndParked_deliversTheSameBatchesAsUntuned() {
    List<String> untuned = batches(build(builder(60).threads(1).inFlight(1).ring(new RecordingRing.Factory(), 1)), 2);
    ReactorLoader tuned = (ReactorLoader) build(builder(60).threads(4).memoryBudget(1L << 30));
    List<String> first = batches(tuned, 2);
    // parked mid-way through nothing: park 3 of the 4 workers now, and the next run delivers the same too
    tuned.calibrated(new Autotune.Decision(1, "parked by the test"));
    assertThat(tuned.tuning().activeThreads()).isEqualTo(1);
    List<String> parked = batches(tuned, 2);
    assertThat(untuned).hasSize(16);
    assertThat(first).isEqualTo(untuned);
    assertThat(parked).isEqualTo(untuned);
  }

  @Test
  void run_negativeControl_anotherSeedDeliversOtherBatches() {
    List<String> one = batches(build(builder(40).memoryBudget(1L << 30)), 1);
    List<String> other = batches(build(builder(40).seed(SEED + 1).memoryBudget(1L << 30)), 1);
    assertThat(other).isNotEqualTo(one);
  }

  @Test
  void build_budget_choosesInsideItAndCountsWhatTheLoaderHolds() {
    ReactorLoader loader = (ReactorLoader) build(builder(60).memoryBudget(1L << 30));
    Tuning t = loader.tuning();
    assertThat(t.autotuned()).isTrue();
    assertThat(t.budgetBytes()).isEqualTo(1L << 30);
    assertThat(t.totalBytes()).isLessThanOrEqualTo(1L << 30);
    assertThat(t.threads()).isEqualTo(Runtime.getRuntime().availableProcessors());
    assertThat(t.ringSlots()).isEqualTo(4);
    assertThat(t.inFlight()).isEqualTo(4 * t.threads());
    assertThat(loader.offHeapBudget()).isEqualTo(t.ringBytes() + t.sampleBufferBytes());
    assertThat(t.workerBytes()).isEqualTo(t.threads() * ((1L << 20) + Autotune.KEPT_READ_BYTES));
    batches(loader, 1);
    assertThat(loader.offHeapBytes()).isLessThanOrEqualTo(loader.offHeapBudget());
  }

  @Test
  void build_tightBudget_shrinksRingAndInFlightAndStaysInside() {
    Tuning roomy = build(builder(60).threads(2).memoryBudget(1L << 30)).tuning();
    long tight = roomy.totalBytes() - roomy.ringBytes() / 2;   // two of the four slots taken away
    Tuning t = build(builder(60).threads(2).memoryBudget(tight)).tuning();
    assertThat(t.threads()).isEqualTo(2);
    assertThat(t.ringSlots()).isLessThan(4);
    assertThat(t.totalBytes()).isLessThanOrEqualTo(tight);
    assertThat(t.reason()).contains("threads as given", "memory-bound");
  }

  @Test
  void build_userSetThreadsInFlightAndSlots_keptAndNeverParked() {
    Loader loader = build(builder(60).threads(3).inFlight(5).ring(new RecordingRing.Factory(), 2)
        .memoryBudget(1L << 30));
    batches(loader, 2);
    Tuning t = loader.tuning();
    assertThat(t).extracting(Tuning::threads, Tuning::activeThreads, Tuning::inFlight, Tuning::ringSlots)
        .containsExactly(3, 3, 5, 2);
  }

  @Test
  void build_budgetTooSmall_refusedNamingMemoryBudgetAndTheMinimum() {
    assertThatThrownBy(() -> build(builder(60).memoryBudget(1 << 20)))
        .isInstanceOf(MemoryLimitException.class)
        .hasMessageStartingWith("memoryBudget: 1,048,576 bytes cannot hold the smallest setting")
        .hasMessageContaining("raise memoryBudget to at least");
  }

  @Test
  void build_noBudget_settingsAsGiven() {
    Tuning t = build(builder(60).threads(2).ring(new RecordingRing.Factory(), 8)).tuning();
    assertThat(t).extracting(Tuning::autotuned, Tuning::threads, Tuning::inFlight, Tuning::ringSlots)
        .containsExactly(false, 2, 8, 8);
  }
}
