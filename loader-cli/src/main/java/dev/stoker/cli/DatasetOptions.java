package dev.stoker.cli;

import dev.stoker.api.SampleSource;
import dev.stoker.dataset.Datasets;
import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Where the data is: a dataset directory whose layout is recognised (COCO, VOC or ImageFolder, see
 * {@link Datasets}) or a {@code .csv}/{@code .jsonl} manifest file, or annotations and images given
 * apart; and how its files are read ({@link SourceFileOptions}).
 */
final class DatasetOptions {
  @Option(names = "--annotations", paramLabel = "PATH",
      description = "a COCO instances JSON file, or a directory of Pascal VOC XML files; "
          + "use with --images instead of DIR")
  Path annotations;

  @Option(names = "--images", paramLabel = "DIR", description = "the directory of the images the annotations name")
  Path images;

  @Mixin
  SourceFileOptions files = new SourceFileOptions();

  /** Whether the data was given with {@code --annotations}/{@code --images}. */
  boolean given() {
    return annotations != null || images != null;
  }

  /**
   * Opens the dataset: {@code dir} by its layout, or the {@code --annotations}/{@code --images} pair.
   *
   * @throws IllegalArgumentException if both or neither were given, or only half of the pair
   */
  SampleSource open(Path dir) {
    if (given()) {
      if (dir != null) {
        throw new UsageException("give either DIR or --annotations with --images, not both");
      }
      if (annotations == null || images == null) {
        throw new UsageException("--annotations and --images go together");
      }
      return Datasets.open(annotations, images, files.sourceOptions());
    }
    if (dir == null) {
      throw new UsageException("give a dataset DIR, or --annotations PATH --images DIR");
    }
    return Datasets.open(dir, files.sourceOptions());
  }
}
