package dev.stoker.storage;

import java.net.URI;
import java.time.Duration;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * A real S3-compatible server (S3Proxy over an in-memory blob store) on 127.0.0.1, started by the
 * test, with one pair of test credentials.
 */
final class S3Fixture implements AutoCloseable {
  static final String ACCESS_KEY = "stoker-test-access";
  static final String SECRET_KEY = "stoker-test-secret";

  private final BlobStoreContext context;
  private final org.jclouds.blobstore.BlobStore blobs;
  private final S3Proxy proxy;

  S3Fixture() throws Exception {
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

  int port() {
    return proxy.getPort();
  }

  String endpoint() {
    return "http://127.0.0.1:" + port();
  }

  /** Stores {@code bytes} as object {@code key} of {@code bucket}, creating the bucket. */
  void put(String bucket, String key, byte[] bytes) {
    blobs.createContainerInLocation(null, bucket);
    blobs.putBlob(bucket, blobs.blobBuilder(key).payload(bytes).contentLength(bytes.length).build());
  }

  void createBucket(String bucket) {
    blobs.createContainerInLocation(null, bucket);
  }

  /** A store at {@code location} through {@code endpoint} with the test's credentials. */
  static S3BlobStore store(String location, StorageOptions options, String endpoint, int pageKeys) {
    return new S3BlobStore(location, options.withS3Endpoint(endpoint),
        StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)), name -> null, pageKeys);
  }

  @Override
  public void close() throws Exception {
    proxy.stop();
    context.close();
  }
}
