package dev.stoker.storage;

import dev.stoker.api.internal.Checks;
import java.time.Duration;

/**
 * How a remote {@link BlobStore} reads: its timeouts, its retries with exponential backoff, and for
 * S3 the endpoint and region. Credentials are never options: S3 takes them from the standard
 * provider chain (environment, system properties, profile files, container or instance roles).
 *
 * <pre>{@code
 * StorageOptions options = StorageOptions.defaults()
 *     .withS3Endpoint("http://127.0.0.1:9000")   // an S3-compatible store; null for AWS
 *     .withMaxAttempts(5);
 * }</pre>
 *
 * @param requestTimeout the longest one request may take, from sending to its last byte
 * @param maxAttempts the attempts for one read (1 = no retry), 1 to 20
 * @param initialBackoff the pause before the first retry; doubled for each next, with jitter
 * @param maxConnections the most connections a remote store opens at once
 * @param s3Endpoint the S3 endpoint URL, or null for the provider chain's (AWS_ENDPOINT_URL) or AWS's
 * @param s3Region the S3 region, or null for the provider chain's (AWS_REGION), else {@code us-east-1}
 */
public record StorageOptions(
    Duration requestTimeout,
    int maxAttempts,
    Duration initialBackoff,
    int maxConnections,
    String s3Endpoint,
    String s3Region) {
  /** Validates the fields. */
  public StorageOptions {
    Checks.notNull(requestTimeout, "requestTimeout");
    Checks.argument(!requestTimeout.isNegative() && !requestTimeout.isZero(), "requestTimeout", "must be positive");
    Checks.argument(maxAttempts >= 1 && maxAttempts <= 20, "maxAttempts", "must be in [1, 20], got " + maxAttempts);
    Checks.notNull(initialBackoff, "initialBackoff");
    Checks.argument(!initialBackoff.isNegative(), "initialBackoff", "must not be negative");
    Checks.positive(maxConnections, "maxConnections");
  }

  /**
   * 30 s per request, 4 attempts from 100 ms backoff, 64 connections, endpoint and region from the
   * environment.
   *
   * @return the defaults
   */
  public static StorageOptions defaults() {
    return new StorageOptions(Duration.ofSeconds(30), 4, Duration.ofMillis(100), 64, null, null);
  }

  /**
   * These options with another S3 endpoint.
   *
   * @param endpoint the endpoint URL, or null for the environment's
   * @return new options
   */
  public StorageOptions withS3Endpoint(String endpoint) {
    return new StorageOptions(requestTimeout, maxAttempts, initialBackoff, maxConnections, endpoint, s3Region);
  }

  /**
   * These options with another attempt count.
   *
   * @param attempts the attempts for one read, 1 to 20
   * @return new options
   */
  public StorageOptions withMaxAttempts(int attempts) {
    return new StorageOptions(requestTimeout, attempts, initialBackoff, maxConnections, s3Endpoint, s3Region);
  }

  /**
   * These options with another S3 region.
   *
   * @param region the region, or null for the environment's ({@code AWS_REGION}) else {@code us-east-1}
   * @return new options
   */
  public StorageOptions withS3Region(String region) {
    return new StorageOptions(requestTimeout, maxAttempts, initialBackoff, maxConnections, s3Endpoint, region);
  }

  /**
   * These options with another request timeout.
   *
   * @param timeout the longest one request may take, positive
   * @return new options
   */
  public StorageOptions withRequestTimeout(Duration timeout) {
    return new StorageOptions(timeout, maxAttempts, initialBackoff, maxConnections, s3Endpoint, s3Region);
  }
}
