package dev.stoker.pipeline;

import dev.stoker.api.BatchConsumer;
import dev.stoker.api.BatchLayout;
import dev.stoker.api.BatchRing;
import dev.stoker.api.CacheStats;
import dev.stoker.api.internal.Checks;
import dev.stoker.api.ElementType;
import dev.stoker.api.FailurePolicy;
import dev.stoker.api.ImageDecoder;
import dev.stoker.api.LoaderException;
import dev.stoker.api.LoaderState;
import dev.stoker.api.Progress;
import dev.stoker.api.RingStats;
import dev.stoker.api.RunSummary;
import dev.stoker.api.SampleFailure;
import dev.stoker.api.SampleSource;
import dev.stoker.api.StageReport;
import dev.stoker.image.ImageDecoders;
import dev.stoker.image.SampleProcessor;
import dev.stoker.image.TransformPlan;
import dev.stoker.pipeline.SampleResult.EpochEnd;
import dev.stoker.pipeline.SampleResult.Failed;
import dev.stoker.pipeline.SampleResult.Processed;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/** The {@link Loader} on Reactor: see the package documentation for the stages. */
final class ReactorLoader implements Loader {
  private static final long WORKER_STOP_SECONDS = 30;
  private final SampleSource source;
  private final ImageDecoder decoder;
  private final SampleProcessor processor;
  private final SampleStage stage;
  /** The source's own processing (remote nodes), or null to decode on this loader's workers. */
  private final SampleSupplier supplier;
  private final long seed;
  private final boolean shuffle;
  private final ShardPlan shard;
  private final FailurePolicy failurePolicy;
  private final int inFlight;
  private final int threads;
  private final boolean readOnIoThreads;
  /** Each decode worker's read buffer, reused from sample to sample. */
  private final ThreadLocal<ByteBuffer[]> readBuffers = ThreadLocal.withInitial(() -> new ByteBuffer[1]);
  private final BatchRing ring;
  private final SampleBufferPool pool;
  private final ExecutorService decodeExecutor;
  private final Scheduler decodeScheduler;
  private final AtomicBoolean freed = new AtomicBoolean();
  private final Scheduler ioScheduler;
  private final AtomicBoolean running = new AtomicBoolean();
  private volatile boolean closed;
  private volatile boolean broken;
  private volatile RingBridge bridge;
  private volatile LoaderState state;
  private volatile RingStats runStart = new RingStats(0, 0, 0, 0);
  private volatile long runStartNanos = System.nanoTime();
  private final PipelineMetrics metrics;
  private final StageReports reports;

  ReactorLoader(LoaderBuilder b) {
    this.source = b.source;
    TransformPlan plan = TransformPlan.compile(b.transforms);
    this.decoder = b.decoder != null ? b.decoder : ImageDecoders.best();
    this.metrics = new PipelineMetrics(b.meterRegistry, b.listTime);
    this.processor = new SampleProcessor(decoder, plan, metrics);
    this.seed = b.seed;
    this.shuffle = b.shuffle;
    this.shard = new ShardPlan(b.source.size(), b.batchSize, b.rank, b.worldSize, b.lastBatch);
    this.failurePolicy = b.failurePolicy;
    this.state = new LoaderState(0, 0, 0, seed, shuffle, b.rank, b.worldSize, b.lastBatch, b.batchSize,
        b.source.size());
    this.inFlight = b.inFlight > 0 ? b.inFlight : 4 * b.threads;
    this.threads = b.threads;
    ElementType type = plan.floatOutput() ? ElementType.FLOAT32 : ElementType.UINT8;
    int maxBoxes = b.maxBoxes >= 0 ? b.maxBoxes : source.maxBoxCount();
    BatchLayout layout = new BatchLayout(b.batchSize, plan.outputHeight(), plan.outputWidth(), 3, type, maxBoxes);
    if (layout.sampleBytes() != processor.sampleBytes()) {
      throw new IllegalStateException("layout " + layout + " disagrees with the processor's " + processor.sampleBytes()
          + " bytes per sample");
    }
    BoxedProcess boxed = !source.hasBoxes() ? null : b.boxedProcess != null ? b.boxedProcess : processor::process;
    this.pool = new SampleBufferPool(processor.sampleBytes(), source.hasBoxes() ? source.maxBoxCount() : 0);
    this.stage = new SampleStage(source, processor, boxed, pool, seed);
    this.supplier = source instanceof SampleSupplier remote ? remote : null;
    if (supplier != null) {
      supplier.configure(new SupplyPlan(b.transforms, seed));
    }
    this.ring = b.ringFactory.create(layout, b.ringSlots);
    metrics.watch(ring, () -> progress().consumerWaitPercent());
    this.reports = new StageReports(metrics, ring, b.threads, b.readOnIoThreads ? inFlight : 0);
    this.decodeExecutor = DecodeWorkers.create(b.threads);
    this.decodeScheduler = Schedulers.fromExecutorService(decodeExecutor, "stoker-decode");
    this.readOnIoThreads = b.readOnIoThreads;
    this.ioScheduler = Schedulers.boundedElastic();
  }

  @Override
  public BatchLayout layout() {
    return ring.layout();
  }

  @Override
  public String decoderName() {
    return processor.decoderName();
  }

  @Override
  public String sourceDescription() {
    return source.description();
  }

  @Override
  public long samplesPerEpoch() {
    return shard.length();
  }

  /** Epoch {@code epoch}'s samples from its start; see {@link #epochSamples(int, int)}. */
  Flux<SampleResult> epochSamples(int epoch) {
    return epochSamples(epoch, 0);
  }

  /**
   * The processed samples of this rank's share of one epoch from position {@code from}, in
   * sequence order, followed by nothing: failures are {@link Failed} values in their place. Each
   * {@link Processed} holds a pooled buffer that the receiver must {@link SampleBufferPool#release};
   * those Reactor discards on cancellation go back to the pool here.
   */
  Flux<SampleResult> epochSamples(int epoch, int from) {
    int[] order = shard.epochIndices(seed, epoch, shuffle);
    if (supplier != null) {
      return supplier.samples(epoch, order, from)
          .map(result -> received(epoch, result))
          .doOnDiscard(Processed.class, p -> pool.release(p.buffer()))
          .doOnDiscard(SuppliedSample.Ok.class, SuppliedSample.Ok::release);
    }
    return Flux.range(from, order.length - from)
        .flatMapSequential(k -> processOne(epoch, order[k]), inFlight, 1)
        .doOnDiscard(Processed.class, p -> pool.release(p.buffer()));
  }

  /** A supplier's result as the decode stage would have made it: copied into a pooled buffer. */
  private SampleResult received(int epoch, SuppliedSample result) {
    return switch (result) {
      case SuppliedSample.Failed failed -> {
        metrics.failed();
        yield new Failed(failed.failure());
      }
      case SuppliedSample.Ok ok -> {
        SampleBuffer buffer = pool.acquire();
        try {
          MemorySegment.copy(ok.pixels(), 0, buffer.pixels(), 0, buffer.pixels().byteSize());
          int count = Math.min(ok.boxCount(), buffer.boxCapacity());
          System.arraycopy(ok.boxes(), 0, buffer.boxes, 0, 4 * count);
          System.arraycopy(ok.boxLabels(), 0, buffer.boxLabels, 0, count);
          buffer.boxCount = count;
        } catch (RuntimeException e) {
          pool.release(buffer);
          throw e;
        } finally {
          ok.release();
        }
        yield new Processed(epoch, ok.index(), ok.label(), buffer);
      }
    };
  }

  private Mono<SampleResult> processOne(int epoch, int index) {
    Mono<ByteBuffer> read = readOnIoThreads
        ? Mono.fromCallable(() -> readOnIo(index)).subscribeOn(ioScheduler).publishOn(decodeScheduler)
        : Mono.fromCallable(() -> readOnWorker(index)).subscribeOn(decodeScheduler);
    return read
        .<SampleResult>map(bytes -> stage.process(epoch, index, bytes))
        .onErrorResume(e -> {
          metrics.failed();
          return Mono.just(new Failed(new SampleFailure(epoch, index, source.sourceName(index), e)));
        });
  }

  /** Reads sample {@code index} on an IO thread, timed. */
  private ByteBuffer readOnIo(int index) throws IOException {
    long start = System.nanoTime();
    ByteBuffer bytes = source.read(index);
    metrics.read(System.nanoTime() - start);
    return bytes;
  }

  /**
   * Reads sample {@code index} on the current decode worker into the worker's own buffer. The
   * bytes are decoded on this thread before it reads again, so the buffer is free by then.
   */
  private ByteBuffer readOnWorker(int index) throws IOException {
    ByteBuffer[] own = readBuffers.get();
    long start = System.nanoTime();
    ByteBuffer bytes = source.read(index, own[0]);
    metrics.read(System.nanoTime() - start);
    if (bytes.isDirect() && (own[0] == null || bytes.capacity() > own[0].capacity())) {
      own[0] = bytes;
    }
    return bytes;
  }

  /**
   * Every epoch of a run, each followed by its end marker; the first starts at {@code from}'s
   * position.
   */
  Flux<SampleResult> runSamples(LoaderState from, int epochs) {
    int first = from.epoch();
    return Flux.range(first, epochs)
        .concatMap(epoch -> epochSamples(epoch, epoch == first ? (int) from.position() : 0)
            .concatWithValues(new EpochEnd(epoch)), 0);
  }

  private CacheStats cacheStats() {
    return source instanceof CachingSource cached ? cached.stats() : CacheStats.NONE;
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
    state.checkSameSequence(from);
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
      RingBridge current = new RingBridge(ring, shard.length(), pool::release, failurePolicy, from.position(),
          from.batch());
      current.probe(metrics.bridgeProbe());
      reports.runStarted();
      bridge = current;
      state = from;
      ring.onRelease(current::released);
      runStart = ring.stats();
      long start = System.nanoTime();
      runStartNanos = start;
      CacheStats cacheAtStart = cacheStats();
      long warningsAtStart = decoder.warnings();
      runSamples(from, epochs).subscribe(current);
      RingStats stats;
      try {
        BatchConsumer timed = metrics.timing(consumer, ring);
        stats = ring.drain(batch -> {
          if (!closed) {
            advance(current.nextMark(), batch.epoch(), batch.indexInEpoch());
            timed.accept(batch);
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
          processor.decoderName(), current.failures(), current.boxes(), current.truncatedBoxes(),
          decoder.warnings() - warningsAtStart, cacheStats().minus(cacheAtStart));
    } finally {
      reports.runEnded();
      running.set(false);
      if (closed) {
        freeMemory();
      }
    }
  }

  /**
   * Moves the state past the batch about to be handed to the consumer, so that a state taken while
   * the consumer works on a batch resumes after it.
   */
  private void advance(RingBridge.BatchMark mark, int epoch, long batch) {
    if (mark == null || mark.epoch() != epoch || mark.batch() != batch) {
      throw new IllegalStateException("batch " + epoch + "/" + batch + " has no matching mark " + mark);
    }
    state = mark.nextPosition() >= shard.length()
        ? state.atEpochStart(epoch + 1)
        : state.at(epoch, mark.nextPosition(), batch + 1);
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
    return ring.slots() * slotBytes() + (long) (inFlight + threads) * ring.layout().sampleBytes();
  }

  private long slotBytes() {
    BatchLayout layout = ring.layout();
    return layout.batchBytes() + layout.boxBytes() + layout.boxLabelBytes();
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
    decodeScheduler.dispose();
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
      stopped = decodeExecutor.awaitTermination(WORKER_STOP_SECONDS, TimeUnit.SECONDS);
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
