package dev.stoker.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoker.storage.FaultProxy.Fault;
import dev.stoker.storage.testkit.S3TestServer;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@link S3BlobStore} against a real S3-compatible server on loopback, directly and through a {@link FaultProxy}. */
class S3BlobStoreTest {
  private static final String BUCKET = "stoker-test";
  private static final byte[] BLOB = bytes(64 * 1024 + 17, 1);
  private static S3TestServer s3;

  @BeforeAll
  static void startServer() throws Exception {
    s3 = new S3TestServer();
    s3.put(BUCKET, "pack/shard-000000.tar", BLOB);
    s3.put(BUCKET, "pack/empty.bin", new byte[0]);
    for (int i = 0; i < 7; i++) {
      s3.put(BUCKET, "listing/part-" + i + ".tar", bytes(10, i));
    }
    s3.put(BUCKET, "listing/sub/inner.tar", bytes(10, 9));
    s3.put(BUCKET, "listing-other/outside.tar", bytes(10, 10));
  }

  @AfterAll
  static void stopServer() throws Exception {
    s3.close();
  }

  static byte[] bytes(int length, long seed) {
    byte[] out = new byte[length];
    new Random(seed).nextBytes(out);
    return out;
  }

  static StorageOptions options(int attempts, Duration timeout) {
    return new StorageOptions(timeout, attempts, Duration.ofMillis(1), 8, null, null);
  }

  static byte[] array(ByteBuffer buffer) {
    byte[] out = new byte[buffer.remaining()];
    buffer.get(out);
    return out;
  }

  private static S3BlobStore direct(String location) {
    return S3Fixture.store(location, options(3, Duration.ofSeconds(10)), s3.endpoint(), 1000);
  }

  private static S3BlobStore through(FaultProxy proxy, String location, int attempts, Duration timeout) {
    return S3Fixture.store(location, options(attempts, timeout), "http://127.0.0.1:" + proxy.port(), 2);
  }

  @Test
  void read_ranges_returnExactBytes() throws IOException {
    try (BlobStore store = direct("s3://" + BUCKET + "/pack")) {
      for (int[] range : new int[][] {{0, BLOB.length}, {0, 1}, {BLOB.length - 1, 1}, {12345, 40000}, {512, 0}}) {
        ByteBuffer read = store.read("shard-000000.tar", range[0], range[1]);
        assertThat(read.position()).isZero();
        assertThat(array(read)).isEqualTo(Arrays.copyOfRange(BLOB, range[0], range[0] + range[1]));
      }
      assertThat(store.stats().bytes()).isEqualTo(BLOB.length + 1 + 1 + 40000);
    }
  }

  @Test
  void open_defaultCredentialsChain_readsWithTheSystemPropertiesKeys() throws IOException {
    S3TestServer.useTestCredentials();
    try (BlobStore store = BlobStores.open("s3://" + BUCKET + "/pack",
        StorageOptions.defaults().withS3Endpoint(s3.endpoint()))) {
      assertThat(array(store.read("shard-000000.tar", 7, 3))).isEqualTo(Arrays.copyOfRange(BLOB, 7, 10));
    } finally {
      System.clearProperty("aws.accessKeyId");
      System.clearProperty("aws.secretAccessKey");
    }
  }

  @Test
  void read_afterClose_fails() {
    BlobStore store = direct("s3://" + BUCKET + "/pack");
    store.close();
    assertThatThrownBy(() -> store.read("shard-000000.tar", 0, 1)).isInstanceOf(IOException.class)
        .hasMessageContaining("closed");
  }

  @Test
  void size_existingObjects_returnsTheirLengths() throws IOException {
    try (BlobStore store = direct("s3://" + BUCKET + "/pack/")) {
      assertThat(store.location()).isEqualTo("s3://" + BUCKET + "/pack");
      assertThat(store.size("shard-000000.tar")).isEqualTo(BLOB.length);
      assertThat(store.size("empty.bin")).isZero();
    }
  }

  @Test
  void read_pastTheEnd_throwsEofNamingTheObject() throws IOException {
    try (BlobStore store = direct("s3://" + BUCKET + "/pack")) {
      assertThatThrownBy(() -> store.read("shard-000000.tar", BLOB.length - 10, 11))
          .isInstanceOf(EOFException.class).hasMessageContaining("s3://stoker-test/pack: shard-000000.tar");
      assertThatThrownBy(() -> store.read("shard-000000.tar", BLOB.length + 5, 1))
          .isInstanceOf(EOFException.class).hasMessageContaining("shard-000000.tar");
    }
  }

  @Test
  void read_missingObject_throwsNoSuchFileWithoutRetries() throws IOException {
    try (FaultProxy proxy = new FaultProxy(s3.port(), n -> Fault.pass());
        BlobStore store = through(proxy, "s3://" + BUCKET + "/pack", 4, Duration.ofSeconds(10))) {
      assertThatThrownBy(() -> store.read("missing.tar", 0, 10))
          .isInstanceOf(NoSuchFileException.class).hasMessageContaining("s3://stoker-test/pack: missing.tar");
      assertThat(proxy.requests()).isEqualTo(1);
      assertThatThrownBy(() -> store.size("missing.tar")).isInstanceOf(NoSuchFileException.class);
      assertThat(proxy.requests()).isEqualTo(2);
      assertThat(store.stats().retries()).isZero();
    }
  }

  @Test
  void read_wrongCredentials_failsAtOnceWithStatusAndCode() throws IOException {
    try (FaultProxy proxy = new FaultProxy(s3.port(), n -> Fault.pass());
        BlobStore store = new S3BlobStore("s3://" + BUCKET + "/pack",
            options(4, Duration.ofSeconds(10)).withS3Endpoint("http://127.0.0.1:" + proxy.port()),
            software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
                software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create(S3Fixture.ACCESS_KEY, "wrong")),
            name -> null, 1000)) {
      assertThatThrownBy(() -> store.read("shard-000000.tar", 0, 10))
          .isInstanceOf(IOException.class).isNotInstanceOf(NoSuchFileException.class)
          .hasMessageContaining("s3://stoker-test/pack: shard-000000.tar").hasMessageContaining("HTTP 403")
          .hasMessageNotContaining("wrong");
      assertThat(proxy.requests()).isEqualTo(1);
    }
  }

  @Test
  void read_connectionDroppedMidBody_retriesAndReturnsExactBytes() throws IOException {
    try (FaultProxy proxy = new FaultProxy(s3.port(), n -> n == 1 ? Fault.dropAfter(3000) : Fault.pass());
        BlobStore store = through(proxy, "s3://" + BUCKET + "/pack", 3, Duration.ofSeconds(10))) {
      assertThat(array(store.read("shard-000000.tar", 100, 50000))).isEqualTo(Arrays.copyOfRange(BLOB, 100, 50100));
      assertThat(proxy.requests()).isEqualTo(2);
      assertThat(store.stats().retries()).isEqualTo(1);
    }
  }

  @Test
  void read_connectionDroppedMidBodyWithOneAttempt_fails() throws IOException {
    // negative control for the test above: the same fault without a retry fails the read
    try (FaultProxy proxy = new FaultProxy(s3.port(), n -> n == 1 ? Fault.dropAfter(3000) : Fault.pass());
        BlobStore store = through(proxy, "s3://" + BUCKET + "/pack", 1, Duration.ofSeconds(10))) {
      assertThatThrownBy(() -> store.read("shard-000000.tar", 100, 50000))
          .isInstanceOf(IOException.class).hasMessageContaining("s3://stoker-test/pack: shard-000000.tar")
          .hasMessageContaining("after 1 attempt");
      assertThat(proxy.requests()).isEqualTo(1);
    }
  }

  @Test
  void read_serverErrorsThenSuccess_recoversWithinMaxAttempts() throws IOException {
    Map<Integer, Fault> faults = Map.of(1, Fault.status(503), 2, Fault.status(500));
    try (FaultProxy proxy = new FaultProxy(s3.port(), n -> faults.getOrDefault(n, Fault.pass()));
        BlobStore store = through(proxy, "s3://" + BUCKET + "/pack", 3, Duration.ofSeconds(10))) {
      assertThat(array(store.read("shard-000000.tar", 0, 1000))).isEqualTo(Arrays.copyOf(BLOB, 1000));
      assertThat(store.size("shard-000000.tar")).isEqualTo(BLOB.length);
      assertThat(proxy.requests()).isEqualTo(4);
      assertThat(store.stats()).isEqualTo(new StoreStats(4, 1000, 2, 0));
    }
  }

  @Test
  void read_persistentServerErrors_failsAfterExactlyMaxAttempts() throws IOException {
    try (FaultProxy proxy = new FaultProxy(s3.port(), n -> Fault.status(503));
        BlobStore store = through(proxy, "s3://" + BUCKET + "/pack", 3, Duration.ofSeconds(10))) {
      assertThatThrownBy(() -> store.read("shard-000000.tar", 0, 1000))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("s3://stoker-test/pack: shard-000000.tar")
          .hasMessageContaining("after 3 attempts").hasMessageContaining("HTTP 503 SlowDown")
          .hasMessageNotContaining("injected by the test");
      assertThat(proxy.requests()).isEqualTo(3);
      assertThat(store.stats().failures()).isEqualTo(1);
    }
  }

  @Test
  void read_serverStallsBeforeAnswering_failsWithinTheTimeout() throws IOException {
    try (FaultProxy proxy = new FaultProxy(s3.port(), n -> Fault.stallAfter(0));
        BlobStore store = through(proxy, "s3://" + BUCKET + "/pack", 2, Duration.ofMillis(300))) {
      assertThatThrownBy(() -> store.read("shard-000000.tar", 0, 1000))
          .isInstanceOf(IOException.class).hasMessageContaining("shard-000000.tar").hasMessageContaining("after 2 attempts");
      assertThat(proxy.requests()).isEqualTo(2);
    }
  }

  @Test
  void read_serverStallsMidBody_failsWithinTheTimeout() throws IOException {
    try (FaultProxy proxy = new FaultProxy(s3.port(), n -> Fault.stallAfter(3000));
        BlobStore store = through(proxy, "s3://" + BUCKET + "/pack", 2, Duration.ofMillis(300))) {
      assertThatThrownBy(() -> store.read("shard-000000.tar", 0, 50000))
          .isInstanceOf(IOException.class).hasMessageContaining("shard-000000.tar").hasMessageContaining("after 2 attempts");
      assertThat(proxy.requests()).isEqualTo(2);
    }
  }

  @Test
  void list_smallPages_paginatesInOrderAndEnforcesMaxKeys() throws IOException {
    try (FaultProxy proxy = new FaultProxy(s3.port(), n -> Fault.pass());
        BlobStore store = through(proxy, "s3://" + BUCKET + "/listing", 1, Duration.ofSeconds(10))) {
      List<String> keys = store.list("", 100);
      assertThat(keys).containsExactly("part-0.tar", "part-1.tar", "part-2.tar", "part-3.tar", "part-4.tar",
          "part-5.tar", "part-6.tar", "sub/inner.tar");
      assertThat(proxy.requests()).isEqualTo(4);
      assertThat(store.list("sub/", 1)).containsExactly("sub/inner.tar");
      assertThatThrownBy(() -> store.list("", 5))
          .isInstanceOf(IOException.class).hasMessageContaining("s3://stoker-test/listing").hasMessageContaining("more than 5");
    }
  }

  @Test
  void list_emptyPrefix_listsTheWholeBucket() throws IOException {
    s3.createBucket("stoker-empty");
    try (BlobStore store = direct("s3://stoker-empty")) {
      assertThat(store.list("", 10)).isEmpty();
    }
  }

  @Test
  void keys_leavingTheRoot_areRefusedBeforeAnyRequest() throws IOException {
    try (FaultProxy proxy = new FaultProxy(s3.port(), n -> Fault.pass());
        BlobStore store = through(proxy, "s3://" + BUCKET + "/pack", 1, Duration.ofSeconds(10))) {
      for (String key : new String[] {"../secret", "/abs", "a/../../b", "a\\b", "", "a//b", "./a"}) {
        assertThatThrownBy(() -> store.read(key, 0, 1)).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("key");
      }
      assertThatThrownBy(() -> store.list("../", 10)).isInstanceOf(IllegalArgumentException.class);
      assertThat(proxy.requests()).isZero();
    }
  }

  @Test
  void endpointAndRegion_comeFromOptionsThenEnvironment() {
    StorageOptions none = StorageOptions.defaults();
    Map<String, String> env = Map.of("AWS_ENDPOINT_URL", "http://generic:1", "AWS_ENDPOINT_URL_S3", "http://s3:2",
        "AWS_REGION", "eu-west-3");
    assertThat(S3BlobStore.endpoint(none.withS3Endpoint("http://mine:3"), env::get)).isEqualTo("http://mine:3");
    assertThat(S3BlobStore.endpoint(none, env::get)).isEqualTo("http://s3:2");
    assertThat(S3BlobStore.endpoint(none, Map.of("AWS_ENDPOINT_URL", "http://generic:1")::get)).isEqualTo("http://generic:1");
    assertThat(S3BlobStore.endpoint(none, name -> null)).isNull();
    assertThat(S3BlobStore.region(none, env::get)).isEqualTo("eu-west-3");
    assertThat(S3BlobStore.region(none, name -> null)).isEqualTo("us-east-1");
  }

  @Test
  void parse_locations_giveBucketAndPrefix() {
    assertThat(S3BlobStore.parse("s3://bucket")).containsExactly("bucket", "");
    assertThat(S3BlobStore.parse("S3://bucket/a/b/")).containsExactly("bucket", "a/b");
    assertThatThrownBy(() -> S3BlobStore.parse("s3://Bad_Bucket/x")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> S3BlobStore.parse("s3://bucket/../x")).isInstanceOf(IllegalArgumentException.class);
  }
}
