package dev.stoker.pipeline;

import dev.stoker.api.BatchConsumer;
import dev.stoker.api.BatchLayout;
import dev.stoker.api.LoaderState;
import dev.stoker.api.Progress;
import dev.stoker.api.RunSummary;
import dev.stoker.api.StageReport;
import dev.stoker.api.internal.Checks;
import io.micrometer.core.instrument.MeterRegistry;
import reactor.core.publisher.Flux;

/**
 * A data loader: streams a dataset's samples, decoded and augmented in parallel, into a ring of
 * batch slots, and hands each batch to a consumer on the calling thread.
 *
 * <pre>{@code
 * try (Loader loader = Loader.builder()
 *     .source(ImageFolderSource.open(Path.of("data/train")))
 *     .transforms(Presets.imagenetTrain(224))
 *     .batchSize(256)
 *     .threads(4)
 *     .ring(BatchRings.direct(), 4)
 *     .build()) {
 *   RunSummary summary = loader.run(10, batch -> trainStep(batch));
 * }
 * }</pre>
 *
 * <p>Runs are sequential: one at a time, each on the thread that calls {@link #run}.
 *
 * <p>Each epoch visits this rank's share (see {@link LoaderBuilder#shard}) of a permutation of the
 * whole dataset keyed by (seed, epoch), and every random choice for a sample is keyed by (seed,
 * epoch, sample index), so the batches depend on the settings alone, never on thread timing.
 * A source that {@linkplain dev.stoker.api.EpochSampledSource#keepsOrder keeps its order} (a pack
 * read shard by shard) is delivered in its own drawn order, each rank one contiguous run of it.
 * {@link #state()} says where the loader stands; a new loader with the same settings continues from
 * it with {@link #run(LoaderState, int, BatchConsumer)}, byte for byte.
 */
public interface Loader extends AutoCloseable {

  /**
   * Starts building a loader.
   *
   * @return a new builder with the defaults
   */
  static LoaderBuilder builder() {
    return new LoaderBuilder();
  }

  /**
   * The shape of every batch.
   *
   * @return the layout of every batch this loader delivers
   */
  BatchLayout layout();

  /**
   * The name of the decoder in use.
   *
   * @return the decoder's {@link dev.stoker.api.ImageDecoder#name()}
   */
  String decoderName();

  /**
   * A description of the source.
   *
   * @return the source's (or supplier's) one-line description
   */
  String sourceDescription();

  /**
   * Runs {@code epochs} epochs starting at {@code firstEpoch}; the calling thread becomes the
   * consumer and receives every batch in order. Returns when the last batch was consumed.
   *
   * @param firstEpoch the first epoch to run, 0 or more
   * @param epochs the number of epochs to run, 0 or more
   * @param consumer receives every batch, on the calling thread, not null
   * @return what the run did
   * @throws dev.stoker.api.LoaderException if the consumer throws or the pipeline fails; failed
   *     samples do not throw, they are counted in the summary
   * @throws IllegalStateException if another run is in progress or the loader is closed
   */
  RunSummary run(int firstEpoch, int epochs, BatchConsumer consumer);

  /**
   * Runs epochs {@code 0..epochs-1}; see {@link #run(int, int, BatchConsumer)}.
   *
   * @param epochs the number of epochs to run, 0 or more
   * @param consumer receives every batch, on the calling thread, not null
   * @return what the run did
   */
  default RunSummary run(int epochs, BatchConsumer consumer) {
    return run(0, epochs, consumer);
  }

  /**
   * Continues from a saved {@link #state()}: the rest of {@code from.epoch()} from its position,
   * then the following epochs, {@code epochs} in all (the partial first one counts). Batches are
   * numbered on from the saved batch.
   *
   * @param from a state saved from a loader with the same dataset and settings, not null
   * @param epochs the number of epochs to run, the partial first one included
   * @param consumer receives every batch, on the calling thread, not null
   * @return what the run did
   * @throws IllegalArgumentException if the state was saved with other settings (it names the field)
   * @see #run(int, int, BatchConsumer)
   */
  RunSummary run(LoaderState from, int epochs, BatchConsumer consumer);

  /**
   * Runs epochs {@code 0..epochs-1} for the caller to pull: see {@link BatchStream}. Each batch
   * stays valid until the next is asked for or it is released; closing the stream early stops the
   * run (the loader then refuses further runs).
   *
   * <pre>{@code
   * try (BatchStream batches = loader.batches(10)) {
   *   for (HeldBatch batch : batches) {
   *     trainStep(batch.pixels(), batch.size());
   *   }
   * }
   * }</pre>
   *
   * @param epochs the number of epochs to run, positive
   * @return the stream, already running; the caller closes it
   */
  default BatchStream batches(int epochs) {
    return batches(0, epochs);
  }

  /**
   * Runs {@code epochs} epochs from {@code firstEpoch} for the caller to pull; see
   * {@link #batches(int)}.
   *
   * @param firstEpoch the first epoch to run, 0 or more
   * @param epochs the number of epochs to run, positive
   * @return the stream, already running; the caller closes it
   */
  default BatchStream batches(int firstEpoch, int epochs) {
    Checks.notNegative(firstEpoch, "firstEpoch");
    Checks.positive(epochs, "epochs");
    return PulledBatches.start(consumer -> run(firstEpoch, epochs, consumer));
  }

  /**
   * Continues from a saved state for the caller to pull; see {@link #batches(int)} and
   * {@link #run(LoaderState, int, BatchConsumer)}.
   *
   * @param from a state saved from a loader with the same dataset and settings, not null
   * @param epochs the number of epochs to run, the partial first one included, positive
   * @return the stream, already running; the caller closes it
   */
  default BatchStream batches(LoaderState from, int epochs) {
    Checks.notNull(from, "from");
    Checks.positive(epochs, "epochs");
    return PulledBatches.start(consumer -> run(from, epochs, consumer));
  }

  /**
   * Epochs {@code 0..epochs-1} as a {@link Flux} for Reactor. The run starts on subscription, on a
   * thread of its own ({@code stoker-flux}), which delivers the batches: exactly one per unit
   * requested, never ahead of demand, and {@code request} itself never blocks.
   *
   * <p>Each batch stays valid until the subscriber {@link HeldBatch#release() releases} it (or
   * cancels): {@code request(n)} lets up to {@code n} batches be held at once, e.g. by an
   * asynchronous stage ({@code publishOn}, a device copy) or a batch kept for a second look. The
   * ring bounds them: a subscriber that holds every slot of the ring (see
   * {@link LoaderBuilder#ring}) gets its next batch only once it releases one, so however much is
   * requested the ring is never overrun. Slots come back in delivery order, so a batch released
   * early frees its slot once the older ones are released too. <b>Release every batch</b>: one never
   * released holds its slot for good, and the Flux ends ({@code onComplete}, or {@code onError} for
   * a run that failed) only once every batch it delivered was released. (With a custom
   * {@link dev.stoker.api.BatchRing} that cannot defer a release, at most one batch is held: the
   * next comes once it is released.)
   *
   * <p>Cancel releases every batch held, stops the run and gives every slot back (the loader then
   * refuses further runs; close it to free its ring). A run that fails ends in {@code onError} with
   * the {@link dev.stoker.api.LoaderException} (naming the failed sample for a fail-fast policy),
   * after the batches published before the failure, each delivered on demand as usual.
   *
   * <pre>{@code
   * loader.flux(10)
   *     .doOnNext(batch -> {
   *       try (batch) {
   *         trainStep(batch.pixels(), batch.size());
   *       }
   *     })
   *     .blockLast();
   * }</pre>
   *
   * @param epochs the number of epochs to run, positive
   * @return a cold Flux that runs the loader once per subscription
   */
  default Flux<HeldBatch> flux(int epochs) {
    Checks.positive(epochs, "epochs");
    return FluxBatches.flux(consumer -> run(0, epochs, consumer));
  }

  /**
   * Continues from a saved state as a {@link Flux}; see {@link #flux(int)}.
   *
   * @param from a state saved from a loader with the same dataset and settings, not null
   * @param epochs the number of epochs to run, the partial first one included, positive
   * @return a cold Flux that runs the loader once per subscription
   */
  default Flux<HeldBatch> flux(LoaderState from, int epochs) {
    Checks.notNull(from, "from");
    Checks.positive(epochs, "epochs");
    return FluxBatches.flux(consumer -> run(from, epochs, consumer));
  }

  /**
   * Where this loader stands, to resume from: before any run, the start of epoch 0; while the
   * consumer is handed a batch, just after that batch; after a run, the start of the next epoch.
   * Safe from any thread.
   *
   * @return the current state, never null
   */
  LoaderState state();

  /**
   * Samples (delivered or failed) in each epoch of this rank's sequence.
   *
   * @return the number of samples in one epoch on this rank
   */
  long samplesPerEpoch();

  /**
   * A live snapshot of the current (or last) run; safe from any thread.
   *
   * @return a snapshot, never null
   */
  Progress progress();

  /**
   * Per-stage timings of the current (or last) run and the verdict on which stage limited it; safe
   * from any thread. See {@link dev.stoker.api.Stage} for the stages.
   *
   * @return the report, never null
   */
  StageReport stageReport();

  /**
   * The loader's threads, in-flight samples and ring slots and the memory they hold: what a
   * {@link LoaderBuilder#memoryBudget} chose (updated once the first batches were measured), or
   * the settings as given.
   *
   * @return the current settings and their bytes
   */
  Tuning tuning();

  /**
   * The registry holding the loader's meters ({@code stoker.stage} timers tagged by stage, ring and
   * consumer gauges, sample counters): the one given to {@link LoaderBuilder#meterRegistry}, or a
   * {@code SimpleMeterRegistry} of the loader's own.
   *
   * @return the loader's registry, never null
   */
  MeterRegistry meterRegistry();

  /** Stops any run, frees the ring and the worker threads. */
  @Override
  void close();
}
