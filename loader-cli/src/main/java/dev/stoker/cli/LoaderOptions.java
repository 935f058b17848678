package dev.stoker.cli;

import dev.stoker.api.ImageDecoder;
import dev.stoker.api.SampleSource;
import dev.stoker.cuda.BatchRings;
import dev.stoker.image.ImageDecoders;
import dev.stoker.image.TransformPlan;
import dev.stoker.pipeline.CachingSource;
import dev.stoker.pipeline.Loader;
import dev.stoker.pipeline.LoaderBuilder;
import dev.stoker.pipeline.Presets;
import dev.stoker.pipeline.SampleCaches;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

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

  @Option(names = "--cache-bytes", paramLabel = "SIZE", converter = ByteSize.class,
      description = "keep samples in memory (Java heap) up to SIZE bytes, e.g. 512m or 4g (default: no cache)")
  Long cacheBytes;

  @Option(names = "--cache-kind", paramLabel = "KIND", description = "with --cache-bytes: encoded (file bytes) or "
      + "decoded (pixels, shorter side shrunk to 8/7 of the output) (default: ${DEFAULT-VALUE})")
  String cacheKind = "encoded";

  /** The preset that runs on {@code source}: the one asked for, or the default for its kind. */
  String presetFor(SampleSource source) {
    return preset != null ? preset : source.hasBoxes() ? "ssd300-train" : "imagenet-train";
  }

  Loader build(SampleSource source) {
    LoaderBuilder builder = Loader.builder();
    if (maxBoxes != null) {
      builder.maxBoxes(maxBoxes);
    }
    return builder
        .source(cached(source))
        .transforms(Presets.byName(presetFor(source), size))
        .decoder(decoder())
        .batchSize(batch)
        .threads(threads)
        .seed(seed)
        .shuffle(!noShuffle)
        .ring(BatchRings.direct(), ringSlots)
        .build();
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
    if (cacheBytes >= heap) {
      throw new IllegalArgumentException("--cache-bytes: " + cacheBytes + " bytes do not fit in the Java heap of "
          + heap + " bytes; raise it (STOKER_JAVA_OPTS=-Xmx...) or cache less");
    }
    return switch (cacheKind.toLowerCase(Locale.ROOT)) {
      case "encoded" -> SampleCaches.encoded(source, cacheBytes);
      case "decoded" -> {
        TransformPlan plan = TransformPlan.compile(Presets.byName(presetFor(source), size));
        int side = Math.max(plan.outputWidth(), plan.outputHeight()) * 8 / 7;
        yield SampleCaches.decoded(source, cacheBytes, side, decoder());
      }
      default -> throw new IllegalArgumentException("--cache-kind: unknown '" + cacheKind + "'; known: encoded, decoded");
    };
  }

  /** Reads a byte count: digits with an optional k, m, g or t suffix (powers of 1024), e.g. {@code 512m}. */
  static final class ByteSize implements ITypeConverter<Long> {
    @Override
    public Long convert(String value) {
      String v = value.trim().toLowerCase(Locale.ROOT);
      int shift = v.isEmpty() ? 0 : switch (v.charAt(v.length() - 1)) {
        case 'k' -> 10;
        case 'm' -> 20;
        case 'g' -> 30;
        case 't' -> 40;
        default -> 0;
      };
      String digits = shift == 0 ? v : v.substring(0, v.length() - 1);
      long n;
      try {
        n = Long.parseLong(digits);
      } catch (NumberFormatException e) {
        throw new TypeConversionException("'" + value + "' is not a size; use e.g. 512m or 4g");
      }
      if (n <= 0 || n > Long.MAX_VALUE >> shift) {
        throw new TypeConversionException("'" + value + "' must be a positive size, e.g. 512m or 4g");
      }
      return n << shift;
    }
  }

  ImageDecoder decoder() {
    return switch (decoder.toLowerCase(Locale.ROOT)) {
      case "auto" -> ImageDecoders.best();
      case "imageio" -> ImageDecoders.imageIo();
      default -> throw new IllegalArgumentException("--decoder: unknown '" + decoder + "'; known: auto, imageio");
    };
  }
}
