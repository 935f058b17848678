package dev.stoker.dataset;

import dev.stoker.api.SampleSource;

/**
 * A dataset format that another module adds to {@link Datasets}, found with
 * {@link java.util.ServiceLoader} ({@code provides dev.stoker.dataset.DatasetProvider with ...} in
 * its module descriptor, and a {@code META-INF/services} entry for the class path). Datasets asks
 * each provider, in the order the service loader finds them, before its own layouts; the first
 * that {@link #recognizes} a location opens it. The packed-dataset module provides one for pack
 * directories, tar shards and {@code http(s)://} and {@code s3://} locations.
 *
 * <pre>{@code
 * public final class MyFormat implements DatasetProvider {
 *   public String name() { return "my-format"; }
 *   public boolean recognizes(String location) { return location.endsWith(".myformat"); }
 *   public SampleSource open(String location, SourceOptions options) { return MySource.open(location); }
 * }
 * }</pre>
 */
public interface DatasetProvider {
  /**
   * The format's short name, for messages, e.g. {@code "pack"}.
   *
   * @return the format's name
   */
  String name();

  /**
   * Whether this provider opens {@code location}; cheap (a look at the location's scheme or at one
   * or two files), never reading the whole dataset.
   *
   * @param location a local path or a URL, as the user wrote it
   * @return {@code true} if {@link #open} should be asked to open it
   */
  boolean recognizes(String location);

  /**
   * Opens {@code location}.
   *
   * @param location a location this provider {@linkplain #recognizes recognises}
   * @param options the caps every source applies (the largest image read)
   * @return the open source
   * @throws dev.stoker.api.LoaderException naming the location if it cannot be opened
   */
  SampleSource open(String location, SourceOptions options);
}
