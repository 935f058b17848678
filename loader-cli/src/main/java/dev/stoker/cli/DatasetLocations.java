package dev.stoker.cli;

import dev.stoker.api.SampleSource;
import dev.stoker.dataset.Datasets;
import dev.stoker.dataset.SourceOptions;
import dev.stoker.pack.PackReadOptions;
import dev.stoker.pack.Packs;
import dev.stoker.storage.BlobStores;

/**
 * Opens the dataset a command names by its location: a packed dataset, WebDataset tar shards or a
 * remote location ({@code s3://bucket/prefix}, {@code http(s)://host/path}) through the
 * packed-dataset module with the {@link PackReadArgs} options, anything else as a local dataset
 * layout ({@link Datasets}, as before). The pack options beside a dataset of local files are
 * refused, since they would change nothing.
 */
final class DatasetLocations {
  private DatasetLocations() {}

  /**
   * Whether {@code location} is opened by the packed-dataset module (a pack, tar shards or a remote
   * location) rather than as local files whose paths the samples name.
   */
  static boolean packed(String location) {
    return BlobStores.isRemote(location) || Datasets.provider(location).isPresent();
  }

  /**
   * Opens {@code location}.
   *
   * @param location the location as typed
   * @param files the local source options ({@code --max-image-bytes} caps a pack's samples too)
   * @param pack the pack read options
   * @throws UsageException if pack options are given for a dataset of local files
   */
  static SampleSource open(String location, SourceOptions files, PackReadArgs pack) {
    if (!packed(location)) {
      if (pack.given()) {
        throw new UsageException(pack.firstGiven() + " reads packed datasets, tar shards and s3:// or http(s):// "
            + "locations; " + location + " is a dataset of local files, which it would not change; leave it out");
      }
      return Datasets.open(location, files);
    }
    PackReadOptions options = pack.options();
    options = new PackReadOptions(options.storage(), options.shardShuffle(), options.shuffleBuffer(),
        options.cacheBytes(), options.blockBytes(), (int) Math.min(files.maxImageBytes(), 1L << 30));
    return openPacked(location, options, files);
  }

  /** Opens a location the packed-dataset module recognises, reading it with {@code options}. */
  private static SampleSource openPacked(String location, PackReadOptions options, SourceOptions files) {
    if (Packs.recognizes(location)) {
      return Packs.open(location, options);
    }
    // another provider's format, or a URL no provider recognises (the error names the module that opens URLs)
    return Datasets.open(location, files);
  }

  /** Releases what {@code source} holds (a remote store's connections), if it holds anything. */
  static void close(SampleSource source) {
    if (source instanceof AutoCloseable closeable) {
      try {
        closeable.close();
      } catch (Exception e) {
        System.err.println("stoker: warning: closing " + source.description() + ": " + e.getMessage());
      }
    }
  }
}
