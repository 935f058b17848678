package dev.stoker.storage;

import static dev.stoker.storage.S3BlobStoreTest.array;
import static dev.stoker.storage.S3BlobStoreTest.bytes;
import static dev.stoker.storage.S3BlobStoreTest.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoker.storage.FaultProxy.Fault;
import dev.stoker.storage.RangeHttpServer.Mode;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link HttpBlobStore} against an HTTP server on loopback, directly and through a {@link FaultProxy}. */
class HttpBlobStoreTest {
  private static final byte[] BLOB = bytes(64 * 1024 + 3, 7);
  private RangeHttpServer server;

  @BeforeEach
  void startServer() throws IOException {
    server = new RangeHttpServer();
    server.put("pack/shard-000000.tar", BLOB);
    server.put("pack/empty.bin", new byte[0]);
    server.put("pack/dir/a b+\u00e9.tar", bytes(100, 3));
  }

  @AfterEach
  void stopServer() {
    server.close();
  }

  private BlobStore direct() {
    return new HttpBlobStore(server.base() + "/pack/", options(3, Duration.ofSeconds(10)));
  }

  private static BlobStore through(FaultProxy proxy, int attempts, Duration timeout) {
    return new HttpBlobStore("http://127.0.0.1:" + proxy.port() + "/data/pack", options(attempts, timeout));
  }

  @Test
  void read_ranges_returnExactBytes() throws IOException {
    try (BlobStore store = direct()) {
      assertThat(store.location()).isEqualTo(server.base() + "/pack");
      for (int[] range : new int[][] {{0, BLOB.length}, {0, 1}, {BLOB.length - 1, 1}, {4321, 30000}, {10, 0}}) {
        assertThat(array(store.read("shard-000000.tar", range[0], range[1])))
            .isEqualTo(Arrays.copyOfRange(BLOB, range[0], range[0] + range[1]));
      }
      assertThat(array(store.read("dir/a b+\u00e9.tar", 10, 20))).isEqualTo(Arrays.copyOfRange(bytes(100, 3), 10, 30));
      assertThat(store.stats().bytes()).isEqualTo(BLOB.length + 2 + 30000 + 20);
    }
  }

  @Test
  void size_byHead_returnsContentLength() throws IOException {
    try (BlobStore store = direct()) {
      assertThat(store.size("shard-000000.tar")).isEqualTo(BLOB.length);
    }
  }

  @Test
  void size_headRefused_readsTheTotalOfARangeAnswer() throws IOException {
    server.mode(Mode.NO_HEAD);
    try (BlobStore store = direct()) {
      assertThat(store.size("shard-000000.tar")).isEqualTo(BLOB.length);
      assertThat(store.size("empty.bin")).isZero();
    }
  }

  @Test
  void read_pastTheEnd_throwsEofNamingTheBlob() throws IOException {
    try (BlobStore store = direct()) {
      assertThatThrownBy(() -> store.read("shard-000000.tar", BLOB.length - 10, 11))
          .isInstanceOf(EOFException.class).hasMessageContaining("/data/pack: shard-000000.tar");
      assertThatThrownBy(() -> store.read("shard-000000.tar", BLOB.length + 1, 5)).isInstanceOf(EOFException.class);
    }
  }

  @Test
  void read_missingBlob_throwsNoSuchFileWithoutRetries() throws IOException {
    try (FaultProxy proxy = new FaultProxy(server.port(), n -> Fault.pass());
        BlobStore store = through(proxy, 4, Duration.ofSeconds(10))) {
      assertThatThrownBy(() -> store.read("missing.tar", 0, 10))
          .isInstanceOf(NoSuchFileException.class).hasMessageContaining("/data/pack: missing.tar");
      assertThatThrownBy(() -> store.size("missing.tar")).isInstanceOf(NoSuchFileException.class);
      assertThat(proxy.requests()).isEqualTo(2);
    }
  }

  @Test
  void read_forbidden_failsAtOnceWithTheStatus() throws IOException {
    try (FaultProxy proxy = new FaultProxy(server.port(), n -> Fault.status(403));
        BlobStore store = through(proxy, 4, Duration.ofSeconds(10))) {
      assertThatThrownBy(() -> store.read("shard-000000.tar", 0, 10))
          .isInstanceOf(IOException.class).isNotInstanceOf(NoSuchFileException.class)
          .hasMessageContaining("/data/pack: shard-000000.tar: HTTP 403");
      assertThat(proxy.requests()).isEqualTo(1);
    }
  }

  @Test
  void read_wrongContentRange_isRefusedWithoutRetries() throws IOException {
    server.mode(Mode.WRONG_RANGE);
    try (FaultProxy proxy = new FaultProxy(server.port(), n -> Fault.pass());
        BlobStore store = through(proxy, 4, Duration.ofSeconds(10))) {
      assertThatThrownBy(() -> store.read("shard-000000.tar", 100, 1000))
          .isInstanceOf(IOException.class).hasMessageContaining("shard-000000.tar")
          .hasMessageContaining("holding bytes 101-1100 when bytes 100-1099 were asked for");
      assertThat(proxy.requests()).isEqualTo(1);
    }
  }

  @Test
  void read_moreBytesThanDeclaredRange_isRefused() throws IOException {
    server.mode(Mode.TOO_LONG_DECLARED);
    try (BlobStore store = direct()) {
      assertThatThrownBy(() -> store.read("shard-000000.tar", 100, 1000))
          .isInstanceOf(IOException.class).hasMessageContaining("refused an answer of 1100 bytes");
    }
  }

  @Test
  void read_moreBytesThanAskedInAChunkedBody_isRefused() throws IOException {
    server.mode(Mode.TOO_LONG_CHUNKED);
    try (BlobStore store = direct()) {
      assertThatThrownBy(() -> store.read("shard-000000.tar", 100, 1000))
          .isInstanceOf(IOException.class).hasMessageContaining("more than the 1000 bytes asked for");
    }
  }

  @Test
  void read_serverIgnoringRanges_isRefusedUnlessTheWholeBlobWasAsked() throws IOException {
    server.mode(Mode.IGNORES_RANGE);
    try (BlobStore store = direct()) {
      assertThatThrownBy(() -> store.read("shard-000000.tar", 0, 1000))
          .isInstanceOf(IOException.class).hasMessageContaining("does not serve ranges");
      assertThat(array(store.read("shard-000000.tar", 0, BLOB.length))).isEqualTo(BLOB);
    }
  }

  @Test
  void read_connectionDroppedMidBody_retriesAndReturnsExactBytes() throws IOException {
    try (FaultProxy proxy = new FaultProxy(server.port(), n -> n == 1 ? Fault.dropAfter(2000) : Fault.pass());
        BlobStore store = through(proxy, 3, Duration.ofSeconds(10))) {
      assertThat(array(store.read("shard-000000.tar", 5, 40000))).isEqualTo(Arrays.copyOfRange(BLOB, 5, 40005));
      assertThat(proxy.requests()).isEqualTo(2);
      assertThat(store.stats().retries()).isEqualTo(1);
    }
  }

  @Test
  void read_connectionDroppedMidBodyWithOneAttempt_fails() throws IOException {
    // negative control for the test above: the same fault without a retry fails the read
    try (FaultProxy proxy = new FaultProxy(server.port(), n -> n == 1 ? Fault.dropAfter(2000) : Fault.pass());
        BlobStore store = through(proxy, 1, Duration.ofSeconds(10))) {
      assertThatThrownBy(() -> store.read("shard-000000.tar", 5, 40000))
          .isInstanceOf(IOException.class).hasMessageContaining("shard-000000.tar").hasMessageContaining("after 1 attempt");
      assertThat(proxy.requests()).isEqualTo(1);
    }
  }

  @Test
  void read_serverErrorsThenSuccess_recoversWithinMaxAttempts() throws IOException {
    Map<Integer, Fault> faults = Map.of(1, Fault.status(500), 2, Fault.status(503), 3, Fault.status(429));
    try (FaultProxy proxy = new FaultProxy(server.port(), n -> faults.getOrDefault(n, Fault.pass()));
        BlobStore store = through(proxy, 4, Duration.ofSeconds(10))) {
      assertThat(array(store.read("shard-000000.tar", 0, 100))).isEqualTo(Arrays.copyOf(BLOB, 100));
      assertThat(proxy.requests()).isEqualTo(4);
      assertThat(store.stats()).isEqualTo(new StoreStats(4, 100, 3, 0));
    }
  }

  @Test
  void read_persistentServerErrors_failsAfterExactlyMaxAttempts() throws IOException {
    try (FaultProxy proxy = new FaultProxy(server.port(), n -> Fault.status(500));
        BlobStore store = through(proxy, 3, Duration.ofSeconds(10))) {
      assertThatThrownBy(() -> store.read("shard-000000.tar", 0, 100))
          .isInstanceOf(IOException.class).hasMessageContaining("/data/pack: shard-000000.tar")
          .hasMessageContaining("after 3 attempts").hasMessageContaining("HTTP 500")
          .hasMessageNotContaining("injected by the test");
      assertThat(proxy.requests()).isEqualTo(3);
      assertThatThrownBy(() -> store.size("shard-000000.tar")).isInstanceOf(IOException.class)
          .hasMessageContaining("after 3 attempts");
      assertThat(proxy.requests()).isEqualTo(6);
    }
  }

  @Test
  void read_serverStallsBeforeAnswering_failsWithinTheTimeout() throws IOException {
    try (FaultProxy proxy = new FaultProxy(server.port(), n -> Fault.stallAfter(0));
        BlobStore store = through(proxy, 2, Duration.ofMillis(300))) {
      assertThatThrownBy(() -> store.read("shard-000000.tar", 0, 100))
          .isInstanceOf(IOException.class).hasMessageContaining("shard-000000.tar").hasMessageContaining("after 2 attempts");
      assertThat(proxy.requests()).isEqualTo(2);
    }
  }

  @Test
  void read_serverStallsMidBody_failsWithinTheTimeout() throws IOException {
    try (FaultProxy proxy = new FaultProxy(server.port(), n -> Fault.stallAfter(2000));
        BlobStore store = through(proxy, 2, Duration.ofMillis(300))) {
      assertThatThrownBy(() -> store.read("shard-000000.tar", 0, 40000))
          .isInstanceOf(IOException.class).hasMessageContaining("shard-000000.tar").hasMessageContaining("after 2 attempts");
      assertThat(proxy.requests()).isEqualTo(2);
    }
  }

  @Test
  void list_overPlainHttp_failsSayingWhy() throws IOException {
    try (BlobStore store = direct()) {
      assertThat(store.listable()).isFalse();
      assertThatThrownBy(() -> store.list("", 10)).isInstanceOf(IOException.class)
          .hasMessageContaining("cannot list").hasMessageContaining("stoker-pack.json");
    }
  }

  @Test
  void keys_leavingTheRoot_areRefusedBeforeAnyRequest() throws IOException {
    try (FaultProxy proxy = new FaultProxy(server.port(), n -> Fault.pass());
        BlobStore store = through(proxy, 1, Duration.ofSeconds(10))) {
      for (String key : new String[] {"../secret", "/abs", "a/../../b", "a\\b", "", "a//b", "./a"}) {
        assertThatThrownBy(() -> store.read(key, 0, 1)).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("key");
      }
      assertThat(proxy.requests()).isZero();
    }
  }

  @Test
  void open_remoteLocations_pickTheirStoreAndRefuseCredentialsOrQueries() {
    StorageOptions options = StorageOptions.defaults();
    assertThatThrownBy(() -> BlobStores.open("https://user:secret@host/data", options))
        .isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining("secret");
    assertThatThrownBy(() -> BlobStores.open("https://host/data?sig=1", options))
        .isInstanceOf(IllegalArgumentException.class);
    try (BlobStore store = BlobStores.open("s3://bucket/a/b/", options.withS3Endpoint("http://127.0.0.1:9")
        .withS3Region("eu-west-1").withRequestTimeout(Duration.ofSeconds(1)))) {
      assertThat(store).isInstanceOf(S3BlobStore.class);
      assertThat(store.location()).isEqualTo("s3://bucket/a/b");
    }
    assertThatThrownBy(() -> BlobStores.open("ftp://host/data", options)).isInstanceOf(IllegalArgumentException.class);
    try (BlobStore store = BlobStores.open("HTTPS://host:8443/a/b/", options)) {
      assertThat(store).isInstanceOf(HttpBlobStore.class);
      assertThat(store.location()).isEqualTo("https://host:8443/a/b");
    }
  }
}
