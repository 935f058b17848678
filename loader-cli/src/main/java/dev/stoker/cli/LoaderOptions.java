package dev.stoker.cli;

import dev.stoker.api.ImageDecoder;
import dev.stoker.api.SampleSource;
import dev.stoker.cuda.BatchRings;
import dev.stoker.image.ImageDecoders;
import dev.stoker.pipeline.Loader;
import dev.stoker.pipeline.LoaderBuilder;
import dev.stoker.pipeline.Presets;
import java.time.Duration;
import java.util.Locale;
import picocli.CommandLine.Option;

/** The options every command that loads data shares; they map one to one onto the builder. */
final class LoaderOptions {
  @Option(names = "--threads", paramLabel = "N", description = "decode and augment workers (default: cores)")
  int threads = Runtime.getRuntime().availableProcessors();

  @Option(names = "--batch", paramLabel = "B", description = "samples per batch (default: ${DEFAULT-VALUE})")
  int batch = 256;

  @Option(names = "--size", paramLabel = "S", description = "output height and width (default: ${DEFAULT-VALUE})")
  int size = 224;

  @Option(names = "--seed", paramLabel = "X", description = "seed of the order and the augmentations (default: ${DEFAULT-VALUE})")
  long seed;

  @Option(names = "--preset", paramLabel = "NAME", description = "imagenet-train, imagenet-eval, decode-only or "
      + "ssd300-train (always 300x300) (default: imagenet-train, or ssd300-train for a detection dataset)")
  String preset;

  @Option(names = "--max-boxes", paramLabel = "M",
      description = "boxes per sample in a batch, for detection (default: the most any image has)")
  Integer maxBoxes;

  @Option(names = "--ring-slots", paramLabel = "K", description = "batch slots in the ring, a power of two (default: ${DEFAULT-VALUE})")
  int ringSlots = 4;

  @Option(names = "--decoder", paramLabel = "NAME", description = "auto or imageio (default: ${DEFAULT-VALUE})")
  String decoder = "auto";

  @Option(names = "--no-shuffle", description = "visit samples in dataset order")
  boolean noShuffle;

  /** The preset that runs on {@code source}: the one asked for, or the default for its kind. */
  String presetFor(SampleSource source) {
    return preset != null ? preset : source.hasBoxes() ? "ssd300-train" : "imagenet-train";
  }

  /** The loader for {@code source}; {@code listTime} is how long opening it took, for the list stage. */
  Loader build(SampleSource source, Duration listTime) {
    LoaderBuilder builder = Loader.builder().listTime(listTime);
    if (maxBoxes != null) {
      builder.maxBoxes(maxBoxes);
    }
    return builder
        .source(source)
        .transforms(Presets.byName(presetFor(source), size))
        .decoder(decoder())
        .batchSize(batch)
        .threads(threads)
        .seed(seed)
        .shuffle(!noShuffle)
        .ring(BatchRings.direct(), ringSlots)
        .build();
  }

  ImageDecoder decoder() {
    return switch (decoder.toLowerCase(Locale.ROOT)) {
      case "auto" -> ImageDecoders.best();
      case "imageio" -> ImageDecoders.imageIo();
      default -> throw new IllegalArgumentException("--decoder: unknown '" + decoder + "'; known: auto, imageio");
    };
  }
}
