package dev.stoker.cli;

import dev.stoker.dataset.SourceOptions;
import picocli.CommandLine.Option;

/**
 * How a local dataset's files are read ({@link SourceOptions}): whether a manifest may name files
 * outside its directory, and the largest image file read. A mixin of {@link DatasetOptions} and of
 * {@code serve}.
 */
final class SourceFileOptions {
  @Option(names = "--allow-absolute-paths",
      description = "let a .csv/.jsonl manifest name absolute paths and paths outside its own directory (../); "
          + "without it such rows are skipped with a warning. Only for a manifest you trust. COCO and VOC names "
          + "always stay inside the image directory")
  boolean allowAbsolutePaths;

  @Option(names = "--max-image-bytes", paramLabel = "SIZE", converter = ByteSize.class,
      description = "the largest image file read, e.g. 64m; a larger file fails its sample, naming the file "
          + "(default: 256m)")
  Long maxImageBytes;

  /** The options these flags ask for. */
  SourceOptions sourceOptions() {
    SourceOptions options = SourceOptions.DEFAULT.withPathsOutside(allowAbsolutePaths);
    if (maxImageBytes != null) {
      if (maxImageBytes > SourceOptions.MAX_IMAGE_BYTES) {
        throw new UsageException("--max-image-bytes: at most " + SourceOptions.MAX_IMAGE_BYTES
            + " bytes, got " + maxImageBytes);
      }
      options = options.withMaxImageBytes(maxImageBytes);
    }
    return options;
  }

  /** Whether either flag was given. */
  boolean given() {
    return allowAbsolutePaths || maxImageBytes != null;
  }
}
