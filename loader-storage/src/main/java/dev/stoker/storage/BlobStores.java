package dev.stoker.storage;

import dev.stoker.api.internal.Checks;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Opens a {@link BlobStore} for a location: a local directory (a path or a {@code file:} URI), an
 * {@code http://} or {@code https://} URL, or {@code s3://bucket/prefix}.
 *
 * <pre>{@code
 * BlobStore local = BlobStores.open("/data/packs/train", StorageOptions.defaults());
 * BlobStore s3 = BlobStores.open("s3://bucket/train", StorageOptions.defaults());
 * }</pre>
 */
public final class BlobStores {
  private BlobStores() {}

  /**
   * Whether {@code location} names remote storage ({@code http://}, {@code https://} or
   * {@code s3://}) rather than a local path.
   *
   * @param location a path or URL
   * @return {@code true} for a remote location
   */
  public static boolean isRemote(String location) {
    Checks.notNull(location, "location");
    String lower = location.toLowerCase(Locale.ROOT);
    return lower.startsWith("http://") || lower.startsWith("https://") || lower.startsWith("s3://");
  }

  /**
   * Opens the store at {@code location}.
   *
   * @param location a local directory, {@code file:} URI, {@code http(s)://} URL or {@code s3://bucket/prefix}
   * @param options timeouts, retries and the S3 endpoint
   * @return the open store; close it when done
   * @throws IllegalArgumentException naming {@code location} if its scheme is not one of those, an
   *     S3 bucket name is not valid, or a URL carries user info, a query or a fragment
   */
  public static BlobStore open(String location, StorageOptions options) {
    Checks.notNull(location, "location");
    Checks.notNull(options, "options");
    String lower = location.toLowerCase(Locale.ROOT);
    if (lower.startsWith("file:")) {
      return new LocalBlobStore(Path.of(java.net.URI.create(location)));
    }
    if (lower.startsWith("s3://")) {
      return new S3BlobStore(location, options);
    }
    if (lower.startsWith("http://") || lower.startsWith("https://")) {
      return new HttpBlobStore(location, options);
    }
    Checks.argument(!lower.matches("^[a-z][a-z0-9+.-]+://.*"), "location",
        "scheme not supported (use a path, file:, http://, https:// or s3://): " + location);
    return new LocalBlobStore(Path.of(location));
  }
}
