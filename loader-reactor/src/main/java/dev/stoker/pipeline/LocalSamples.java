package dev.stoker.pipeline;

import dev.stoker.api.CacheStats;
import dev.stoker.api.ImageDecoder;
import dev.stoker.api.SampleFailure;
import dev.stoker.api.SampleSource;
import dev.stoker.image.TransformPlan;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Samples read from a {@link SampleSource} and processed here: each is read (on its decode worker,
 * or ahead on IO threads), then decoded and augmented by the {@link SampleStage} on the
 * {@link DecodeWorkers}, at most {@code inFlight} at once, and emitted in position order.
 */
final class LocalSamples extends SampleOrigin {
  private final SampleSource source;
  private final SampleStage stage;
  private final ImageDecoder decoder;
  private final PipelineMetrics metrics;
  private final int inFlight;
  private final boolean readOnIoThreads;
  /** Each decode worker's read buffer, reused from sample to sample. */
  private final ThreadLocal<ByteBuffer[]> readBuffers = ThreadLocal.withInitial(() -> new ByteBuffer[1]);
  /** The largest read buffer a worker keeps for the next sample; a larger one is dropped after its sample. */
  private final long keptReadBytes;
  private final ThreadPoolExecutor decodeExecutor;
  private final Scheduler decodeScheduler;
  private final Scheduler ioScheduler;

  LocalSamples(LoaderBuilder b, TransformPlan plan, PipelineMetrics metrics, int inFlight, int threads,
      long keptReadBytes) {
    this(SampleStage.build(b, plan, metrics), b, metrics, inFlight, threads, keptReadBytes);
  }

  private LocalSamples(SampleStage stage, LoaderBuilder b, PipelineMetrics metrics, int inFlight, int threads,
      long keptReadBytes) {
    super(stage.pool());
    this.stage = stage;
    this.source = stage.source();
    this.decoder = stage.processor().decoder();
    this.metrics = metrics;
    this.inFlight = inFlight;
    this.readOnIoThreads = b.readOnIoThreads;
    this.keptReadBytes = keptReadBytes;
    this.decodeExecutor = DecodeWorkers.create(threads, this::workerDied);
    this.decodeScheduler = Schedulers.fromExecutorService(decodeExecutor, "stoker-decode");
    this.ioScheduler = Schedulers.boundedElastic();
  }

  @Override
  int size() {
    return source.size();
  }

  @Override
  boolean hasBoxes() {
    return source.hasBoxes();
  }

  @Override
  int maxBoxCount() {
    return source.maxBoxCount();
  }

  @Override
  String description() {
    return source.description();
  }

  @Override
  boolean supplied() {
    return false;
  }

  @Override
  String decoderName() {
    return stage.processor().decoderName();
  }

  @Override
  long droppedBoxes() {
    return stage.droppedBoxes();
  }

  @Override
  long decoderWarnings() {
    return decoder.warnings();
  }

  @Override
  CacheStats cacheStats() {
    return source.cacheStats();
  }

  @Override
  Flux<EpochItem> samples(int epoch, int[] order, int from) {
    return Flux.range(from, order.length - from)
        .flatMapSequential(k -> processOne(epoch, order[k]), inFlight, 1)
        .doOnDiscard(ProcessedSample.class, ProcessedSample::release);
  }

  private Mono<EpochItem> processOne(int epoch, int index) {
    Mono<ByteBuffer> read = readOnIoThreads
        ? Mono.fromCallable(() -> guarded(epoch, index, () -> readOnIo(index))).subscribeOn(ioScheduler)
            .publishOn(decodeScheduler)
        : Mono.fromCallable(() -> guarded(epoch, index, () -> readOnWorker(index))).subscribeOn(decodeScheduler);
    return read
        .<EpochItem>map(bytes -> guarded(epoch, index, () -> stage.process(epoch, index, bytes)))
        .onErrorResume(e -> !(e instanceof WorkerError), e -> {
          metrics.failed();
          return Mono.just(new SampleResult.Failed(new SampleFailure(epoch, index, source.sourceName(index), e)));
        });
  }

  /** A step of one sample's work (a read may throw {@link IOException}). */
  private interface Step<T, X extends Exception> {
    T run() throws X;
  }

  /**
   * Runs {@code step}, turning an {@link Error} into the {@link WorkerError} that ends the run:
   * Reactor would rethrow a JVM-fatal one on the worker and the sample would never arrive.
   */
  private <T, X extends Exception> T guarded(int epoch, int index, Step<T, X> step) throws X {
    try {
      return step.run();
    } catch (Error e) {
      throw WorkerError.of(e, epoch, index, source.sourceName(index));
    }
  }

  /** Reads sample {@code index} on an IO thread, timed. */
  private ByteBuffer readOnIo(int index) throws IOException {
    long start = System.nanoTime();
    ByteBuffer bytes = source.read(index);
    metrics.read(System.nanoTime() - start, bytes.remaining());
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
    metrics.read(System.nanoTime() - start, bytes.remaining());
    if (bytes.isDirect() && (own[0] == null || bytes.capacity() > own[0].capacity())
        && bytes.capacity() <= keptReadBytes) {
      own[0] = bytes;
    }
    return bytes;
  }

  @Override
  void activeWorkers(int active) {
    int n = Math.max(1, Math.min(active, decodeExecutor.getMaximumPoolSize()));
    if (n < decodeExecutor.getCorePoolSize()) {
      decodeExecutor.setCorePoolSize(n);
      decodeExecutor.setMaximumPoolSize(n);
    } else {
      decodeExecutor.setMaximumPoolSize(n);
      decodeExecutor.setCorePoolSize(n);
    }
  }

  @Override
  void stop() {
    decodeScheduler.dispose();
  }

  @Override
  boolean awaitStopped(long seconds) throws InterruptedException {
    return decodeExecutor.awaitTermination(seconds, TimeUnit.SECONDS);
  }
}
