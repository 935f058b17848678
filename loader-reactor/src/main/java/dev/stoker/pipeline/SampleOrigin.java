package dev.stoker.pipeline;

import dev.stoker.api.CacheStats;
import dev.stoker.image.TransformPlan;
import java.util.function.Consumer;
import reactor.core.publisher.Flux;

/**
 * Where a loader's processed samples come from: {@link LocalSamples} reads, decodes and augments
 * them on the loader's decode workers; {@link SuppliedSamples} receives them processed from a
 * {@link SampleSupplier} (data-server nodes). The builder's choice ({@link LoaderBuilder#source}
 * or {@link LoaderBuilder#supplier}) picks one in {@link #of}; past that the loader does not ask
 * which. Either way each {@link ProcessedSample} it emits lives in one of its pooled buffers.
 */
abstract sealed class SampleOrigin permits LocalSamples, SuppliedSamples {
  private final SampleBufferPool pool;
  private volatile Consumer<Throwable> workerErrors = e -> { };

  SampleOrigin(SampleBufferPool pool) {
    this.pool = pool;
  }

  /** The origin the builder's settings ask for; the builder checked that exactly one was given. */
  static SampleOrigin of(LoaderBuilder b, TransformPlan plan, PipelineMetrics metrics, Tuning tuning) {
    return b.supplier != null ? new SuppliedSamples(b, plan, metrics)
        : new LocalSamples(b, plan, metrics, tuning.inFlight(), tuning.threads(),
            tuning.autotuned() ? Autotune.KEPT_READ_BYTES : Long.MAX_VALUE);
  }

  /**
   * Lets {@code active} of the origin's decode workers take samples and parks the rest (they stop
   * once idle); nothing where samples come processed from elsewhere.
   */
  void activeWorkers(int active) {
  }

  /** The number of samples in the dataset. */
  abstract int size();

  /** Whether samples carry boxes. */
  abstract boolean hasBoxes();

  /** The most boxes any one sample has, 0 without boxes. */
  abstract int maxBoxCount();

  /** A description of where the samples come from. */
  abstract String description();

  /**
   * Whether the samples come processed from outside the loader (a {@link SampleSupplier}): the
   * loader's wait for the next one is then the supplier's pace (the nodes and the wire), timed as
   * {@link dev.stoker.api.Stage#SOURCE_WAIT}. False where the loader makes them itself: its wait
   * for a sample is then its own read, decode and augment stages, timed already.
   */
  abstract boolean supplied();

  /** The name of the decoder in use here. */
  abstract String decoderName();

  /** Warnings this loader's decoder reported so far, cumulative. */
  abstract long decoderWarnings();

  /** Boxes the transforms dropped so far (0 where the samples come ready-made). */
  long droppedBoxes() {
    return 0;
  }

  /** The cache's counters so far, cumulative; {@link CacheStats#NONE} without a cache. */
  abstract CacheStats cacheStats();

  /**
   * The results of dataset indices {@code order[from..order.length)} of {@code epoch}, one per
   * position, in position order: a {@link ProcessedSample} in a buffer of {@link #pool()} (the
   * receiver releases it), or a failure in its place. Processed samples that Reactor discards on
   * cancellation are released here.
   */
  abstract Flux<EpochItem> samples(int epoch, int[] order, int from);

  /** The sample buffers every processed sample it emits lives in. */
  final SampleBufferPool pool() {
    return pool;
  }

  /**
   * Sets who hears of what escaped a thread processing samples here (the loader, which ends the
   * run with it): such a sample never arrives, so the run could not end otherwise.
   */
  final void onWorkerError(Consumer<Throwable> handler) {
    this.workerErrors = handler;
  }

  /** Reports {@code error}, which escaped one of this origin's threads. */
  final void workerDied(Throwable error) {
    workerErrors.accept(error);
  }

  /** Stops the threads that process samples here, after the sample each one is on. */
  abstract void stop();

  /**
   * Waits until no thread of this origin can touch a sample buffer any more (after {@link #stop()}).
   *
   * @return false if they did not stop within {@code seconds}
   */
  abstract boolean awaitStopped(long seconds) throws InterruptedException;
}
