package dev.stoker.cli;

import dev.stoker.api.SampleSource;
import dev.stoker.dataset.Datasets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Where the data is: a location ({@link DatasetLocations}): a dataset directory whose layout is
 * recognised (COCO, VOC or ImageFolder, see {@link Datasets}), a {@code .csv}/{@code .jsonl}
 * manifest file, a packed dataset, tar shards or an {@code s3://} or {@code http(s)://} location;
 * or annotations and images given apart; how local files are read ({@link SourceFileOptions}) and
 * how packs and remote storage are read ({@link PackReadArgs}). Closing it releases what the opened
 * datasets hold (a remote store's connections).
 */
final class DatasetOptions implements AutoCloseable {
  @Option(names = "--annotations", paramLabel = "PATH",
      description = "a COCO instances JSON file, or a directory of Pascal VOC XML files; "
          + "use with --images instead of DIR")
  Path annotations;

  @Option(names = "--images", paramLabel = "DIR", description = "the directory of the images the annotations name")
  Path images;

  @Mixin
  SourceFileOptions files = new SourceFileOptions();

  @Mixin
  PackReadArgs pack = new PackReadArgs();

  /** The sources opened here, closed by {@link #close()}. */
  private final List<SampleSource> opened = new ArrayList<>();

  /** Whether the data was given with {@code --annotations}/{@code --images}. */
  boolean given() {
    return annotations != null || images != null;
  }

  /**
   * Opens the dataset: {@code location} (a path or URL), or the {@code --annotations}/{@code --images} pair.
   *
   * @throws UsageException if both or neither were given, or only half of the pair
   */
  SampleSource open(String location) {
    if (given()) {
      if (location != null) {
        throw new UsageException("give either DIR or --annotations with --images, not both");
      }
      if (annotations == null || images == null) {
        throw new UsageException("--annotations and --images go together");
      }
      if (pack.given()) {
        throw new UsageException(pack.firstGiven() + " reads packed datasets and remote locations, not "
            + "--annotations with --images; leave it out");
      }
      return Datasets.open(annotations, images, files.sourceOptions());
    }
    if (location == null) {
      throw new UsageException("give a dataset DIR, or --annotations PATH --images DIR");
    }
    return openLocation(location);
  }

  /** Opens one location (a DIR argument or one of {@code --mix}) with these options. */
  SampleSource openLocation(String location) {
    SampleSource source = DatasetLocations.open(location, files.sourceOptions(), pack);
    opened.add(source);
    return source;
  }

  @Override
  public void close() {
    opened.forEach(DatasetLocations::close);
    opened.clear();
  }
}
