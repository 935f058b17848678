package dev.stoker.cli;

import dev.stoker.api.FailurePolicy;
import dev.stoker.api.ImageDecoder;
import dev.stoker.api.LastBatchPolicy;
import dev.stoker.api.MemoryLimitException;
import dev.stoker.api.SampleFailure;
import dev.stoker.api.SampleSource;
import dev.stoker.api.BatchTransformSpec;
import dev.stoker.api.TransformSpec;
import dev.stoker.api.BatchRing;
import dev.stoker.ring.BatchRings;
import dev.stoker.decode.ImageDecoders;
import dev.stoker.image.TransformPlan;
import dev.stoker.pipeline.CachingSource;
import dev.stoker.pipeline.Loader;
import dev.stoker.pipeline.LoaderBuilder;
import dev.stoker.pipeline.Presets;
import dev.stoker.pipeline.SampleCaches;
import dev.stoker.pipeline.ShardEnvironment;
import dev.stoker.pipeline.TransformSpecs;
import java.io.IOException;
import java.nio.file.InvalidPathException;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.function.Consumer;
import java.util.function.Function;
import picocli.CommandLine.Option;

/** The options every command that loads data shares; they map one to one onto the builder. */
final class LoaderOptions {
  @Option(names = "--threads", paramLabel = "N", description = "decode and augment workers (default: cores, or "
      + "what --memory allows)")
  Integer threadsOption;

  /** The workers asked for: {@code --threads}, else the cores (set by {@link #check()}; the loader's tuning says what runs). */
  int threads = Runtime.getRuntime().availableProcessors();

  @Option(names = "--in-flight", paramLabel = "N", description = "samples read or decoded at once, ahead of the "
      + "ring (default: 4 x threads, or what --memory allows)")
  Integer inFlight;

  @Option(names = "--memory", paramLabel = "SIZE", converter = ByteSize.class,
      description = "a memory budget, e.g. 1g: the loader chooses --threads, --in-flight and --ring-slots (those not "
          + "given) inside it, counting ring, sample buffers and each worker's read buffer and scratch, and parks "
          + "workers the consumer cannot use after timing the first batches; the summary says what it chose "
          + "(default: no budget, the settings as given)")
  Long memory;

  @Option(names = "--batch", paramLabel = "B", description = "samples per batch (default: ${DEFAULT-VALUE})")
  int batch = 256;

  /** The output's height and width when no {@code --size} is given. */
  static final int DEFAULT_SIZE = 224;

  @Option(names = "--size", paramLabel = "S", description = "output height and width of a preset (default: 224)")
  Integer size;

  @Option(names = "--transforms", paramLabel = "SPEC", description = "the transforms, instead of --preset and "
      + "--size: a SPEC such as \"RandomResizedCrop(224), HorizontalFlip, RandAugment(n=2, m=9)\" (steps and "
      + "defaults in the README; a preset is a step too: imagenet-train(160); MixUp(0.2) or CutMix(1.0) at the end "
      + "mix whole batches), or a JSON list in @FILE or FILE.json")
  String transformsOption;

  /** The steps {@code --transforms} names, read by {@link #check()}; null without it. */
  List<TransformSpec> transforms;

  /** The batch steps ({@code MixUp}, {@code CutMix}) a {@code --transforms} SPEC ends with; empty for none. */
  List<BatchTransformSpec> batchTransforms = List.of();

  @Option(names = "--seed", paramLabel = "X", description = "seed of the order and the augmentations (default: ${DEFAULT-VALUE})")
  long seed;

  @Option(names = "--preset", paramLabel = "NAME", description = "${COMPLETION-CANDIDATES} (the ssd300 "
      + "ones are always 300x300) (default: imagenet-train, or ssd300-train for a detection dataset)")
  Choices.Preset preset;

  @Option(names = "--max-boxes", paramLabel = "M",
      description = "boxes per sample in a batch, for detection (default: the most any image has)")
  Integer maxBoxes;

  @Option(names = "--ring-slots", paramLabel = "K",
      description = "batch slots in the ring, a power of two: how many batches may be ready ahead of the consumer "
          + "(default: 4, or what --memory allows)")
  Integer ringSlotsOption;

  /** The slots asked for: {@code --ring-slots}, else 4 (set by {@link #check()}). */
  int ringSlots = 4;

  @Option(names = "--max-off-heap", paramLabel = "SIZE", converter = ByteSize.class,
      description = "the most memory the ring and sample buffers may take, e.g. 8g; larger settings are refused "
          + "before anything is allocated (default: physical memory less the Java heap)")
  Long maxOffHeap;

  @Option(names = "--decoder", paramLabel = "NAME", description = "${COMPLETION-CANDIDATES}: auto takes the "
      + "native libjpeg-turbo/libpng decoder out of the jar, copied once into $XDG_CACHE_HOME/stoker/native or "
      + "~/.cache/stoker/native (STOKER_NATIVE_CACHE=DIR or -Dstoker.native.cache=DIR through STOKER_JAVA_OPTS choose "
      + "another folder), and ImageIO where it cannot load, saying why in the summary (default: ${DEFAULT-VALUE})")
  Choices.Decoder decoder = Choices.Decoder.AUTO;

  @Option(names = "--full-scale", description = "decode every image at full size, never at a DCT scale (1/2, 1/4, "
      + "1/8): the exact-reference mode, within about 0.1 level of torchvision's Resize + CenterCrop on PIL, at "
      + "+28%% CPU per image on 500-1000 pixel photographs and +73%% on 6-12 MP ones (default: scale when a crop is at "
      + "least twice the output)")
  boolean fullScale;

  @Option(names = "--no-shuffle", description = "visit samples in dataset order")
  boolean noShuffle;

  @Option(names = "--rank", paramLabel = "R", description = "this process's rank, for sharding (default: the RANK "
      + "variable a torchrun-style launcher sets when neither --rank nor --world-size is given, else 0)")
  Integer rank;

  @Option(names = "--world-size", paramLabel = "W", description = "ranks sharing each epoch (default: WORLD_SIZE "
      + "when neither --rank nor --world-size is given, else 1)")
  Integer worldSize;

  /** Where RANK and WORLD_SIZE are looked up; the process environment, a map in tests. */
  Function<String, String> environment = LoaderOptions::launcherVariable;

  /** The shard that runs, set by {@link #check()}: the options, else RANK and WORLD_SIZE, else (0, 1). */
  int shardRank;
  int shardWorldSize = 1;
  /** For the run line: empty, or how the shard came from the environment. */
  String shardOrigin = "";

  @Option(names = "--last-batch", paramLabel = "POLICY",
      description = "${COMPLETION-CANDIDATES}: partial delivers every sample once, the last batch short; drop "
          + "leaves out the short batch; fill tops it up with samples from the epoch's start (default: ${DEFAULT-VALUE})")
  Choices.LastBatch lastBatch = Choices.LastBatch.PARTIAL;

  @Option(names = "--on-failure", paramLabel = "POLICY", description = "skip (default), fail-fast, a count N "
      + "of failures allowed per epoch, or a share P%% of each epoch")
  String onFailure = "skip";

  @Option(names = "--failures", paramLabel = "FILE",
      description = "write every failed sample to FILE as it happens, one JSON object per line (epoch, index, "
          + "source, error), also when the run then fails or is interrupted; FILE is created before the run")
  Path failuresFile;

  @Option(names = "--cache-bytes", paramLabel = "SIZE", converter = ByteSize.class,
      description = "keep samples in memory (Java heap) up to SIZE bytes, e.g. 512m or 4g; at most the heap less "
          + "a quarter (at least 64m), which the decode workers need (default: no cache)")
  Long cacheBytes;

  @Option(names = "--cache-kind", paramLabel = "KIND", description = "with --cache-bytes: ${COMPLETION-CANDIDATES}: "
      + "encoded keeps file bytes, decoded keeps pixels, shorter side shrunk to 8/7 of the output (default: encoded)")
  Choices.CacheKind cacheKind;

  /** Where the loader's meters go besides its own registry (a Prometheus one for --metrics-port), or null. */
  MeterRegistry meters;

  @Option(names = "--lenient", description = "deliver JPEGs on which libjpeg reports corrupt data (its best effort, "
      + "gray where data is missing) instead of failing them; the native decoder only")
  boolean lenient;

  /** bench --literal-order (issue 19): the steps as written, set by the command, not an option here. */
  boolean literalOrder;
  /** bench --target-images-per-s: the rate the advice is judged against; NaN: the consumer's. */
  double adviceTarget = Double.NaN;

  /** The output's height and width for a preset: {@code --size}, else {@value #DEFAULT_SIZE}. */
  int size() {
    return size == null ? DEFAULT_SIZE : size;
  }

  /**
   * Reads {@code --transforms} (a SPEC, or a JSON file: {@code @FILE} or a name ending in {@code .json}),
   * refusing it beside {@code --preset} or {@code --size} and compiling it once, so that a step
   * that cannot run is a usage error before anything is opened.
   *
   * @throws UsageException naming {@code --transforms}, with the SPEC and a caret under the offending token
   */
  private void readTransforms() {
    if (transformsOption == null) {
      return;
    }
    if (preset != null || size != null) {
      throw new UsageException("--transforms names every step and size; leave out " + (preset != null ? "--preset"
          : "--size") + " (a SPEC may name a preset with its size, e.g. --transforms 'imagenet-train(160)')");
    }
    String value = transformsOption.strip();
    boolean file = value.startsWith("@") || value.toLowerCase(Locale.ROOT).endsWith(".json");
    try {
      if (file) {
        Path path = Path.of(value.startsWith("@") ? value.substring(1) : value);
        try {
          transforms = TransformSpecs.readJson(path);
        } catch (IOException e) {
          throw new UsageException("--transforms " + value + ": cannot read it (" + e.getClass().getSimpleName()
              + ": " + e.getMessage() + ")", e);
        }
      } else {
        TransformSpecs.Recipe recipe = TransformSpecs.parseRecipe(transformsOption);
        transforms = recipe.transforms();
        batchTransforms = recipe.batchTransforms();
      }
    } catch (InvalidPathException e) {
      throw new UsageException("--transforms " + value + ": not a file name (" + e.getReason() + ")", e);
    } catch (UsageException e) {
      throw e;
    } catch (IllegalArgumentException e) {
      throw new UsageException("--transforms: " + e.getMessage(), e);
    }
    try {
      TransformPlan.compile(transforms);
    } catch (IllegalArgumentException e) {   // MemoryLimitException too: exit status 2 either way
      String message = String.valueOf(e.getMessage()).replaceFirst("^specs:? ", "")
          .replace(transforms.toString(), TransformSpecs.format(transforms));
      for (TransformSpec spec : transforms) {   // the plan names steps as records; the user wrote a SPEC
        message = message.replace(spec.toString(), TransformSpecs.format(List.of(spec)));
      }
      throw new UsageException("--transforms: " + message, e);
    }
  }

  /** The steps that run on a dataset with or without boxes: {@code --transforms}, else the preset at its size. */
  List<TransformSpec> transformsFor(boolean hasBoxes) {
    return transforms != null ? transforms : Presets.byName(presetFor(hasBoxes), size());
  }

  /**
   * How the run line names its transforms: {@code preset imagenet-train}, or {@code transforms
   * RandomResizedCrop(160), HorizontalFlip}.
   */
  String describeTransforms(boolean hasBoxes) {
    return transforms != null ? "transforms " + formatTransforms(hasBoxes) : "preset " + presetFor(hasBoxes);
  }

  /** The canonical SPEC of what runs: the per-sample steps, then the batch steps. */
  String formatTransforms(boolean hasBoxes) {
    return TransformSpecs.format(new TransformSpecs.Recipe(transformsFor(hasBoxes), batchTransforms));
  }

  /**
   * The preset that runs on a dataset with or without boxes: the one asked for, or the default for
   * its kind; null with {@code --transforms}.
   */
  String presetFor(boolean hasBoxes) {
    if (transforms != null) {
      return null;
    }
    return (preset != null ? preset : hasBoxes ? Choices.Preset.SSD300_TRAIN : Choices.Preset.IMAGENET_TRAIN).toString();
  }

  /**
   * Refuses, before anything is opened, values out of range (named as typed: {@code --batch}, not
   * the builder's {@code batchSize}) and options that would be ignored: {@code --cache-kind}
   * without {@code --cache-bytes}.
   *
   * @throws UsageException naming the option
   */
  void check() {
    if (threadsOption != null) {
      atLeast("--threads", threadsOption, 1);
      threads = threadsOption;
    }
    if (inFlight != null) {
      atLeast("--in-flight", inFlight, 1);
    }
    if (memory != null) {
      atLeast("--memory", memory, 1);
    }
    if (ringSlotsOption != null) {
      ringSlots = ringSlotsOption;
    }
    atLeast("--batch", batch, 1);
    if (size != null) {
      atLeast("--size", size, 1);
    }
    readTransforms();
    if (ringSlots < 1 || Integer.bitCount(ringSlots) != 1) {
      throw new UsageException("--ring-slots: must be a power of two (1, 2, 4, 8, ...), got " + ringSlots);
    }
    shard();
    if (maxBoxes != null) {
      atLeast("--max-boxes", maxBoxes, 0);
    }
    failurePolicy();
    if (cacheKind != null && cacheBytes == null) {
      throw new UsageException("--cache-kind " + cacheKind + " has no effect without --cache-bytes SIZE "
          + "(the cache's size, e.g. 2g)");
    }
  }

  /**
   * Resolves the shard: {@code --rank}/{@code --world-size} when either is given (the environment
   * is then not read), else {@code RANK} and {@code WORLD_SIZE} when a launcher set them, else (0, 1).
   *
   * @throws UsageException naming the option or the variable
   */
  private void shard() {
    if (rank == null && worldSize == null) {
      Optional<ShardEnvironment> launched;
      try {
        launched = ShardEnvironment.read(environment);
      } catch (IllegalArgumentException e) {
        throw new UsageException(e.getMessage() + "; or give --rank and --world-size, which win over them", e);
      }
      launched.ifPresent(shard -> {
        shardRank = shard.rank();
        shardWorldSize = shard.worldSize();
        shardOrigin = "; rank " + shardRank + " of " + shardWorldSize + " from RANK and WORLD_SIZE";
      });
      return;
    }
    shardRank = rank == null ? 0 : rank;
    shardWorldSize = worldSize == null ? 1 : worldSize;
    atLeast("--world-size", shardWorldSize, 1);
    if (shardRank < 0 || shardRank >= shardWorldSize) {
      throw new UsageException("--rank: must be in [0, --world-size " + shardWorldSize + "), got " + shardRank);
    }
  }

  /**
   * The launcher variables the CLI reads, each named in a {@code getenv} call so that the
   * documentation check finds them.
   *
   * @param name {@code RANK} or {@code WORLD_SIZE}
   * @return its value, null when not set
   */
  static String launcherVariable(String name) {
    return switch (name) {
      case ShardEnvironment.RANK -> System.getenv("RANK");
      case ShardEnvironment.WORLD_SIZE -> System.getenv("WORLD_SIZE");
      default -> throw new IllegalArgumentException("name: not a launcher variable: " + name);
    };
  }

  /**
   * Refuses {@code value} of {@code option} below {@code min}.
   *
   * @throws UsageException naming {@code option}
   */
  static void atLeast(String option, long value, long min) {
    if (value < min) {
      throw new UsageException(option + ": must be at least " + min + ", got " + value);
    }
  }

  /**
   * The builder's parameter names and the options that set them: a builder's refusal
   * ({@code batchSize: must be positive}) reaches the user as {@code --batch: must be positive}.
   */
  private static final Map<String, String> OPTION_OF = Map.ofEntries(Map.entry("batchSize", "--batch"),
      Map.entry("threads", "--threads"), Map.entry("slots", "--ring-slots"), Map.entry("worldSize", "--world-size"),
      Map.entry("rank", "--rank"), Map.entry("maxBoxes", "--max-boxes"), Map.entry("maxOffHeapBytes", "--max-off-heap"),
      Map.entry("specs", "--size"), Map.entry("size", "--size"), Map.entry("maxBytes", "--cache-bytes"),
      Map.entry("memoryBudget", "--memory"), Map.entry("inFlight", "--in-flight"));
  /** Parameter names inside a builder's sentence, and the options to say instead. */
  private static final Pattern INSIDE = Pattern.compile("\\b(batchSize|worldSize|maxOffHeapBytes|memoryBudget)\\b=?");
  private static final Pattern LAST_BATCH = Pattern.compile("\\blastBatch ([A-Z]+)( or ([A-Z]+))?");

  /**
   * {@code e} with the builder's parameter names in its message ({@code batchSize: 100 with
   * lastBatch DROP ...}) replaced by the options that set them ({@code --batch: 100 with
   * --last-batch drop ...}): a {@link UsageException}, or a {@link MemoryLimitException} if it was
   * one (both exit with status 2). A {@link UsageException} is returned as it is.
   */
  static IllegalArgumentException named(IllegalArgumentException e) {
    if (e instanceof UsageException) {
      return e;
    }
    String message = e.getMessage() == null ? e.toString() : e.getMessage();
    int colon = message.indexOf(':');
    String option = colon > 0 ? OPTION_OF.get(message.substring(0, colon)) : null;
    String text = option == null ? message : option + message.substring(colon);
    text = LAST_BATCH.matcher(text).replaceAll(m -> "--last-batch " + m.group(1).toLowerCase(Locale.ROOT)
        + (m.group(3) == null ? "" : " or " + m.group(3).toLowerCase(Locale.ROOT)));
    text = INSIDE.matcher(text).replaceAll(m -> OPTION_OF.get(m.group(1)) + (m.group().endsWith("=") ? " " : ""));
    if (e instanceof MemoryLimitException) {
      MemoryLimitException renamed = new MemoryLimitException(text);
      renamed.initCause(e);
      return renamed;
    }
    return new UsageException(text, e);
  }

  /** The loader for {@code input}; {@code listTime} is how long opening it took, for the list stage. */
  Loader build(Input input, Duration listTime) {
    return build(input, listTime, BatchRings.direct());
  }

  /** The loader these options describe, over rings from {@code rings} (e.g. a DeviceFeed's). */
  Loader build(Input input, Duration listTime, BatchRing.Factory rings) {
    return build(input, listTime, rings, failure -> { });
  }

  /** As {@link #build(Input, Duration, BatchRing.Factory)}, telling {@code onFailure} of each failed sample. */
  Loader build(Input input, Duration listTime, BatchRing.Factory rings, Consumer<SampleFailure> onFailure) {
    try {
      return configure(input, listTime, rings, onFailure).build();
    } catch (IllegalArgumentException e) {
      throw named(e);   // a builder's check names its parameter; the user typed an option
    }
  }

  private LoaderBuilder configure(Input input, Duration listTime, BatchRing.Factory rings,
      Consumer<SampleFailure> onFailure) {
    LoaderBuilder builder = Loader.builder().listTime(listTime).onFailure(onFailure);
    if (meters != null) {
      builder.meterRegistry(meters);
    }
    if (maxBoxes != null && maxBoxes > 0 && !input.hasBoxes()) {
      throw new UsageException("--max-boxes: this dataset has no boxes (a classification set, labels by "
          + "class); leave it out");
    }
    if (maxBoxes != null) {
      builder.maxBoxes(maxBoxes);
    }
    if (maxOffHeap != null) {
      builder.maxOffHeapBytes(maxOffHeap);
    }
    if (memory != null) {
      builder.memoryBudget(memory);
    }
    if (inFlight != null) {
      builder.inFlight(inFlight);
    }
    if (threadsOption != null || memory == null) {
      builder.threads(threads);
    }
    if (ringSlotsOption != null) {
      builder.ring(rings, ringSlotsOption);
    } else {
      builder.ring(rings);
    }
    if (adviceTarget > 0) {
      builder.adviceTarget(adviceTarget);
    }
    return input.into(builder, this::cached)
        .transforms(transformsFor(input.hasBoxes()))
        .batchTransforms(batchTransforms)
        .decoder(decoder())
        .batchSize(batch)
        .seed(seed)
        .shuffle(!noShuffle)
        .shard(shardRank, shardWorldSize)
        .lastBatch(lastBatchPolicy())
        .failurePolicy(failurePolicy())
        .literalOrder(literalOrder);
  }

  LastBatchPolicy lastBatchPolicy() {
    return lastBatch.policy;
  }

  FailurePolicy failurePolicy() {
    String policy = onFailure.trim().toLowerCase(Locale.ROOT);
    try {
      if (policy.equals("skip")) {
        return FailurePolicy.skip();
      } else if (policy.equals("fail-fast")) {
        return FailurePolicy.failFast();
      } else if (policy.endsWith("%")) {
        return FailurePolicy.budgetFraction(Double.parseDouble(policy.substring(0, policy.length() - 1)) / 100);
      } else {
        return FailurePolicy.budget(Long.parseLong(policy));
      }
    } catch (IllegalArgumentException e) {
      throw new UsageException("--on-failure: '" + onFailure
          + "' is not skip, fail-fast, a count (e.g. 10) or a share (e.g. 0.5%)");
    }
  }

  /**
   * {@code source} in the cache that {@code --cache-bytes} and {@code --cache-kind} ask for, or
   * {@code source} itself without {@code --cache-bytes} or if it is already cached (so a command
   * may wrap first, keep the {@link CachingSource} for its stats, and pass it to {@link #build}).
   */
  SampleSource cached(SampleSource source) {
    if (cacheBytes == null || source instanceof CachingSource) {
      return source;
    }
    long heap = Runtime.getRuntime().maxMemory();
    long limit = cacheLimit(heap);
    if (cacheBytes > limit) {
      throw new UsageException("--cache-bytes: " + mebibytes(cacheBytes) + " of a " + mebibytes(heap)
          + " Java heap leaves the decode workers too little room to work; cache at most " + mebibytes(limit)
          + " (a quarter of the heap, and at least 64 MiB, stays free for decoding) or raise the heap "
          + "(STOKER_JAVA_OPTS=-Xmx...)");
    }
    Choices.CacheKind kind = cacheKind == null ? Choices.CacheKind.ENCODED : cacheKind;
    return switch (kind) {
      case ENCODED -> SampleCaches.encoded(source, cacheBytes);
      case DECODED -> {
        TransformPlan plan = TransformPlan.compile(transformsFor(source.hasBoxes()));
        int side = Math.max(plan.outputWidth(), plan.outputHeight()) * 8 / 7;
        try {
          yield SampleCaches.decoded(source, cacheBytes, side, decoder());
        } catch (IllegalArgumentException e) {
          throw new UsageException(e.getMessage().replaceFirst("^maxBytes", "--cache-bytes"), e);
        }
      }
    };
  }

  /**
   * The most {@code --cache-bytes} may be on a Java heap of {@code heap} bytes: the cache lives on
   * the heap, and the decode workers need the rest (a quarter of it, at least 64 MiB) for their
   * working set; a cache that took nearly all of it left them dying of {@link OutOfMemoryError}.
   */
  static long cacheLimit(long heap) {
    return heap - Math.max(heap / 4, 64L << 20);
  }

  private static String mebibytes(long bytes) {
    return String.format(Locale.ROOT, "%.1f MiB", bytes / (double) (1 << 20));
  }

  ImageDecoder decoder() {
    ImageDecoder chosen = switch (decoder) {
      case AUTO -> ImageDecoders.best(ImageDecoders.DEFAULT_MAX_PIXELS, lenient);
      case IMAGEIO -> ImageDecoders.imageIo();
    };
    return fullScale ? ImageDecoders.fullScale(chosen) : chosen;
  }
}
