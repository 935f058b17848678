package dev.stoker.pipeline;

import dev.stoker.api.Batch;
import dev.stoker.api.BatchConsumer;
import dev.stoker.api.BatchLayout;
import dev.stoker.api.BatchRing;
import dev.stoker.api.CacheStats;
import dev.stoker.api.FailurePolicy;
import dev.stoker.api.LoaderException;
import dev.stoker.api.EpochSampledSource;
import dev.stoker.api.LoaderState;
import dev.stoker.api.Progress;
import dev.stoker.api.RingStats;
import dev.stoker.api.RunSummary;
import dev.stoker.api.SampleFailure;
import dev.stoker.api.StageReport;
import dev.stoker.api.internal.Checks;
import dev.stoker.image.TransformPlan;
import dev.stoker.ring.DisruptorBatchRing;
import dev.stoker.ring.ReleaseFence;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import reactor.core.publisher.Flux;

/**
 * The {@link Loader} on Reactor: see the package documentation for the stages. Where the processed
 * samples come from (read and decoded here, or supplied by nodes) is its {@link SampleOrigin}'s
 * business; this class orders epochs, feeds the {@link RingBridge} and hands batches out.
 */
final class ReactorLoader implements Loader {
  private static final long WORKER_STOP_SECONDS = 30;
  private final SampleOrigin origin;
  private final long seed;
  private final boolean shuffle;
  private final ShardPlan shard;
  /** The source when its epochs are drawn ({@link EpochSampledSource}), else null. */
  private final EpochSampledSource sampled;
  private final int datasetSize;
  private final FailurePolicy failurePolicy;
  private final Consumer<? super SampleFailure> failureListener;
  private final int inFlight;
  private final int threads;
  private final BatchRing ring;
  private final SampleBufferPool pool;
  private final AtomicBoolean freed = new AtomicBoolean();
  private final AtomicBoolean running = new AtomicBoolean();
  private volatile boolean closed;
  private volatile boolean broken;
  private volatile RingBridge bridge;
  private volatile LoaderState state;
  private volatile RingStats runStart = new RingStats(0, 0, 0, 0);
  private volatile long runStartNanos = System.nanoTime();
  private final PipelineMetrics metrics;
  private final StageReports reports;
  private final SoftTargetRows softTargets;
  private final BatchSteps batchSteps;
  private volatile Tuning tuning;
  /** Times the first batches and parks surplus workers; null without a budget or with the threads set. */
  private final Calibration calibration;

  ReactorLoader(LoaderBuilder b) {
    // Everything that can refuse the settings runs before anything is allocated or started.
    TransformPlan plan = TransformPlan.compile(b.transforms);
    int size = b.supplier != null ? b.supplier.size() : b.source.size();
    this.sampled = b.supplier == null && b.source instanceof EpochSampledSource s ? s : null;
    this.shard = new ShardPlan(sampled != null ? sampled.samplesPerEpoch() : size, b.batchSize, b.rank, b.worldSize,
        b.lastBatch, sampled != null && sampled.keepsOrder()).requireWork();
    this.datasetSize = size;
    int maxBoxes = b.maxBoxes >= 0 ? b.maxBoxes : b.supplier != null ? b.supplier.maxBoxCount() : b.source.maxBoxCount();
    BatchLayout layout = plan.batchLayout(b.batchSize, maxBoxes);
    int classes = softTargetClasses(b, layout);
    layout = layout.withSoftTargets(classes);
    this.softTargets = SoftTargetRows.of(classes, b.source);
    this.batchSteps = BatchSteps.of(b.batchTransforms, b.seed);
    this.tuning = tune(b, layout);
    this.inFlight = tuning.inFlight();
    this.threads = tuning.threads();
    OffHeapLimit.check(layout, tuning.ringSlots(), Math.addExact(inFlight, threads),
        b.maxOffHeapBytes > 0 ? b.maxOffHeapBytes : OffHeapLimit.machine(),
        b.maxOffHeapBytes > 0 ? "maxOffHeapBytes allows" : "this machine allows (its physical memory less the Java heap)");
    this.seed = b.seed;
    this.shuffle = b.shuffle;
    this.failurePolicy = b.failurePolicy;
    this.failureListener = b.failureListener;
    this.state = new LoaderState(0, 0, 0, seed, shuffle, b.rank, b.worldSize, b.lastBatch, b.batchSize, size,
        sampled == null ? 0 : samplingFingerprint(sampled));
    this.metrics = new PipelineMetrics(b.meterRegistry, b.listTime, threads);
    this.origin = SampleOrigin.of(b, plan, metrics, tuning);
    this.pool = origin.pool();
    origin.onWorkerError(this::workerError);
    try {
      this.ring = b.ringFactory.create(layout, tuning.ringSlots());
    } catch (RuntimeException | Error e) {
      origin.stop();
      pool.close();
      metrics.close();
      throw e;
    }
    metrics.watch(ring, () -> progress().consumerWaitPercent());
    this.reports = new StageReports(metrics, ring, threads, b.readOnIoThreads ? inFlight : 0, Machine::current,
        b.supplier == null ? size : -1, b.supplier != null);
    reports.adviceTarget(b.adviceTarget);
    this.calibration = tuning.autotuned() && !b.threadsSet && b.supplier == null && threads > 1
        ? new Calibration(metrics, ring::stats, threads, b.batchSize,
            Calibration.window(Math.ceilDiv(shard.length(), b.batchSize)), this::calibrated)
        : null;
  }

  /**
   * The settings: with a {@link LoaderBuilder#memoryBudget}, the largest inside it that keep the
   * values the user set ({@link Autotune#choose}); without, the values as given and the defaults.
   *
   * @throws dev.stoker.api.MemoryLimitException naming memoryBudget if it cannot hold the smallest setting
   */
  private static Tuning tune(LoaderBuilder b, BatchLayout layout) {
    boolean local = b.supplier == null;
    Autotune.Costs costs = new Autotune.Costs(OffHeapLimit.slotBytes(layout), layout.sampleBytes(),
        local ? Math.addExact(b.maxScratchBytes, Autotune.KEPT_READ_BYTES) : 0);
    Autotune.Asked asked = new Autotune.Asked(b.threadsSet || !local ? b.threads : 0, Math.max(0, b.inFlight),
        b.ringSlotsSet ? b.ringSlots : 0, b.threads);
    return b.memoryBudget > 0 ? Autotune.choose(b.memoryBudget, costs, asked) : Autotune.fixed(costs, asked);
  }

  /**
   * Applies the calibration's decision: parks the workers the consumer cannot use (package-private
   * so that a test can park them without depending on timing).
   */
  void calibrated(Autotune.Decision decision) {
    origin.activeWorkers(decision.active());
    tuning = tuning.withActive(decision.active(), decision.why());
  }

  @Override
  public Tuning tuning() {
    return tuning;
  }

  /**
   * The classes of the soft-target rows: the source's classes when batch transforms run or the
   * source is multi-label, else 0.
   *
   * @throws IllegalArgumentException naming batchTransforms if they are given for a source with
   *     boxes, or soft targets are needed over a source without classes
   */
  private static int softTargetClasses(LoaderBuilder b, BatchLayout layout) {
    boolean multiLabel = b.source != null && b.source.maxLabelCount() > 1;
    boolean steps = !b.batchTransforms.isEmpty();
    if (!multiLabel && !steps) {
      return 0;
    }
    Checks.argument(!(steps && layout.hasBoxes()), "batchTransforms",
        "MixUp, CutMix and batch steps need a classification source; this one has boxes (maxBoxes "
            + layout.maxBoxes() + ")");
    int classes = b.supplier != null ? b.supplier.classes().size() : b.source.classes().size();
    Checks.argument(classes > 0, steps ? "batchTransforms" : "source",
        "soft targets need the source's classes, and it has none");
    return classes;
  }

  @Override
  public BatchLayout layout() {
    return ring.layout();
  }

  @Override
  public String decoderName() {
    return origin.decoderName();
  }

  @Override
  public String sourceDescription() {
    return origin.description();
  }

  @Override
  public long samplesPerEpoch() {
    return shard.length();
  }

  /** Epoch {@code epoch}'s samples from its start; see {@link #epochSamples(int, int)}. */
  Flux<EpochItem> epochSamples(int epoch) {
    return epochSamples(epoch, 0);
  }

  /**
   * The processed samples of this rank's share of one epoch from position {@code from}, in
   * sequence order, followed by nothing: failures are {@link SampleResult.Failed} values in their
   * place. Each {@link ProcessedSample} holds a pooled buffer that the receiver must release.
   */
  Flux<EpochItem> epochSamples(int epoch, int from) {
    int[] mine = sampled == null ? shard.epochIndices(seed, epoch, shuffle) : shard.epochIndices(sampledOrder(epoch));
    return origin.samples(epoch, mine, from);
  }

  /**
   * The sampling fingerprint a {@link LoaderState} keeps for {@code source}: its own, changed (and
   * never 0) when it {@linkplain EpochSampledSource#keepsOrder keeps its order}, since the loader
   * then deals the draw in contiguous runs rather than permuted and interleaved: a state of one way
   * is refused by the other even when the source draws the same indices.
   */
  static long samplingFingerprint(EpochSampledSource source) {
    long fingerprint = source.samplingFingerprint();
    if (!source.keepsOrder()) {
      return fingerprint;
    }
    long kept = Long.rotateLeft(fingerprint, 17) * 0x9E3779B97F4A7C15L ^ 0x4B656570734F7264L;   // "KeepsOrd"
    return kept == 0 ? 1 : kept;
  }

  /**
   * The epoch's global order of an {@link EpochSampledSource}: the indices it draws for the epoch, in
   * its order or, with shuffle, permuted by the loader's (seed, epoch) permutation; never permuted
   * for a source that {@linkplain EpochSampledSource#keepsOrder keeps its order}.
   */
  private int[] sampledOrder(int epoch) {
    int[] drawn = sampled.epochOrder(seed, epoch);
    int length = sampled.samplesPerEpoch();
    if (drawn.length != length) {
      throw new IllegalStateException(sampled.description() + ": epoch " + epoch + " draws " + drawn.length
          + " samples, not samplesPerEpoch() = " + length);
    }
    for (int index : drawn) {
      if (index < 0 || index >= datasetSize) {
        throw new IllegalStateException(sampled.description() + ": epoch " + epoch + " draws index " + index
            + ", outside [0, " + datasetSize + ")");
      }
    }
    if (sampled.keepsOrder()) {
      return drawn;
    }
    int[] permutation = EpochOrder.permutation(seed, epoch, length, shuffle);
    int[] order = new int[length];
    for (int k = 0; k < length; k++) {
      order[k] = drawn[permutation[k]];
    }
    return order;
  }

  /**
   * Every epoch of a run, each followed by its end marker; the first starts at {@code from}'s
   * position.
   */
  Flux<EpochItem> runSamples(LoaderState from, int epochs) {
    int first = from.epoch();
    return Flux.range(first, epochs)
        .concatMap(epoch -> epochSamples(epoch, epoch == first ? (int) from.position() : 0)
            .concatWithValues(new EpochItem.End(epoch)), 0);
  }

  @Override
  public LoaderState state() {
    return state;
  }

  @Override
  public RunSummary run(int firstEpoch, int epochs, BatchConsumer consumer) {
    Checks.notNegative(firstEpoch, "firstEpoch");
    return run(state.atEpochStart(firstEpoch), epochs, consumer);
  }

  @Override
  public RunSummary run(LoaderState from, int epochs, BatchConsumer consumer) {
    Checks.notNull(from, "from");
    Checks.positive(epochs, "epochs");
    Checks.notNull(consumer, "consumer");
    from.checkSameSequence(state);
    Checks.argument(from.position() <= shard.length(), "from",
        "position " + from.position() + " is past the epoch's " + shard.length() + " samples");
    if (closed) {
      throw new IllegalStateException("loader is closed");
    }
    if (broken) {
      throw new IllegalStateException("loader failed in an earlier run; build a new one");
    }
    if (!running.compareAndSet(false, true)) {
      throw new IllegalStateException("a run is already in progress");
    }
    try {
      RingBridge current = new RingBridge(ring, shard.length(), failurePolicy, from.position(), from.batch());
      current.probe(metrics.bridgeProbe(origin.supplied()));
      current.failureListener(failureListener);
      current.batchOutput(softTargets, batchSteps);
      reports.runStarted();
      if (calibration != null) {
        calibration.runStarted();
      }
      bridge = current;
      state = from;
      ring.onRelease(current::released);
      runStart = ring.stats();
      long start = System.nanoTime();
      runStartNanos = start;
      CacheStats cacheAtStart = origin.cacheStats();
      long warningsAtStart = origin.decoderWarnings();
      long droppedAtStart = origin.droppedBoxes();
      if (consumer instanceof FluxBatches flux) {
        flux.deferReleases(releaseDeferral());
      }
      runSamples(from, epochs).subscribe(current);
      RingStats stats;
      try {
        BatchConsumer timed = metrics.timing(consumer, ring);
        stats = ring.drain(batch -> {
          if (!closed) {
            advance(batch);
            timed.accept(batch);
            if (calibration != null) {
              calibration.afterBatch();
            }
          }
        });
      } catch (LoaderException e) {
        broken = true;
        current.dispose();
        throw e;
      }
      if (closed) {
        throw new LoaderException("loader was closed during the run");
      }
      state = from.atEpochStart(from.epoch() + epochs);
      double seconds = (System.nanoTime() - start) / 1e9;
      return new RunSummary(epochs, stats.samples(), current.failed(), stats.batches(), seconds, stats,
          origin.decoderName(), current.failures(), current.boxes(), current.truncatedBoxes(),
          origin.decoderWarnings() - warningsAtStart, origin.cacheStats().minus(cacheAtStart),
          origin.droppedBoxes() - droppedAtStart);
    } finally {
      reports.runEnded();
      running.set(false);
      if (closed) {
        freeMemory();
      }
    }
  }

  /** How a consumer keeps a slot past {@code accept} on this ring, or null where the ring cannot. */
  private Consumer<ReleaseFence> releaseDeferral() {
    if (ring instanceof DisruptorBatchRing disruptor) {
      return disruptor::releaseWhen;
    }
    if (ring instanceof FencedRing fenced) {
      return fenced::releaseWhen;
    }
    return null;
  }

  /**
   * Ends the run in progress with {@code error}, which escaped a decode worker: the sample it was on
   * never arrives, so the consumer would wait for ever.
   */
  private void workerError(Throwable error) {
    RingBridge current = bridge;
    if (current != null && running.get()) {
      current.cancelRun(error instanceof LoaderException le ? le
          : new LoaderException("a decode worker failed with " + error + "; the run stops", error));
    }
  }

  /**
   * Moves the state past the batch about to be handed to the consumer, so that a state taken while
   * the consumer works on a batch resumes after it: the batch's header says where.
   */
  private void advance(Batch batch) {
    state = batch.nextPosition() >= shard.length()
        ? state.atEpochStart(batch.epoch() + 1)
        : state.at(batch.epoch(), batch.nextPosition(), batch.indexInEpoch() + 1);
  }

  @Override
  public StageReport stageReport() {
    return reports.report();
  }

  @Override
  public MeterRegistry meterRegistry() {
    return metrics.registry();
  }

  @Override
  public Progress progress() {
    RingBridge current = bridge;
    RingStats stats = ring.stats().minus(runStart);
    return new Progress(stats.samples(), current == null ? 0 : current.failed(),
        (System.nanoTime() - runStartNanos) / 1e9, ring.occupancy(), ring.slots(), stats.consumerWaitPercent());
  }

  /** Whether the sample buffers' memory was freed (by {@link #close()}). */
  boolean sampleMemoryFreed() {
    return pool.closed();
  }

  /**
   * The off-heap bytes this loader holds for pixels now: the ring's slots and the pooled sample
   * buffers (the decode workers' read buffers, one file each, come on top).
   */
  long offHeapBytes() {
    return ring.slots() * slotBytes() + (long) pool.allocated() * ring.layout().sampleBytes();
  }

  /**
   * The most {@link #offHeapBytes()} may reach, whatever the dataset size or the consumer's speed:
   * every slot, and a sample buffer per sample in flight plus one per worker (see
   * {@link LoaderBuilder#inFlight}).
   */
  long offHeapBudget() {
    return OffHeapLimit.need(ring.layout(), ring.slots(), inFlight + threads);
  }

  private long slotBytes() {
    return OffHeapLimit.slotBytes(ring.layout());
  }

  /** Sample buffers the pool has allocated: bounded by the in-flight limit. */
  int pooledBuffers() {
    return pool.allocated();
  }

  /**
   * Stops any run and frees everything. A run in progress stops handing out batches (the consumer
   * finishes the batch it holds) and throws a {@link LoaderException}; the workers stop after the
   * sample each one is on, and the ring and sample memory are freed once they and the run's thread
   * are done with them (here, or on the run's thread if it is still inside the consumer).
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    metrics.close();
    RingBridge current = bridge;
    if (current != null) {
      current.cancelRun(new LoaderException("loader was closed during the run"));
    }
    origin.stop();
    if (!running.get()) {
      freeMemory();
    }
  }

  /** Frees the ring and the sample buffers once no worker can touch them; once. */
  private void freeMemory() {
    if (!freed.compareAndSet(false, true)) {
      return;
    }
    boolean stopped;
    try {
      stopped = origin.awaitStopped(WORKER_STOP_SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stopped = false;
    }
    if (!stopped) {
      // A worker is stuck inside a read or a native decode: leaking the memory beats freeing it under it.
      System.getLogger(ReactorLoader.class.getName()).log(System.Logger.Level.WARNING,
          "decode workers did not stop within " + WORKER_STOP_SECONDS + " s; ring and sample memory left allocated");
      return;
    }
    ring.close();
    pool.close();
  }
}
