package dev.stoker.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stoker.api.SampleSource;
import dev.stoker.dataset.ImageFolderSource;
import dev.stoker.remote.node.DataNode;
import dev.stoker.remote.node.DataNodeConfig;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code stoker bench --remote} against a real node: the same JSON contract and the same digest as local. */
class StokerCliRemoteTest {
  @RegisterExtension
  static final CliDataset dataset = CliDataset.demo(4);

  @RegisterExtension
  final ConsoleCapture console = new ConsoleCapture();

  private JsonNode bench(String... where) throws Exception {
    console.resetOut();
    String[] common = {"--threads", "2", "--batch", "8", "--size", "32", "--epochs", "2", "--json"};
    String[] args = new String[1 + where.length + common.length];
    args[0] = "bench";
    System.arraycopy(where, 0, args, 1, where.length);
    System.arraycopy(common, 0, args, 1 + where.length, common.length);
    int status = StokerCli.run(args);
    assertThat(status).as(console.err()).isZero();
    return console.lastJson();
  }

  @Test
  void bench_remote_sameKeysImagesAndDigestAsLocalPlusWireBytes() throws Exception {
    JsonNode local = bench(dataset.dir().toString());
    JsonNode remote;
    try (DataNode node = DataNode.start(DataNodeConfig.loopback(ImageFolderSource.open(dataset.dir())))) {
      remote = bench("--remote", "127.0.0.1:" + node.address().getPort());
    }

    List<String> localKeys = iterable(local);
    assertThat(iterable(remote)).containsAll(localKeys);
    assertThat(remote.get("images").asLong()).isEqualTo(local.get("images").asLong()).isEqualTo(2L * 24);
    assertThat(remote.get("failed").asLong()).isZero();
    assertThat(remote.get("digest").asText()).isEqualTo(local.get("digest").asText());
    assertThat(remote.get("wire_bytes_per_image").asLong()).isGreaterThan(32L * 32 * 3);
    assertThat(local.has("wire_bytes_per_image")).isFalse();
  }

  @Test
  void bench_remoteDnsName_sameDigestAsLocal() throws Exception {
    JsonNode local = bench(dataset.dir().toString());
    JsonNode remote;
    try (DataNode node = DataNode.start(DataNodeConfig.loopback(ImageFolderSource.open(dataset.dir())))) {
      // localhost comes from the hosts file through the same resolver a cluster's DNS name goes through
      remote = bench("--remote", "dns:localhost:" + node.address().getPort(), "--rediscover-every", "200ms");
    }

    assertThat(remote.get("images").asLong()).isEqualTo(local.get("images").asLong()).isEqualTo(2L * 24);
    assertThat(remote.get("digest").asText()).isEqualTo(local.get("digest").asText());
  }

  /** A node's dataset that takes {@code millis} longer per read: a slow node, as the client sees it. */
  private record SlowSource(SampleSource inner, long millis) implements SampleSource {
    @Override
    public ByteBuffer read(int index) throws IOException {
      try {
        Thread.sleep(millis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted", e);
      }
      return inner.read(index);
    }

    @Override
    public ByteBuffer read(int index, ByteBuffer reuse) throws IOException {
      return read(index);
    }

    @Override
    public String description() {
      return inner.description();
    }

    @Override
    public int size() {
      return inner.size();
    }

    @Override
    public String sourceName(int index) {
      return inner.sourceName(index);
    }

    @Override
    public int label(int index) {
      return inner.label(index);
    }

    @Override
    public List<String> classes() {
      return inner.classes();
    }
  }

  @Test
  void bench_remote_slowNode_verdictIsNodeOrNetworkBoundWithTheSourceWaitInTheTable() throws Exception {
    JsonNode remote;
    try (DataNode node = DataNode.start(DataNodeConfig.loopback(new SlowSource(ImageFolderSource.open(dataset.dir()),
        20)))) {
      remote = bench("--remote", "127.0.0.1:" + node.address().getPort());
    }

    String verdict = remote.get("verdict").asText();
    assertThat(remote.get("bound").asText()).as(verdict).isEqualTo("source");
    assertThat(verdict).startsWith("source-bound: the nodes or the network deliver a sample every ")
        .contains("node/network-bound");
    assertThat(console.err()).contains(verdict)
        .containsPattern("(?m)^source_wait +48 ")
        .doesNotContainPattern("(?m)^decode ");
    assertThat(remote.get("images").asLong()).isEqualTo(2L * 24);
  }

  private static List<String> iterable(JsonNode node) {
    List<String> keys = new java.util.ArrayList<>();
    node.fieldNames().forEachRemaining(keys::add);
    return keys;
  }
}
