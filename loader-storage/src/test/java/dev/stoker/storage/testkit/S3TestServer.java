package dev.stoker.storage.testkit;

import java.net.URI;
import java.time.Duration;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;

/**
 * A real S3-compatible server (S3Proxy over an in-memory blob store) on 127.0.0.1, for tests of any
 * module: shared through loader-storage's test jar. A module using it adds, in test scope, the
 * loader-storage test jar, {@code org.gaul:s3proxy} without logback, and jackson-core /
 * jackson-annotations matching the project's jackson-databind (see loader-storage's pom).
 *
 * <pre>{@code
 * try (S3TestServer s3 = new S3TestServer()) {
 *   s3.put("bucket", "pack/stoker-pack.json", bytes);
 *   S3TestServer.useTestCredentials();   // the default provider chain reads these system properties
 *   try (BlobStore store = BlobStores.open("s3://bucket/pack", StorageOptions.defaults().withS3Endpoint(s3.endpoint()))) {
 *     ...
 *   }
 * }
 * }</pre>
 */
public final class S3TestServer implements AutoCloseable {
  /** The access key the server accepts. */
  public static final String ACCESS_KEY = "stoker-test-access";
  /** The secret key the server accepts. */
  public static final String SECRET_KEY = "stoker-test-secret";

  private final BlobStoreContext context;
  private final org.jclouds.blobstore.BlobStore blobs;
  private final S3Proxy proxy;

  /**
   * Starts the server on a free loopback port.
   *
   * @throws Exception if it does not start
   */
  public S3TestServer() throws Exception {
    context = ContextBuilder.newBuilder("transient").credentials("identity", "credential")
        .build(BlobStoreContext.class);
    blobs = context.getBlobStore();
    proxy = S3Proxy.builder()
        .blobStore(blobs)
        .endpoint(URI.create("http://127.0.0.1:0"))
        .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
        .build();
    proxy.start();
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!"STARTED".equals(proxy.getState())) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("s3proxy did not start: " + proxy.getState());
      }
      Thread.sleep(10);
    }
  }

  /**
   * Sets the system properties {@code aws.accessKeyId} and {@code aws.secretAccessKey} to the
   * server's keys: the first source of the AWS SDK's default credentials chain.
   */
  public static void useTestCredentials() {
    System.setProperty("aws.accessKeyId", ACCESS_KEY);
    System.setProperty("aws.secretAccessKey", SECRET_KEY);
  }

  /**
   * The server's port.
   *
   * @return the port on 127.0.0.1
   */
  public int port() {
    return proxy.getPort();
  }

  /**
   * The endpoint URL for {@code StorageOptions.withS3Endpoint}.
   *
   * @return {@code http://127.0.0.1:PORT}
   */
  public String endpoint() {
    return "http://127.0.0.1:" + port();
  }

  /**
   * Stores {@code bytes} as object {@code key} of {@code bucket}, creating the bucket if needed.
   *
   * @param bucket the bucket
   * @param key the object key
   * @param bytes the content
   */
  public void put(String bucket, String key, byte[] bytes) {
    blobs.createContainerInLocation(null, bucket);
    blobs.putBlob(bucket, blobs.blobBuilder(key).payload(bytes).contentLength(bytes.length).build());
  }

  /**
   * Creates an empty bucket.
   *
   * @param bucket the bucket
   */
  public void createBucket(String bucket) {
    blobs.createContainerInLocation(null, bucket);
  }

  @Override
  public void close() throws Exception {
    proxy.stop();
    context.close();
  }
}
