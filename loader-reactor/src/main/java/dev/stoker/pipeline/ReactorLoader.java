package dev.stoker.pipeline;

import dev.stoker.api.BatchConsumer;
import dev.stoker.api.BatchLayout;
import dev.stoker.api.BatchRing;
import dev.stoker.api.Checks;
import dev.stoker.api.ElementType;
import dev.stoker.api.LoaderException;
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
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicBoolean;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/** The {@link Loader} on Reactor: see the package documentation for the stages. */
final class ReactorLoader implements Loader {
  private final SampleSource source;
  private final SampleProcessor processor;
  private final SampleStage stage;
  private final long seed;
  private final boolean shuffle;
  private final int inFlight;
  private final boolean readOnIoThreads;
  /** Each decode worker's read buffer, reused from sample to sample. */
  private final ThreadLocal<ByteBuffer[]> readBuffers = ThreadLocal.withInitial(() -> new ByteBuffer[1]);
  private final BatchRing ring;
  private final SampleBufferPool pool;
  private final Scheduler decodeScheduler;
  private final Scheduler ioScheduler;
  private final AtomicBoolean running = new AtomicBoolean();
  private volatile boolean closed;
  private volatile boolean broken;
  private volatile RingBridge bridge;
  private volatile RingStats runStart = new RingStats(0, 0, 0, 0);
  private volatile long runStartNanos = System.nanoTime();
  private final PipelineMetrics metrics;
  private final StageReports reports;

  ReactorLoader(LoaderBuilder b) {
    this.source = b.source;
    TransformPlan plan = TransformPlan.compile(b.transforms);
    this.metrics = new PipelineMetrics(b.meterRegistry, b.listTime);
    this.processor = new SampleProcessor(b.decoder != null ? b.decoder : ImageDecoders.best(), plan, metrics);
    this.seed = b.seed;
    this.shuffle = b.shuffle;
    this.inFlight = b.inFlight > 0 ? b.inFlight : 4 * b.threads;
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
    this.ring = b.ringFactory.create(layout, b.ringSlots);
    metrics.watch(ring, () -> progress().consumerWaitPercent());
    this.reports = new StageReports(metrics, ring, b.threads, b.readOnIoThreads ? inFlight : 0);
    this.decodeScheduler = Schedulers.fromExecutorService(DecodeWorkers.create(b.threads), "stoker-decode");
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

  /**
   * The processed samples of one epoch, in permutation order, followed by nothing: failures are
   * {@link Failed} values in their place. Each {@link Processed} holds a pooled buffer that the
   * receiver must {@link SampleBufferPool#release}.
   */
  Flux<SampleResult> epochSamples(int epoch) {
    int[] order = EpochOrder.permutation(seed, epoch, source.size(), shuffle);
    return Flux.range(0, order.length)
        .flatMapSequential(k -> processOne(epoch, order[k]), inFlight, 1);
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

  /** Every epoch of a run, each followed by its end marker. */
  Flux<SampleResult> runSamples(int firstEpoch, int epochs) {
    return Flux.range(firstEpoch, epochs)
        .concatMap(epoch -> epochSamples(epoch).concatWithValues(new EpochEnd(epoch)), 0);
  }

  @Override
  public RunSummary run(int firstEpoch, int epochs, BatchConsumer consumer) {
    Checks.notNegative(firstEpoch, "firstEpoch");
    Checks.positive(epochs, "epochs");
    Checks.notNull(consumer, "consumer");
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
      RingBridge current = new RingBridge(ring, source.size(), pool::release);
      current.probe(metrics.bridgeProbe());
      reports.runStarted();
      bridge = current;
      ring.onRelease(current::released);
      runStart = ring.stats();
      long start = System.nanoTime();
      runStartNanos = start;
      runSamples(firstEpoch, epochs).subscribe(current);
      RingStats stats;
      try {
        stats = ring.drain(metrics.timing(consumer, ring));
      } catch (LoaderException e) {
        broken = true;
        current.dispose();
        throw e;
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      return new RunSummary(epochs, stats.samples(), current.failed(), stats.batches(), seconds, stats,
          processor.decoderName(), current.failures(), current.boxes(), current.truncatedBoxes());
    } finally {
      reports.runEnded();
      running.set(false);
    }
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

  /** Sample buffers the pool has allocated: bounded by the in-flight limit. */
  int pooledBuffers() {
    return pool.allocated();
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    metrics.close();
    RingBridge current = bridge;
    if (current != null) {
      current.dispose();
    }
    decodeScheduler.dispose();
    if (!running.get()) {
      ring.close();
      pool.close();
    }
  }
}
