package dev.stoker.pipeline;

import dev.stoker.api.BatchRing;
import dev.stoker.api.BatchTransformSpec;
import dev.stoker.api.internal.Checks;
import dev.stoker.api.FailurePolicy;
import dev.stoker.api.ImageDecoder;
import dev.stoker.api.LastBatchPolicy;
import dev.stoker.api.SampleFailure;
import dev.stoker.api.SampleSource;
import dev.stoker.api.TransformSpec;
import dev.stoker.decode.ImageDecoders;
import dev.stoker.image.SampleProcessor;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Configures a {@link Loader}; every setter validates its argument and names it on failure.
 * Required: where the samples come from, either a {@link #source} (read and processed by the
 * loader's workers) or a {@link #supplier} (processed elsewhere, e.g. data-server nodes), and the
 * ring factory.
 *
 * <pre>{@code
 * Loader local = Loader.builder().source(ImageFolderSource.open(dir)).ring(BatchRings.direct(), 4).build();
 * Loader remote = Loader.builder().supplier(RemoteSource.connect(nodes, options)).ring(BatchRings.direct(), 4).build();
 * }</pre>
 */
public final class LoaderBuilder {
  SampleSource source;
  SampleSupplier supplier;
  List<TransformSpec> transforms = Presets.imagenetTrain(224);
  List<BatchTransformSpec> batchTransforms = List.of();
  ImageDecoder decoder;
  int batchSize = 256;
  int threads = Runtime.getRuntime().availableProcessors();
  /** Whether {@link #threads} was called: a memory budget then keeps the value. */
  boolean threadsSet;
  int inFlight = -1;
  boolean readOnIoThreads;
  long seed;
  boolean shuffle = true;
  int rank;
  int worldSize = 1;
  LastBatchPolicy lastBatch = LastBatchPolicy.PARTIAL;
  FailurePolicy failurePolicy = FailurePolicy.skip();
  Consumer<? super SampleFailure> failureListener = failure -> { };
  BatchRing.Factory ringFactory;
  int ringSlots = Autotune.DEFAULT_SLOTS;
  /** Whether the slots were given ({@link #ring(BatchRing.Factory, int)}): a memory budget then keeps them. */
  boolean ringSlotsSet;
  /** 0: no budget; the settings are taken as given. */
  long memoryBudget;
  int maxBoxes = -1;
  MeterRegistry meterRegistry;
  Duration listTime;
  long maxScratchBytes = SampleProcessor.DEFAULT_MAX_SCRATCH_BYTES;
  /** 0: {@link OffHeapLimit#machine()}. */
  long maxOffHeapBytes;
  /** Replaces the processor's box-aware call; for the pipeline's own tests only. */
  BoxedProcess boxedProcess;
  /** Issue 19: run the steps in the order written ({@link #literalOrder(boolean)}). */
  boolean literalOrder;
  /** The rate the advice is judged against ({@link #adviceTarget(double)}); NaN: the consumer's. */
  double adviceTarget = Double.NaN;

  LoaderBuilder() {}

  /**
   * The dataset to load, read and processed by this loader's workers. Required unless a {@link
   * #supplier} is given.
   *
   * @param source the dataset, not null
   * @return this builder
   */
  public LoaderBuilder source(SampleSource source) {
    this.source = Checks.notNull(source, "source");
    return this;
  }

  /**
   * The dataset to load, processed elsewhere (e.g. by data-server nodes): the loader hands it its
   * plan when built and receives processed samples instead of reading and decoding. Instead of a
   * {@link #source}; the decode settings ({@link #threads}, {@link #readOnIoThreads}) then do not
   * apply.
   *
   * @param supplier the dataset, not null
   * @return this builder
   */
  public LoaderBuilder supplier(SampleSupplier supplier) {
    this.supplier = Checks.notNull(supplier, "supplier");
    return this;
  }

  /**
   * The augmentations, as data; default {@code Presets.imagenetTrain(224)}.
   *
   * @param transforms the steps in order, not null; copied
   * @return this builder
   */
  public LoaderBuilder transforms(List<TransformSpec> transforms) {
    this.transforms = List.copyOf(Checks.notNull(transforms, "transforms"));
    return this;
  }

  /**
   * Transforms of whole batches (MixUp, CutMix, your own {@link dev.stoker.api.BatchStep}), run in
   * order on each batch after its samples are in the slot and before it is delivered; default none.
   * Any batch transform gives the batches soft targets over the source's classes (see
   * {@link dev.stoker.api.Batch}); {@link #build()} refuses them for a source with boxes.
   *
   * <pre>{@code
   * builder.batchTransforms(List.of(new BatchTransformSpec.MixUp(0.2), new BatchTransformSpec.CutMix(1.0, 0.5)));
   * }</pre>
   *
   * @param batchTransforms the batch steps in order, not null; copied
   * @return this builder
   */
  public LoaderBuilder batchTransforms(List<BatchTransformSpec> batchTransforms) {
    this.batchTransforms = List.copyOf(Checks.notNull(batchTransforms, "batchTransforms"));
    return this;
  }

  /**
   * The decoder; default {@link ImageDecoders#best()}.
   *
   * @param decoder the decoder, not null
   * @return this builder
   */
  public LoaderBuilder decoder(ImageDecoder decoder) {
    this.decoder = Checks.notNull(decoder, "decoder");
    return this;
  }

  /**
   * Samples per batch; default 256.
   *
   * @param batchSize samples per batch, positive
   * @return this builder
   */
  public LoaderBuilder batchSize(int batchSize) {
    this.batchSize = Checks.positive(batchSize, "batchSize");
    return this;
  }

  /**
   * Decode and augment workers; default the number of cores.
   *
   * @param threads the number of workers, positive
   * @return this builder
   */
  public LoaderBuilder threads(int threads) {
    this.threads = Checks.positive(threads, "threads");
    this.threadsSet = true;
    return this;
  }

  /**
   * Samples read or decoded at once, ahead of the ring; default {@code 4 * threads}. This and the
   * ring bound the loader's memory whatever the dataset size and however slow the consumer: off
   * heap, {@code slots} batches plus {@code inFlight + threads} samples of output pixels, plus one
   * read buffer per worker (the largest file it has read); on the heap, a few hundred bytes per
   * sample in flight plus 4 bytes per dataset sample for the epoch's order. Nothing is read while
   * the ring is full.
   *
   * @param inFlight samples in flight at once, positive
   * @return this builder
   */
  public LoaderBuilder inFlight(int inFlight) {
    this.inFlight = Checks.positive(inFlight, "inFlight");
    return this;
  }

  /**
   * Where samples are read. By default ({@code false}) each decode worker reads the sample it is
   * about to decode, into a buffer it keeps: for local files in the page cache a read costs a few
   * percent of a decode, and a hand-off to another thread costs more. With {@code true}, reads run
   * on Reactor's bounded-elastic threads, ahead of the decode workers, so that they overlap with
   * decoding: for storage where a read blocks for as long as a decode (network file systems, cold
   * disks, remote sources).
   *
   * @param readOnIoThreads {@code true} to read on Reactor's bounded-elastic threads
   * @return this builder
   */
  public LoaderBuilder readOnIoThreads(boolean readOnIoThreads) {
    this.readOnIoThreads = readOnIoThreads;
    return this;
  }

  /**
   * The seed of every order and random choice; default 0.
   *
   * @param seed any value; the same seed gives the same order and augmentations
   * @return this builder
   */
  public LoaderBuilder seed(long seed) {
    this.seed = seed;
    return this;
  }

  /**
   * Whether each epoch visits samples in a random permutation; default true.
   *
   * @param shuffle {@code false} to visit samples in index order
   * @return this builder
   */
  public LoaderBuilder shuffle(boolean shuffle) {
    this.shuffle = shuffle;
    return this;
  }

  /**
   * Loads only rank {@code rank}'s share of each epoch, for data-parallel training on
   * {@code worldSize} ranks: every rank builds its loader with the same seed and settings and its
   * own rank, and each sample goes to exactly one rank per epoch (with {@link LastBatchPolicy}
   * deciding the remainder). Default {@code (0, 1)}: everything. {@link #build()} refuses a
   * {@code worldSize} that would leave some rank with no sample.
   *
   * @param rank this loader's rank, in {@code [0, worldSize)}
   * @param worldSize the number of ranks, positive
   * @return this builder
   */
  public LoaderBuilder shard(int rank, int worldSize) {
    Checks.positive(worldSize, "worldSize");
    Checks.argument(rank >= 0 && rank < worldSize, "rank", "must be in [0, worldSize=" + worldSize + "), got " + rank);
    this.rank = rank;
    this.worldSize = worldSize;
    return this;
  }

  /**
   * Takes the {@link #shard} from the environment variables {@code RANK} and {@code WORLD_SIZE}
   * that torchrun-style launchers set; leaves the shard as it is when neither is set. An explicit
   * opt-in: a builder never reads the environment on its own.
   *
   * @return this builder
   * @throws IllegalArgumentException naming the variable if only one is set or a value is not valid
   * @see ShardEnvironment
   */
  public LoaderBuilder shardFromEnvironment() {
    return shardFromEnvironment(System::getenv);
  }

  /**
   * {@link #shardFromEnvironment()} with the variables looked up in {@code environment}.
   *
   * @param environment a variable's value by name, null when not set (e.g. {@code Map.of(...)::get}), not null
   * @return this builder
   * @throws IllegalArgumentException naming the variable if only one is set or a value is not valid
   */
  public LoaderBuilder shardFromEnvironment(Function<String, String> environment) {
    ShardEnvironment.read(environment).ifPresent(s -> shard(s.rank(), s.worldSize()));
    return this;
  }

  /**
   * What happens to the samples that do not fill a last batch; default {@link LastBatchPolicy#PARTIAL}.
   * With {@link LastBatchPolicy#DROP}, {@link #build()} refuses a dataset smaller than one full
   * batch per rank, whose epochs would all be empty.
   *
   * @param lastBatch the policy, not null
   * @return this builder
   */
  public LoaderBuilder lastBatch(LastBatchPolicy lastBatch) {
    this.lastBatch = Checks.notNull(lastBatch, "lastBatch");
    return this;
  }

  /**
   * When failed samples end a run; default {@link FailurePolicy#skip()}.
   *
   * @param failurePolicy the policy, not null
   * @return this builder
   */
  public LoaderBuilder failurePolicy(FailurePolicy failurePolicy) {
    this.failurePolicy = Checks.notNull(failurePolicy, "failurePolicy");
    return this;
  }

  /**
   * Hears of each failed sample as it happens, before the {@link #failurePolicy} counts it, so a
   * record of the failures (a file, a log) is complete even when the run then fails or is
   * interrupted; by default nobody. It runs on a pipeline thread, one call at a time: keep it short.
   * If it throws, the run fails with that error.
   *
   * <pre>{@code
   * Loader.builder().source(source).onFailure(f -> log.println(f.describe())).build();
   * }</pre>
   *
   * @param listener told of each failed sample, not null
   * @return this builder
   */
  public LoaderBuilder onFailure(Consumer<? super SampleFailure> listener) {
    this.failureListener = Checks.notNull(listener, "listener");
    return this;
  }

  /**
   * Boxes each sample of a batch can carry, 0 for none. Default: the source's (or supplier's)
   * {@link SampleSource#maxBoxCount()}, so no box is ever truncated (0 for a source without boxes).
   * A sample whose transforms keep more boxes than this delivers its first {@code maxBoxes} of them
   * and the rest are counted in {@link dev.stoker.api.RunSummary#truncatedBoxes()}.
   *
   * @param maxBoxes boxes per sample, 0 or more
   * @return this builder
   */
  public LoaderBuilder maxBoxes(int maxBoxes) {
    this.maxBoxes = Checks.notNegative(maxBoxes, "maxBoxes");
    return this;
  }

  /**
   * The ring that batches land in: a factory (e.g. {@code BatchRings.direct()}) and the number of
   * slots, a power of two; default 4 slots.
   *
   * @param factory makes the ring, not null
   * @param slots the number of slots, a positive power of two
   * @return this builder
   */
  public LoaderBuilder ring(BatchRing.Factory factory, int slots) {
    this.ringFactory = Checks.notNull(factory, "factory");
    Checks.argument(slots > 0 && Integer.bitCount(slots) == 1, "slots", "must be a positive power of two, got " + slots);
    this.ringSlots = slots;
    this.ringSlotsSet = true;
    return this;
  }

  /**
   * The ring that batches land in, with the number of slots left to the loader: 4, or what a
   * {@link #memoryBudget} allows.
   *
   * @param factory makes the ring, not null
   * @return this builder
   */
  public LoaderBuilder ring(BatchRing.Factory factory) {
    this.ringFactory = Checks.notNull(factory, "factory");
    this.ringSlots = Autotune.DEFAULT_SLOTS;
    this.ringSlotsSet = false;
    return this;
  }

  /**
   * Lets the loader choose its decode workers, samples in flight and ring slots inside
   * {@code bytes}, counting everything they hold: the ring's slots, the sample buffers
   * ({@code inFlight + threads}), and per worker its kept read buffer (4 MiB; a larger file's buffer
   * is given back after it) and scratch ({@link #maxScratchBytes}). {@link #build()} takes the
   * largest settings that fit, threads first (up to the number of cores), then slots and in-flight
   * samples from the defaults down; over the first batches the loader measures its stages and the
   * consumer, and when the consumer cannot use every worker it parks the rest. A value set
   * explicitly ({@link #threads}, {@link #inFlight}, the slots of {@link #ring(BatchRing.Factory, int)})
   * is kept. What it chose and the bytes they hold: {@link Loader#tuning()}. The delivered batches
   * are the same bytes as without a budget.
   *
   * <pre>{@code
   * Loader loader = Loader.builder().source(source).ring(BatchRings.direct()).memoryBudget(1L << 30).build();
   * System.out.println(loader.tuning().describe());
   * }</pre>
   *
   * @param bytes the budget in bytes, positive; {@link #build()} refuses one too small for the
   *     smallest setting (1 thread, 1 sample in flight, 1 slot, or the values set), naming the minimum
   * @return this builder
   */
  public LoaderBuilder memoryBudget(long bytes) {
    Checks.argument(bytes > 0, "memoryBudget", "must be positive, got " + bytes);
    this.memoryBudget = bytes;
    return this;
  }

  /**
   * Where the loader's meters are published as well (see {@link Loader#meterRegistry()}); default
   * none: a {@code SimpleMeterRegistry} of the loader's own. The meters are removed from it when the
   * loader closes. Two loaders open at once on one registry share their meters: give each its own
   * registry to tell them apart.
   *
   * @param meterRegistry the registry to publish to, not null
   * @return this builder
   */
  public LoaderBuilder meterRegistry(MeterRegistry meterRegistry) {
    this.meterRegistry = Checks.notNull(meterRegistry, "meterRegistry");
    return this;
  }

  /**
   * The most scratch memory (the decoded region, the resampler's and warp's buffers) a decode
   * thread keeps between samples; default 64 MiB.
   * A sample that needs more (a large image) gets it, and the excess is given back after that
   * sample, so a few huge images do not pin their memory on every thread for the rest of the run.
   * 0 gives everything back after every sample (slow: each sample allocates again).
   *
   * @param maxScratchBytes bytes a thread keeps between samples, 0 or more
   * @return this builder
   */
  public LoaderBuilder maxScratchBytes(long maxScratchBytes) {
    Checks.argument(maxScratchBytes >= 0, "maxScratchBytes", "must not be negative, got " + maxScratchBytes);
    this.maxScratchBytes = maxScratchBytes;
    return this;
  }

  /**
   * Runs the transforms in the order written, as a naive pipeline does: every image decoded whole
   * at full size, then each step at the resolution the step before it left
   * ({@link dev.stoker.image.LiteralOrderProcessor}), instead of Stoker's plan (geometry folded
   * into one map, only the region it shows decoded, colour on the output). For measuring what that
   * plan saves; the bytes differ from the default path's (the random draws come step by step), and
   * are the same for the same seed at any thread count. Default {@code false}. A dataset with
   * boxes is refused at {@link #build()}: this path does not move boxes.
   *
   * <pre>{@code
   * Loader.builder().source(source).transforms(specs).literalOrder(true)
   * }</pre>
   *
   * @param literalOrder whether to run the steps as written
   * @return this builder
   */
  public LoaderBuilder literalOrder(boolean literalOrder) {
    this.literalOrder = literalOrder;
    return this;
  }

  /**
   * The images/s the stage report's advice is judged against, instead of the consumer's measured
   * rate: a training step's rate, when the consumer here only stands in for it (a benchmark).
   *
   * <pre>{@code
   * Loader.builder().source(source).adviceTarget(3_200)   // batch 256 every 80 ms
   * }</pre>
   *
   * @param imagesPerSecond the target rate, positive and finite
   * @return this builder
   */
  public LoaderBuilder adviceTarget(double imagesPerSecond) {
    if (!(imagesPerSecond > 0) || Double.isInfinite(imagesPerSecond)) {
      throw new IllegalArgumentException("imagesPerSecond must be positive and finite, got " + imagesPerSecond);
    }
    this.adviceTarget = imagesPerSecond;
    return this;
  }

  /**
   * The most bytes the loader may take off the heap for pixels: its ring ({@code slots} batches of
   * pixels, boxes and box labels) and its sample buffers ({@code inFlight + threads} samples).
   * {@link #build()} counts them from the plan's batch layout, in exact arithmetic, before taking
   * any, and refuses settings that need more. Default: the machine's physical memory (a
   * container's limit where there is one) less the Java heap's maximum.
   *
   * <pre>{@code
   * builder.maxOffHeapBytes(8L << 30);   // at most 8 GiB of ring and sample buffers
   * }</pre>
   *
   * @param maxOffHeapBytes the off-heap budget in bytes, positive
   * @return this builder
   */
  public LoaderBuilder maxOffHeapBytes(long maxOffHeapBytes) {
    Checks.argument(maxOffHeapBytes > 0, "maxOffHeapBytes", "must be positive, got " + maxOffHeapBytes);
    this.maxOffHeapBytes = maxOffHeapBytes;
    return this;
  }

  /**
   * How long opening the source took (listing files, parsing annotations), for the list stage of
   * the metrics and the {@link Loader#stageReport()}; default not reported.
   *
   * @param listTime the time opening the source took, not negative, not null
   * @return this builder
   */
  public LoaderBuilder listTime(Duration listTime) {
    Checks.notNull(listTime, "listTime");
    Checks.argument(!listTime.isNegative(), "listTime", "must not be negative, got " + listTime);
    this.listTime = listTime;
    return this;
  }

  /**
   * A maker of single samples processed as the loader built from these settings would (for a
   * data-server node); only the source, transforms, decoder and seed matter.
   *
   * @return a new maker
   * @throws IllegalStateException if the source was not set
   */
  public SampleMaker buildMaker() {
    if (source == null) {
      throw new IllegalStateException("source is required: call source(...)");
    }
    return new LocalSampleMaker(this);
  }

  /**
   * Builds the loader and allocates its ring.
   *
   * @return a new loader, which the caller closes
   * @throws IllegalStateException if neither or both of the source and the supplier were set, or
   *     the ring was not
   * @throws IllegalArgumentException if the transforms do not end at a fixed size, or if a rank
   *     would get no sample in any epoch: a {@link #shard worldSize} above the dataset's size under
   *     {@link LastBatchPolicy#PARTIAL}, or, under {@link LastBatchPolicy#DROP}, fewer samples than
   *     one full batch per rank ({@code batchSize * worldSize}); the message names the parameter
   *     to change. Nothing is allocated or started before these checks.
   * @throws dev.stoker.api.MemoryLimitException (an {@code IllegalArgumentException}) if one sample
   *     would take more than {@code TransformPlan.MAX_SAMPLE_BYTES}, if a size does not fit in a
   *     {@code long}, or if the ring and sample buffers need more than {@link #maxOffHeapBytes}, or if
   *     the {@link #memoryBudget} cannot hold the smallest setting
   */
  public Loader build() {
    if (source == null && supplier == null) {
      throw new IllegalStateException("source is required: call source(...), or supplier(...) for samples processed "
          + "elsewhere");
    }
    if (source != null && supplier != null) {
      throw new IllegalStateException("give either source(...) or supplier(...), not both");
    }
    if (ringFactory == null) {
      throw new IllegalStateException("ring is required: call ring(factory, slots), e.g. ring(BatchRings.direct(), 4)");
    }
    return new ReactorLoader(this);
  }
}
