package dev.stoker.remote.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoker.api.LoaderException;
import dev.stoker.api.RunSummary;
import dev.stoker.api.SampleSource;
import dev.stoker.dataset.ImageFolderSource;
import dev.stoker.pipeline.Loader;
import dev.stoker.remote.node.DataNode;
import dev.stoker.remote.node.DataNodeConfig;
import dev.stoker.remote.protocol.TestImages;
import dev.stoker.testkit.Await;
import dev.stoker.testkit.BatchDigests;
import dev.stoker.testkit.GradientImageFolder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Elastic membership with real {@link DataNode}s on distinct loopback addresses (127.0.0.2,
 * 127.0.0.3, ... all on one port, as the addresses behind one DNS name are), found through a
 * {@link TestDnsServer} whose answer the test changes mid-epoch, or given as a fixed list with
 * nodes down at the start: every index is delivered exactly once and the batches are those of a
 * local run, byte for byte. The changes happen inside the training step (the loader's consumer),
 * so they fall mid-epoch; each waits (a generous bound, not a timing assertion) until the client
 * sees them.
 */
@Timeout(120)
class ElasticMembershipTest {
  private static final String NAME = "nodes.stoker.test";

  @TempDir
  static Path root;

  private static SampleSource local;
  private static List<String> localDigests;
  private static int port;

  private final List<DataNode> started = new ArrayList<>();
  private final Map<String, SimpleMeterRegistry> meters = new HashMap<>();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private PrintStream savedErr;
  private TestDnsServer dns;

  @BeforeAll
  static void localBaseline() throws IOException {
    local = TestImages.open(TestImages.make(root.resolve("images")));
    try (Loader loader = TestImages.settings(local).build()) {
      localDigests = BatchDigests.run(loader, 0, 2).digests();
    }
    port = freePortOnEveryAddress();
  }

  /** A port free on 127.0.0.2 to 127.0.0.5 (binding other loopback addresses than 127.0.0.1 works on Linux). */
  private static int freePortOnEveryAddress() throws IOException {
    for (int attempt = 0; attempt < 20; attempt++) {
      int candidate;
      try (ServerSocket s = new ServerSocket(0, 1, ip("127.0.0.2"))) {
        candidate = s.getLocalPort();
      }
      boolean free = true;
      for (String other : List.of("127.0.0.3", "127.0.0.4", "127.0.0.5")) {
        try (ServerSocket s = new ServerSocket(candidate, 1, ip(other))) {
          // free
        } catch (IOException taken) {
          free = false;
        }
      }
      if (free) {
        return candidate;
      }
    }
    throw new IOException("no port free on 127.0.0.2 to 127.0.0.5");
  }

  @BeforeEach
  void start() {
    savedErr = System.err; // slf4j-simple writes to whatever System.err is now
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    dns = TestDnsServer.start();
  }

  @AfterEach
  void stop() {
    System.setErr(savedErr);
    started.forEach(DataNode::close);
    dns.close();
  }

  private static InetAddress ip(String text) {
    try {
      return InetAddress.getByName(text);
    } catch (IOException e) {
      throw new IllegalArgumentException(e);
    }
  }

  private DataNode node(String address) {
    return node(address, local);
  }

  /** A real node serving {@code source} on {@code address}:{@link #port}, one worker. */
  private DataNode node(String address, SampleSource source) {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    DataNode node = DataNode.start(new DataNodeConfig(source, ip(address), port, null, null, null, 1,
        DataNodeConfig.DEFAULT_MAX_FRAME_BYTES), registry);
    started.add(node);
    meters.put(address, registry);
    return node;
  }

  /** Samples the node on {@code address} sent, over all its lives. */
  private double samples(String address) {
    SimpleMeterRegistry registry = meters.get(address);
    return registry == null ? 0 : registry.get("stoker.node.samples").counter().count();
  }

  private static String name(String address) {
    return address + ":" + port;
  }

  private static RemoteOptions options() {
    return RemoteOptions.defaults().withChunkSize(2).withTimings(Duration.ofSeconds(5), Duration.ofMillis(50))
        .withRediscoverInterval(Duration.ofMillis(50));
  }

  private String log() {
    return err.toString(StandardCharsets.UTF_8);
  }

  /** What the training step does after batch {@code n} of the run (counted from 0 over all epochs). */
  interface Step {
    void after(int n) throws Exception;
  }

  private record Run(List<String> digests, RunSummary summary) {}

  /** Epochs 0..epochs-1 over {@code remote}, digesting every batch, with {@code step} after each. */
  private static Run run(RemoteSource remote, int epochs, Step step) {
    List<String> digests = new ArrayList<>();
    try (Loader loader = TestImages.settings(remote).build()) {
      RunSummary summary = loader.run(0, epochs, batch -> {
        digests.add(BatchDigests.of(batch));
        try {
          step.after(digests.size() - 1);
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      return new Run(digests, summary);
    }
  }

  private static void awaitNodes(RemoteSource remote, List<String> names, int ready) throws InterruptedException {
    Await.until(() -> remote.nodeNames().equals(names) && remote.readyNodes() == ready,
        "nodes " + names + " with " + ready + " ready (now " + remote.nodeNames() + ")");
  }

  @Test
  void dns_nodesJoinAndLeaveMidEpoch_everyIndexOnceSameBatchesAsLocal() throws Exception {
    node("127.0.0.2");
    DataNode b = node("127.0.0.3");
    dns.answer(NAME, ip("127.0.0.2"));
    try (RemoteSource remote = RemoteSource.connect(NodeDiscovery.dns(NAME, port, dns.address()), options())) {
      assertThat(remote.nodeNames()).containsExactly(name("127.0.0.2"));

      Run run = run(remote, 2, n -> {
        switch (n) {
          case 0 -> { // 127.0.0.3 appears
            dns.answer(NAME, ip("127.0.0.2"), ip("127.0.0.3"));
            awaitNodes(remote, List.of(name("127.0.0.2"), name("127.0.0.3")), 2);
          }
          case 2 -> { // 127.0.0.4 starts and appears, 127.0.0.2 leaves the answer (and stops)
            node("127.0.0.4");
            dns.answer(NAME, ip("127.0.0.3"), ip("127.0.0.4"));
            awaitNodes(remote, List.of(name("127.0.0.3"), name("127.0.0.4")), 2);
            started.get(0).close();
          }
          case 5 -> { // 127.0.0.3 stops while the answer still names it, then leaves the answer
            b.close();
            dns.answer(NAME, ip("127.0.0.4"));
            awaitNodes(remote, List.of(name("127.0.0.4")), 1);
          }
          default -> { }
        }
      });

      assertThat(run.digests()).hasSizeGreaterThan(6).isEqualTo(localDigests);
      assertThat(run.summary().delivered() + run.summary().failed()).isEqualTo(2L * TestImages.SIZE);
      assertThat(samples("127.0.0.3")).as("samples of the node that joined").isPositive();
      assertThat(samples("127.0.0.4")).as("samples of the node that started mid-run").isPositive();
      assertThat(log()).contains("node " + name("127.0.0.3") + " appeared in dns:" + NAME + ":" + port)
          .contains("node " + name("127.0.0.2") + " is gone from dns:" + NAME + ":" + port);
    }
  }

  @Test
  void dns_answerNeverNamesTheSecondNode_itGetsNoWork_negativeControl() throws Exception {
    node("127.0.0.2");
    node("127.0.0.3");
    dns.answer(NAME, ip("127.0.0.2"));
    try (RemoteSource remote = RemoteSource.connect(NodeDiscovery.dns(NAME, port, dns.address()), options())) {
      Run run = run(remote, 1, n -> {
        if (n == 0) { // as long as the joining test waits, and more: several lookups
          int queries = dns.queries();
          Await.until(() -> dns.queries() >= queries + 6, "three more lookups");
        }
      });

      assertThat(run.digests()).isEqualTo(localDigests.subList(0, run.digests().size()));
      assertThat(samples("127.0.0.2")).isPositive();
      assertThat(samples("127.0.0.3")).as("samples of the node the answer never named").isZero();
      assertThat(remote.nodeNames()).containsExactly(name("127.0.0.2"));
    }
  }

  @Test
  void dns_nodeServingAnotherDatasetAppears_refusedNamingBothAndNeverUsed() throws Exception {
    SampleSource other = ImageFolderSource.open(GradientImageFolder.of(7).size(30, 20, 2, 2).writeTo(root.resolve("other")));
    node("127.0.0.2");
    DataNode wrong = node("127.0.0.5", other);
    dns.answer(NAME, ip("127.0.0.2"));
    try (RemoteSource remote = RemoteSource.connect(NodeDiscovery.dns(NAME, port, dns.address()), options())) {
      String refusal = "node " + name("127.0.0.5") + " serves dataset " + wrong.datasetIdentity()
          + ", but the client uses dataset " + remote.identity() + ": refused";
      Run run = run(remote, 2, n -> {
        if (n == 0) {
          dns.answer(NAME, ip("127.0.0.2"), ip("127.0.0.5"));
          Await.until(() -> log().contains(refusal), "the refusal in the log");
          int queries = dns.queries();
          Await.until(() -> dns.queries() >= queries + 6, "three more lookups");
        }
      });

      assertThat(run.digests()).isEqualTo(localDigests);
      assertThat(samples("127.0.0.5")).as("samples of the node serving another dataset").isZero();
      assertThat(remote.nodeNames()).containsExactly(name("127.0.0.2"));
      assertThat(log()).containsOnlyOnce(refusal);
    }
  }

  @Test
  void connect_oneNodeDownAtTheStart_startsWithTheOtherAndUsesItOnceItIsUp() throws Exception {
    DataNode a = node("127.0.0.2");
    InetSocketAddress down = new InetSocketAddress(ip("127.0.0.3"), port);
    try (RemoteSource remote = RemoteSource.connect(List.of(a.address(), down), options())) {
      assertThat(remote.readyNodes()).isZero(); // no plan yet
      Run run = run(remote, 2, n -> {
        if (n == 0) {
          node("127.0.0.3");
          Await.until(() -> remote.readyNodes() == 2, "the node that came up to be ready");
        }
      });

      assertThat(run.digests()).isEqualTo(localDigests);
      assertThat(run.summary().delivered() + run.summary().failed()).isEqualTo(2L * TestImages.SIZE);
      assertThat(samples("127.0.0.3")).as("samples of the node that was down at the start").isPositive();
    }
  }

  @Test
  void connect_nodeLostBeforeConfigure_reconnectedAndUsed() throws Exception {
    DataNode a = node("127.0.0.2");
    DataNode b = node("127.0.0.3");
    try (RemoteSource remote = RemoteSource.connect(List.of(a.address(), b.address()), options())) {
      b.close();
      node("127.0.0.3");
      double before = samples("127.0.0.3");
      Run run = run(remote, 2, n -> {
        if (n == 0) {
          Await.until(() -> remote.readyNodes() == 2, "the restarted node to be ready");
        }
      });

      assertThat(before).isZero();
      assertThat(run.digests()).isEqualTo(localDigests);
      assertThat(samples("127.0.0.3")).as("samples of the node restarted before the plan").isPositive();
    }
  }

  @Test
  void connect_everyNodeDown_failsNamingEachNodeAndWhy() {
    InetSocketAddress a = new InetSocketAddress(ip("127.0.0.2"), port);
    InetSocketAddress b = new InetSocketAddress(ip("127.0.0.3"), port);
    assertThatThrownBy(() -> RemoteSource.connect(List.of(a, b), options()))
        .isInstanceOf(LoaderException.class)
        .hasMessageContaining("cannot connect to remote nodes")
        .hasMessageContaining("node " + name("127.0.0.2") + " cannot be reached")
        .hasMessageContaining("node " + name("127.0.0.3") + " cannot be reached");
  }
}
