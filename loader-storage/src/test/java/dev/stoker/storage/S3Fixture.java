package dev.stoker.storage;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/** This module's helpers around {@link dev.stoker.storage.testkit.S3TestServer}. */
final class S3Fixture {
  static final String ACCESS_KEY = dev.stoker.storage.testkit.S3TestServer.ACCESS_KEY;
  static final String SECRET_KEY = dev.stoker.storage.testkit.S3TestServer.SECRET_KEY;

  private S3Fixture() {}

  /** A store at {@code location} through {@code endpoint} with the test server's credentials. */
  static S3BlobStore store(String location, StorageOptions options, String endpoint, int pageKeys) {
    return new S3BlobStore(location, options.withS3Endpoint(endpoint),
        StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)), name -> null, pageKeys);
  }
}
