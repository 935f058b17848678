package dev.stoker.cli;

import dev.stoker.advice.Feasibility;
import dev.stoker.advice.FeasibilityAnswer;
import dev.stoker.advice.FeedAdvice;
import dev.stoker.advice.FeedAdvisor;
import dev.stoker.advice.FeedFacts;
import dev.stoker.advice.Hardware;
import dev.stoker.advice.ModelFamily;
import dev.stoker.advice.ModelMemory;
import dev.stoker.advice.Workload;
import dev.stoker.api.Bottleneck.Bound;
import dev.stoker.api.SampleSource;
import dev.stoker.cuda.CudaStatus;
import dev.stoker.dataset.Sources;
import dev.stoker.image.TransformPlan;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code stoker doctor DIR}: can this machine feed the training, and does the model fit? On a
 * sample of the dataset it measures cold and cached reads ({@link ReadProbe}), decode+augment per
 * core through the loader ({@link RecipeProbe}), the memory free for a cache against the dataset's
 * sizes ({@link DatasetProbe}, {@link MemoryProbe}) and the GPU ({@link GpuProbe}); then it asks
 * {@link FeedAdvisor} (the rules the bench verdict uses) and {@link Feasibility}, and prints the
 * answer as sentences, each figure with how it was measured ({@link DoctorReport}); with
 * {@code --json} the last stdout line is one JSON object. Never uses the network.
 */
@Command(name = "doctor", mixinStandardHelpOptions = true,
    description = "Measures, on a sample of a dataset and this machine, cold and cached reads, decode+augment "
        + "images/s per core, memory against the dataset's size and the GPU; estimates a model's GPU memory; "
        + "says what this machine can feed, what the target needs (cores, nodes, a cache) and whether training is "
        + "feasible, feasible with changes, or not.")
final class DoctorCommand implements Callable<Integer> {
  /** The seed of the sample's choice: the same sample every time. */
  static final long SAMPLE_SEED = 19;

  @Parameters(index = "0", arity = "0..1", paramLabel = "DIR",
      description = "a dataset: an ImageFolder tree, a COCO directory (annotations.json + images/), a VOC directory, a .csv/.jsonl manifest, a packed dataset or tar shards (a directory, a descriptor or a .tar), or an s3://bucket/prefix or http(s):// location")
  String dir;

  @Mixin
  DatasetOptions dataset = new DatasetOptions();

  @Option(names = "--target-images-per-s", paramLabel = "N",
      description = "the images/s the training must be fed (or give --gpu-step-ms and --batch)")
  Double target;

  @Option(names = "--gpu-step-ms", paramLabel = "MS",
      description = "the training step's time per batch on the GPU, in ms: the target is --batch / MS")
  Double stepMillis;

  @Option(names = "--batch", paramLabel = "B",
      description = "images per training step, for --gpu-step-ms and --model (default with --model: 32)")
  Integer batch;

  @Option(names = "--model", paramLabel = "NAME", description = "estimate this model's GPU memory at --batch "
      + "and the output size: resnet18, resnet50, mobilenet_v3_large, efficientnet_b0, vit_b_16, ssd300_vgg16, "
      + "ssdlite320_mobilenet_v3, fasterrcnn_resnet50_fpn, retinanet_resnet50_fpn or yolov5s")
  String model;

  @Option(names = "--optimizer", paramLabel = "NAME", description = "with --model: sgd (with momentum) or adam, "
      + "whose state is counted (default: sgd)")
  String optimizer;

  @Option(names = "--gpu-memory", paramLabel = "SIZE", converter = ByteSize.class, description = "with --model: "
      + "the training GPU's memory, e.g. 24g, when it is not this machine's (default: the GPU measured here)")
  Long gpuMemory;

  @Option(names = "--preset", paramLabel = "NAME", description = "the recipe measured: ${COMPLETION-CANDIDATES} "
      + "(default: imagenet-train, or ssd300-train for a detection dataset)")
  Choices.Preset preset;

  @Option(names = "--size", paramLabel = "S", description = "output height and width of the preset (default: 224)")
  Integer size;

  @Option(names = "--transforms", paramLabel = "SPEC", description = "the recipe measured, instead of --preset "
      + "and --size: a SPEC as bench takes it")
  String transforms;

  @Option(names = "--sample", paramLabel = "N", description = "images measured, chosen at random "
      + "(default: ${DEFAULT-VALUE}, or all of a smaller dataset)")
  int sample = 200;

  @Option(names = "--json", description = "end with the answer as one JSON object on the last line")
  boolean json;

  @Override
  public Integer call() throws Exception {
    check();
    LoaderOptions recipe = recipeOptions();
    ModelFamily family = model == null ? null : family();
    try (DatasetOptions opened = dataset) {
      return doctor(recipe, family, opened.open(dir));
    }
  }

  private int doctor(LoaderOptions recipe, ModelFamily family, SampleSource source) {
    Summaries.printWarnings(source, System.err);
    if (source.size() == 0) {
      throw new IllegalStateException("the dataset has no images: nothing to measure");
    }
    int[] indices = DatasetProbe.sample(source.size(), sample, SAMPLE_SEED);
    SampleSource sampled = Sources.subset(source, indices);
    String recipeText = recipe.describeTransforms(source.hasBoxes());
    System.err.printf("doctor: %s; measuring %,d of %,d images, %s%n", source.description(), indices.length,
        source.size(), recipeText);

    ReadProbe reads = new ReadProbe(System::nanoTime);
    DatasetProbe.Encoded encoded;
    ReadProbe.Rate cold;
    ReadProbe.Rate cached;
    if (dir != null && DatasetLocations.packed(dir)) {
      // its samples are members of shards or objects, not local files: O_DIRECT has nothing to open
      System.err.println("doctor: a packed or remote dataset: reads are measured through its store, a first and a "
          + "second pass over the sample, not with O_DIRECT on local files");
      cold = reads.sourceReads(source, indices, 1);   // first: nothing has read the samples yet
      cached = reads.sourceReads(source, indices, 2);
      encoded = DatasetProbe.encoded(cold, source.size());
    } else {
      encoded = DatasetProbe.encoded(source);
      List<Path> files = DatasetProbe.files(source, indices);
      cold = reads.cold(files);          // first: nothing has read the files yet
      cached = reads.cached(files);
    }
    DatasetProbe.Pixels pixels = DatasetProbe.pixels(source, indices, recipe.decoder());
    RecipeProbe perCore = RecipeProbe.measure(sampled, recipe, recipeText);
    MemoryProbe memory = MemoryProbe.measure();
    GpuProbe gpu = GpuProbe.measure(CudaStatus.probe(), System::nanoTime);
    int cores = Runtime.getRuntime().availableProcessors();

    TransformPlan plan = TransformPlan.compile(recipe.transformsFor(source.hasBoxes()));
    int width = plan.outputWidth();
    int height = plan.outputHeight();
    double targetRate = target != null ? target
        : stepMillis != null ? batch / (stepMillis / 1000) : Double.POSITIVE_INFINITY;
    String targetMethod = target != null ? "--target-images-per-s"
        : stepMillis != null ? String.format(Locale.ROOT, "--batch %d / --gpu-step-ms %s", batch, stepMillis)
        : "none given";
    ModelMemory asked = family == null ? null : ModelMemory.estimate(family, batch == null ? DEFAULT_BATCH : batch,
        width, height, optimizer(), false);

    long decoded = pixels.decodedBytes(source.size());
    double decodeRate = cores * perCore.perCoreImagesPerSecond();
    double coldRate = cold.imagesPerSecond();
    Bound bound = coldRate < decodeRate ? Bound.READ
        : perCore.augmentShare() >= FeedAdvisor.AUGMENT_DOMINANT_SHARE ? Bound.AUGMENT : Bound.DECODE;
    FeedFacts facts = new FeedFacts(bound, Math.min(decodeRate, coldRate), targetRate, cores, cores,
        perCore.perCoreImagesPerSecond(), perCore.augmentShare(), coldRate, cached.imagesPerSecond(), encoded.bytes(),
        decoded, memory.bytes(), pixels.meanPixels(), (long) width * height, false, 0);
    FeedAdvice feed = FeedAdvisor.advise(facts);
    long gpuBytes = gpuMemory != null ? gpuMemory : gpu.usable() ? gpu.totalBytes() : -1;
    Hardware hardware = new Hardware(cores, memory.bytes(), gpuBytes, gpu.hostToDeviceBytesPerSecond());
    Workload workload = new Workload(feed, targetRate, perCore.perCoreImagesPerSecond(), coldRate,
        cached.imagesPerSecond(), encoded.bytes(), decoded, asked);
    FeasibilityAnswer answer = Feasibility.judge(workload, hardware);

    DoctorReport report = new DoctorReport(source.description(), source.size(), indices.length,
        recipe.presetFor(source.hasBoxes()), recipe.formatTransforms(source.hasBoxes()), width, height, encoded,
        pixels, decoded, cold, cached, perCore, cores, memory, gpu, gpuMemory != null, hardware, targetRate,
        targetMethod, asked, feed, answer);
    report.printSentences(System.out);
    if (json) {
      System.out.println(report.json());
    }
    return 0;
  }

  /** The batch the model estimate uses when none is given. */
  static final int DEFAULT_BATCH = 32;

  /**
   * Refuses contradicting, ignored and out-of-range options before anything is opened.
   *
   * @throws UsageException naming the option
   */
  void check() {
    if (target != null && stepMillis != null) {
      throw new UsageException("--target-images-per-s and --gpu-step-ms both give the target; give one");
    }
    if (target != null && !(target > 0 && Double.isFinite(target))) {
      throw new UsageException("--target-images-per-s: must be more than 0, got " + target);
    }
    if (stepMillis != null && !(stepMillis > 0 && Double.isFinite(stepMillis))) {
      throw new UsageException("--gpu-step-ms: must be more than 0, got " + stepMillis);
    }
    if (stepMillis != null && batch == null) {
      throw new UsageException("--gpu-step-ms needs --batch B (the images each step takes): the target is B / MS");
    }
    if (batch != null) {
      LoaderOptions.atLeast("--batch", batch, 1);
      if (stepMillis == null && model == null) {
        throw new UsageException("--batch has no effect without --gpu-step-ms or --model; leave it out");
      }
    }
    if (model == null && (optimizer != null || gpuMemory != null)) {
      throw new UsageException((optimizer != null ? "--optimizer" : "--gpu-memory") + " has no effect without "
          + "--model NAME; leave it out");
    }
    LoaderOptions.atLeast("--sample", sample, 1);
  }

  private ModelFamily family() {
    try {
      return ModelFamily.byName(model);
    } catch (IllegalArgumentException e) {
      throw new UsageException("--model: " + e.getMessage().replaceFirst("^name: ", ""), e);
    }
  }

  private ModelMemory.Optimizer optimizer() {
    if (optimizer == null || optimizer.equalsIgnoreCase("sgd")) {
      return ModelMemory.Optimizer.SGD_MOMENTUM;
    }
    if (optimizer.equalsIgnoreCase("adam")) {
      return ModelMemory.Optimizer.ADAM;
    }
    throw new UsageException("--optimizer: '" + optimizer + "' is not one of sgd, adam");
  }

  /** The loader options of the measured recipe: one worker, dataset order, no shard, no cache. */
  private LoaderOptions recipeOptions() {
    LoaderOptions options = new LoaderOptions();
    options.preset = preset;
    options.size = size;
    options.transformsOption = transforms;
    options.threadsOption = 1;
    options.batch = Math.min(32, sample);
    options.noShuffle = true;
    options.rank = 0;
    options.worldSize = 1;
    options.check();   // reads --transforms; refuses it beside --preset or --size, naming them
    if (!options.batchTransforms.isEmpty()) {
      options.batchTransforms = List.of();   // MixUp/CutMix mix whole batches after the workers: not per core
    }
    optimizer();   // an unknown --optimizer is refused before anything is measured
    return options;
  }
}
