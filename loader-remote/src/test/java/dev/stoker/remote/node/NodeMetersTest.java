package dev.stoker.remote.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stoker.api.SampleSource;
import dev.stoker.dataset.ImageFolderSource;
import dev.stoker.remote.protocol.Message;
import dev.stoker.remote.protocol.Message.Chunk;
import dev.stoker.remote.protocol.Message.ChunkDone;
import dev.stoker.remote.protocol.Message.Credit;
import dev.stoker.remote.protocol.Message.Error;
import dev.stoker.remote.protocol.Message.Failed;
import dev.stoker.remote.protocol.Message.Sample;
import dev.stoker.testkit.GradientImageFolder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A node's own meters, in the registry it was given: what one connection's work and refusals add. */
class NodeMetersTest {
  private static final byte[] TOKEN = "correct horse battery staple, twice over".getBytes(StandardCharsets.US_ASCII);

  @TempDir
  static Path root;
  static SampleSource source;
  static Path tokenFile;

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private DataNode node;

  @BeforeAll
  static void dataset() throws IOException {
    source = ImageFolderSource.open(GradientImageFolder.of(6).withBroken().writeTo(root.resolve("data")));
    tokenFile = Files.writeString(root.resolve("token"), new String(TOKEN, StandardCharsets.US_ASCII) + "\n");
  }

  @AfterEach
  void closeNode() {
    if (node != null) {
      node.close();
    }
  }

  private double count(String name) {
    return registry.get(name).counter().count();
  }

  private double open() {
    return registry.get(NodeMeters.CONNECTIONS_OPEN).gauge().value();
  }

  @Test
  void chunk_everySampleSent_countsChunkSamplesFailuresBytesAndTheConnection() throws Exception {
    node = DataNode.start(DataNodeConfig.loopback(source).withToken(tokenFile).withWorkers(2), registry);
    int[] indices = IntStream.range(0, source.size()).toArray();
    int samples = 0;
    int failed = 0;
    long bytes;
    try (TestClient client = TestClient.ready(node.address(), null, TOKEN, node.datasetIdentity(),
        NodeHandlerTest.PLAN)) {
      assertThat(count(NodeMeters.CONNECTIONS)).isEqualTo(1);
      assertThat(open()).isEqualTo(1);
      bytes = (long) count(NodeMeters.BYTES_SENT);
      assertThat(bytes).as("the handshake's frames").isPositive();
      client.send(new Chunk(1, 0, indices));
      client.send(new Credit(indices.length));
      for (int p = 0; p < indices.length; p++) {
        Message message = client.next();
        if (message instanceof Sample) {
          samples++;
        } else if (message instanceof Failed) {
          failed++;
        }
        ReferenceCountUtil.release(message);
      }
      client.next(ChunkDone.class);
    }
    assertThat(failed).as("the broken image").isEqualTo(1);
    assertThat(count(NodeMeters.CHUNKS)).isEqualTo(1);
    assertThat(count(NodeMeters.SAMPLES)).isEqualTo(samples).isEqualTo(source.size() - 1);
    assertThat(count(NodeMeters.DECODE_FAILURES)).isEqualTo(1);
    assertThat(count(NodeMeters.BYTES_SENT) - bytes).as("at least the samples' pixels")
        .isGreaterThanOrEqualTo(samples * 32.0 * 32 * 3);
    assertThat(count(NodeMeters.AUTH_FAILURES)).as("negative control").isZero();
    awaitTrue(() -> open() == 0);
  }

  @Test
  void auth_wrongOrMissingToken_countsEachAuthFailure() {
    node = DataNode.start(DataNodeConfig.loopback(source).withToken(tokenFile).withWorkers(1), registry);
    byte[] wrong = "another horse battery staple, twice over".getBytes(StandardCharsets.US_ASCII);
    for (byte[] token : new byte[][] {wrong, null}) {
      try (TestClient client = TestClient.connect(node.address())) {
        client.handshake(token, node.datasetIdentity(), NodeHandlerTest.PLAN);
        assertThat(client.next(Error.class).code()).isEqualTo(Error.AUTH);
      }
    }
    assertThat(count(NodeMeters.AUTH_FAILURES)).isEqualTo(2);
    assertThat(count(NodeMeters.CONNECTIONS)).isEqualTo(2);
    assertThat(count(NodeMeters.CHUNKS)).isZero();
    assertThat(count(NodeMeters.SAMPLES)).isZero();
  }

  @Test
  void start_withoutARegistry_recordsNothingInTheGlobalOne() {
    node = DataNode.start(DataNodeConfig.loopback(source).withWorkers(1));
    assertThat(io.micrometer.core.instrument.Metrics.globalRegistry.find(NodeMeters.SAMPLES).meters()).isEmpty();
    assertThat(registry.getMeters()).isEmpty();
  }

  private static void awaitTrue(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TestClient.WAIT_SECONDS);
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("condition within the wait").isLessThan(deadline);
      Thread.sleep(10);
    }
  }
}
