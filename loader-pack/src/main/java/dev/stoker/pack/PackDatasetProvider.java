package dev.stoker.pack;

import dev.stoker.api.SampleSource;
import dev.stoker.dataset.DatasetProvider;
import dev.stoker.dataset.SourceOptions;

/**
 * The {@link DatasetProvider} through which {@code dev.stoker.dataset.Datasets} (and so every
 * {@code stoker} command) opens what {@link Packs} opens: pack directories and descriptors, tar
 * shards, and {@code http(s)://} and {@code s3://} locations. Found with
 * {@link java.util.ServiceLoader}; not called directly.
 *
 * <pre>{@code
 * SampleSource train = Datasets.open("s3://bucket/train", SourceOptions.DEFAULT);   // asks this provider
 * }</pre>
 */
public final class PackDatasetProvider implements DatasetProvider {
  /** Creates the provider; {@link java.util.ServiceLoader} calls this. */
  public PackDatasetProvider() {}

  /**
   * {@code "pack"}.
   *
   * @return the format's name
   */
  @Override
  public String name() {
    return "pack";
  }

  /**
   * {@link Packs#recognizes(String)}.
   *
   * @param location a path or URL as the user wrote it
   * @return whether this provider opens it
   */
  @Override
  public boolean recognizes(String location) {
    return Packs.recognizes(location);
  }

  /**
   * {@link Packs#open(String, PackReadOptions)} with the default read options, samples capped at
   * {@code options.maxImageBytes()} (at most 1 GiB).
   *
   * @param location a location this provider recognises
   * @param options the cap on one image's bytes
   * @return the open source, also {@link AutoCloseable}
   */
  @Override
  public SampleSource open(String location, SourceOptions options) {
    return Packs.open(location, readOptions(options));
  }

  static PackReadOptions readOptions(SourceOptions options) {
    PackReadOptions d = PackReadOptions.defaults();
    int maxSample = (int) Math.min(options.maxImageBytes(), 1L << 30);
    return new PackReadOptions(d.storage(), d.shardShuffle(), d.shuffleBuffer(), d.cacheBytes(), d.blockBytes(),
        maxSample);
  }
}
