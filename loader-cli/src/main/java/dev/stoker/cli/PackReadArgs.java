package dev.stoker.cli;

import dev.stoker.pack.PackReadOptions;
import dev.stoker.storage.StorageOptions;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/**
 * How a packed dataset, WebDataset tar shards or a remote location ({@code s3://},
 * {@code http(s)://}) is read ({@link PackReadOptions}): shard-sequential reading with a shuffle
 * window, the read cache, and the object store's endpoint, attempts and timeout. A mixin of
 * {@link DatasetOptions} and of {@code serve}; refused beside a dataset of local files, which they
 * would not change.
 */
final class PackReadArgs {
  @Option(names = "--shard-shuffle", description = "read a pack's (or WebDataset's) tar shards one after the other "
      + "in an order keyed by --seed and the epoch, shuffling samples within a window of --shuffle-buffer, each "
      + "rank a contiguous run: for storage where only sequential reads are cheap (default: the loader's global "
      + "permutation, each sample read at random through the index)")
  boolean shardShuffle;

  @Option(names = "--shuffle-buffer", paramLabel = "N", description = "with --shard-shuffle: the shuffle window, in "
      + "samples, 1 to 1000000 (default: 1000)")
  Integer shuffleBuffer;

  @Option(names = "--read-cache", paramLabel = "SIZE", converter = ByteSize.class, description = "the most bytes "
      + "of shard blocks a pack keeps in memory for read-ahead and coalescing, e.g. 512m; at least two 4 MiB blocks "
      + "(default: 256m)")
  Long readCache;

  @Option(names = "--s3-endpoint", paramLabel = "URL", description = "the endpoint of an S3-compatible store for "
      + "s3:// locations, e.g. http://127.0.0.1:9000 (default: AWS_ENDPOINT_URL_S3 or AWS_ENDPOINT_URL, else AWS); "
      + "credentials come from the standard AWS provider chain")
  String s3Endpoint;

  @Option(names = "--storage-attempts", paramLabel = "N", description = "attempts for each read from remote "
      + "storage, 1 to 20, with exponential backoff between them; a read that still fails fails its samples "
      + "(default: 4)")
  Integer storageAttempts;

  @Option(names = "--storage-timeout", paramLabel = "DURATION", converter = Seconds.class, description = "the "
      + "longest one request to remote storage may take, e.g. 30s, 500ms or 2m (default: 30s)")
  Duration storageTimeout;

  /** Whether any of these options was given. */
  boolean given() {
    return shardShuffle || shuffleBuffer != null || readCache != null || s3Endpoint != null
        || storageAttempts != null || storageTimeout != null;
  }

  /** The first of these options given, as typed, for a refusal; null if none. */
  String firstGiven() {
    return shardShuffle ? "--shard-shuffle" : shuffleBuffer != null ? "--shuffle-buffer"
        : readCache != null ? "--read-cache" : s3Endpoint != null ? "--s3-endpoint"
        : storageAttempts != null ? "--storage-attempts" : storageTimeout != null ? "--storage-timeout" : null;
  }

  /**
   * The read options these flags ask for, checked.
   *
   * @throws UsageException naming the option whose value is out of range, or {@code --shuffle-buffer}
   *     without {@code --shard-shuffle}
   */
  PackReadOptions options() {
    if (shuffleBuffer != null && !shardShuffle) {
      throw new UsageException("--shuffle-buffer has no effect without --shard-shuffle; leave it out");
    }
    PackReadOptions defaults = PackReadOptions.defaults();
    if (shuffleBuffer != null && (shuffleBuffer < 1 || shuffleBuffer > 1_000_000)) {
      throw new UsageException("--shuffle-buffer: must be in [1, 1000000], got " + shuffleBuffer);
    }
    if (storageAttempts != null && (storageAttempts < 1 || storageAttempts > 20)) {
      throw new UsageException("--storage-attempts: must be in [1, 20], got " + storageAttempts);
    }
    if (readCache != null && readCache < 2L * defaults.blockBytes()) {
      throw new UsageException("--read-cache: must hold at least two blocks of " + (defaults.blockBytes() >> 20)
          + " MiB (" + 2L * defaults.blockBytes() + " bytes), got " + readCache);
    }
    if (s3Endpoint != null && !s3Endpoint.matches("(?i)https?://[^\\s/]+.*")) {
      throw new UsageException("--s3-endpoint: must be an http:// or https:// URL, got '" + s3Endpoint + "'");
    }
    StorageOptions storage = defaults.storage();
    storage = new StorageOptions(storageTimeout != null ? storageTimeout : storage.requestTimeout(),
        storageAttempts != null ? storageAttempts : storage.maxAttempts(), storage.initialBackoff(),
        storage.maxConnections(), s3Endpoint != null ? s3Endpoint : storage.s3Endpoint(), storage.s3Region());
    PackReadOptions options = defaults.withStorage(storage)
        .withShardShuffle(shardShuffle, shuffleBuffer != null ? shuffleBuffer : defaults.shuffleBuffer());
    return readCache != null ? options.withCacheBytes(readCache) : options;
  }

  /** Reads a duration: digits with {@code ms}, {@code s}, {@code m} or {@code h}, e.g. {@code 30s}. */
  static final class Seconds implements ITypeConverter<Duration> {
    private static final Pattern DURATION = Pattern.compile("([0-9]{1,9})(ms|s|m|h)");

    @Override
    public Duration convert(String value) {
      Matcher m = DURATION.matcher(value.strip().toLowerCase(Locale.ROOT));
      if (!m.matches() || Long.parseLong(m.group(1)) == 0) {
        throw new TypeConversionException("'" + value + "' is not a positive duration; use e.g. 30s, 500ms or 2m");
      }
      long n = Long.parseLong(m.group(1));
      return switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(n);
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        default -> Duration.ofHours(n);
      };
    }
  }
}
