package dev.stoker.storage;

import java.io.EOFException;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.exception.SdkServiceException;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.SdkEventLoopGroup;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3AsyncClientBuilder;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Objects under {@code s3://bucket/prefix} of an S3-compatible store: key {@code a/b.tar} is object
 * {@code prefix/a/b.tar}. The AWS SDK v2's {@link S3AsyncClient} on its Netty client, credentials
 * from the standard provider chain, the endpoint from the options or {@code AWS_ENDPOINT_URL_S3} /
 * {@code AWS_ENDPOINT_URL} (path-style addressing when one is set), the region from the options,
 * {@code AWS_REGION} or {@code us-east-1}. The SDK's own retries are off: {@link Retry} is the one
 * policy, so a read makes at most {@code maxAttempts} requests, each bounded by the request timeout.
 */
final class S3BlobStore implements BlobStore {
  /** The most keys one ListObjectsV2 page asks for (S3's own limit). */
  static final int MAX_PAGE_KEYS = 1000;

  private final String bucket;
  private final String prefix;
  private final String location;
  private final StorageOptions options;
  private final int pageKeys;
  private final SdkEventLoopGroup eventLoops;
  private final S3AsyncClient client;
  private final Counters counters = new Counters();
  private final Retry retry;
  private volatile boolean closed;

  S3BlobStore(String location, StorageOptions options) {
    this(location, options, DefaultCredentialsProvider.builder().build(), System::getenv, MAX_PAGE_KEYS);
  }

  /**
   * A store with the given credentials, environment and list page size: for tests.
   *
   * @param env reads an environment variable (null when unset)
   */
  S3BlobStore(String location, StorageOptions options, AwsCredentialsProvider credentials,
      UnaryOperator<String> env, int pageKeys) {
    String[] parts = parse(location);
    this.bucket = parts[0];
    this.prefix = parts[1];
    this.location = "s3://" + bucket + (prefix.isEmpty() ? "" : "/" + prefix);
    this.options = options;
    this.pageKeys = Math.max(1, Math.min(MAX_PAGE_KEYS, pageKeys));
    this.retry = new Retry(this.location, options.maxAttempts(), options.initialBackoff(), counters);
    // the store owns its event loops, so that close() ends them at once: the SDK's own would wait
    // out Netty's graceful quiet period (2 s) on every close; these finish their last tasks in the
    // background
    this.eventLoops = SdkEventLoopGroup.builder().build();
    S3AsyncClientBuilder builder = S3AsyncClient.builder()
        .httpClientBuilder(NettyNioAsyncHttpClient.builder()
            .eventLoopGroup(eventLoops)
            .maxConcurrency(options.maxConnections())
            .connectionTimeout(min(options.requestTimeout(), Duration.ofSeconds(10)))
            .connectionAcquisitionTimeout(options.requestTimeout())
            .readTimeout(options.requestTimeout())
            .writeTimeout(options.requestTimeout()))
        .credentialsProvider(credentials)
        .region(Region.of(region(options, env)))
        // S3-compatible stores often know no checksum trailers: checksums only where S3 requires them
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
        .overrideConfiguration(ClientOverrideConfiguration.builder()
            .retryStrategy(AwsRetryStrategy.doNotRetry())
            .apiCallTimeout(options.requestTimeout())
            .apiCallAttemptTimeout(options.requestTimeout())
            .build());
    String endpoint = endpoint(options, env);
    if (endpoint != null) {
      builder.endpointOverride(checkedEndpoint(endpoint)).forcePathStyle(true);
    }
    this.client = builder.build();
  }

  /** Bucket and prefix (no leading or trailing slash) of {@code s3://bucket/prefix}. */
  static String[] parse(String location) {
    if (!location.regionMatches(true, 0, "s3://", 0, 5)) {
      throw new IllegalArgumentException("location: must be s3://bucket/prefix: " + Keys.printable(location));
    }
    String rest = location.substring(5);
    int slash = rest.indexOf('/');
    String bucket = slash < 0 ? rest : rest.substring(0, slash);
    String prefix = slash < 0 ? "" : rest.substring(slash + 1);
    if (!bucket.matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")) {
      throw new IllegalArgumentException("location: the bucket must be 3 to 63 characters a-z, 0-9, '.' or '-': "
          + Keys.printable(location));
    }
    while (prefix.endsWith("/")) {
      prefix = prefix.substring(0, prefix.length() - 1);
    }
    if (!prefix.isEmpty()) {
      Keys.check(prefix);
    }
    return new String[] {bucket, prefix};
  }

  /** The endpoint: the options', else {@code AWS_ENDPOINT_URL_S3}, else {@code AWS_ENDPOINT_URL}, else null (AWS). */
  static String endpoint(StorageOptions options, UnaryOperator<String> env) {
    for (String candidate : new String[] {options.s3Endpoint(), env.apply("AWS_ENDPOINT_URL_S3"),
        env.apply("AWS_ENDPOINT_URL")}) {
      if (candidate != null && !candidate.isBlank()) {
        return candidate.trim();
      }
    }
    return null;
  }

  /** The region: the options', else {@code AWS_REGION}, else {@code AWS_DEFAULT_REGION}, else {@code us-east-1}. */
  static String region(StorageOptions options, UnaryOperator<String> env) {
    for (String candidate : new String[] {options.s3Region(), env.apply("AWS_REGION"), env.apply("AWS_DEFAULT_REGION")}) {
      if (candidate != null && !candidate.isBlank()) {
        return candidate.trim();
      }
    }
    return "us-east-1";
  }

  private static URI checkedEndpoint(String endpoint) {
    URI uri;
    try {
      uri = new URI(endpoint);
    } catch (java.net.URISyntaxException e) {
      throw new IllegalArgumentException("s3Endpoint: not a URL");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null || uri.getRawUserInfo() != null) {
      throw new IllegalArgumentException("s3Endpoint: must be an http:// or https:// URL with a host and no user info");
    }
    return uri;
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  @Override
  public String location() {
    return location;
  }

  /** The object key of store key {@code key}. */
  String objectKey(String key) {
    Keys.check(key);
    return prefix.isEmpty() ? key : prefix + "/" + key;
  }

  private String what(String key) {
    return "s3 store " + location + ": " + Keys.printable(key);
  }

  @Override
  public long size(String key) throws IOException {
    String objectKey = objectKey(key);
    String what = what(key);
    HeadObjectResponse head = retry.call(what, () -> await(
        () -> client.headObject(b -> b.bucket(bucket).key(objectKey)), what));
    Long length = head.contentLength();
    if (length == null || length < 0) {
      throw new IOException(what + ": the store gave no size");
    }
    return length;
  }

  @Override
  public ByteBuffer read(String key, long offset, int length) throws IOException {
    Keys.checkRange(offset, length);
    String objectKey = objectKey(key);
    if (length == 0) {
      return ByteBuffer.allocate(0);
    }
    String what = what(key);
    String range = "bytes=" + offset + "-" + (offset + length - 1);
    byte[] bytes = retry.call(what, () -> await(
        () -> client.getObject(b -> b.bucket(bucket).key(objectKey).range(range),
            new S3RangeTransformer(offset, length, what)),
        what));
    counters.bytes(bytes.length);
    return ByteBuffer.wrap(bytes);
  }

  @Override
  public List<String> list(String keyPrefix, int maxKeys) throws IOException {
    dev.stoker.api.internal.Checks.notNull(keyPrefix, "prefix");
    dev.stoker.api.internal.Checks.positive(maxKeys, "maxKeys");
    if (!keyPrefix.isEmpty()) {
      Keys.check(keyPrefix + "_");
    }
    String root = prefix.isEmpty() ? "" : prefix + "/";
    String listPrefix = root + keyPrefix;
    String what = "s3 store " + location + ": listing '" + Keys.printable(keyPrefix) + "'";
    int page = Math.min(pageKeys, maxKeys + 1);
    long maxPages = (long) maxKeys / page + 2;
    List<String> keys = new ArrayList<>();
    String token = null;
    for (long pages = 0; ; pages++) {
      if (pages >= maxPages) {
        throw new IOException(what + ": the store sent more than " + maxPages + " pages for at most " + maxKeys + " keys");
      }
      String continuation = token;
      ListObjectsV2Response response = retry.call(what, () -> await(() -> client.listObjectsV2(b -> b.bucket(bucket)
          .prefix(listPrefix).maxKeys(page).continuationToken(continuation)), what));
      for (S3Object object : response.contents()) {
        String objectKey = object.key();
        if (objectKey == null || !objectKey.startsWith(listPrefix) || objectKey.endsWith("/")) {
          continue;
        }
        String key = objectKey.substring(root.length());
        if (!readable(key)) {
          continue;
        }
        if (keys.size() == maxKeys) {
          throw new IOException(what + ": holds more than " + maxKeys + " objects");
        }
        keys.add(key);
      }
      if (!Boolean.TRUE.equals(response.isTruncated())) {
        break;
      }
      token = response.nextContinuationToken();
      if (token == null || token.isEmpty()) {
        throw new IOException(what + ": the store said the listing goes on but gave no continuation token");
      }
    }
    keys.sort(null);
    return keys;
  }

  private static boolean readable(String key) {
    try {
      Keys.check(key);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** Waits for a call, mapping the store's answers to the failures {@link Retry} knows. */
  private <T> T await(java.util.function.Supplier<java.util.concurrent.CompletableFuture<T>> call, String what)
      throws IOException {
    if (closed) {
      throw new IOException("s3 store " + location + ": closed");
    }
    try {
      return Retry.await(call.get(), options.requestTimeout(), what);
    } catch (Retry.TransientIOException e) {
      throw classify(e.getCause(), what, e);
    }
  }

  /**
   * The failure an S3 error means: 404 a missing object, 416 the end of the object, 429 and 5xx
   * transient, any other status refused for good; named by status and error code, never by the
   * server's message.
   */
  static IOException classify(Throwable cause, String what, Retry.TransientIOException otherwise) {
    for (Throwable t = cause; t != null; t = t.getCause()) {
      if (t instanceof SdkServiceException service) {
        int status = service.statusCode();
        String code = t instanceof AwsServiceException aws && aws.awsErrorDetails() != null
            ? errorCode(aws.awsErrorDetails().errorCode()) : "";
        String answer = "HTTP " + status + code;
        if (status == 404) {
          return new NoSuchFileException(what, null, answer);
        }
        if (status == 416) {
          return new EOFException(what + ": the range starts at or after the end of the object (" + answer + ")");
        }
        if (status == 429 || status >= 500) {
          return new Retry.TransientIOException(what + ": " + answer, null);
        }
        return new IOException(what + ": " + answer);
      }
    }
    return otherwise;
  }

  /** An S3 error code for a message: {@code " Code"} when it is a short word, else empty. */
  private static String errorCode(String code) {
    return code != null && code.matches("[A-Za-z0-9.]{1,64}") ? " " + code : "";
  }

  @Override
  public StoreStats stats() {
    return counters.snapshot();
  }

  @Override
  public void close() {
    closed = true;
    try {
      client.close();
    } finally {
      eventLoops.eventLoopGroup().shutdownGracefully(100, 2000, TimeUnit.MILLISECONDS);
    }
  }

  @Override
  public String toString() {
    return "s3 store " + location;
  }
}
