package dev.stoker.remote.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoker.api.LoaderException;
import dev.stoker.api.SampleFailure;
import dev.stoker.api.SampleSource;
import dev.stoker.pipeline.Loader;
import dev.stoker.remote.protocol.LeakRecorder;
import dev.stoker.remote.protocol.TestImages;
import dev.stoker.testkit.BatchDigests;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A loader over a {@link RemoteSource} gives the batches of a local run, byte for byte, from one
 * node or several, when a node dies mid-epoch, and after it comes back; nothing leaks.
 */
@Timeout(120)
class RemoteSourceTest {
  @TempDir
  static Path root;

  private static SampleSource local;
  private static BatchDigests.Run localRun;

  private final List<FakeNode> nodes = new ArrayList<>();

  @BeforeAll
  static void localBaseline() {
    local = TestImages.open(TestImages.make(root));
    try (Loader loader = TestImages.settings(local).build()) {
      localRun = BatchDigests.run(loader, 0, 2);
    }
    assertThat(localRun.summary().failed()).isEqualTo(2);
  }

  @AfterEach
  void stopNodesAndCheckLeaks() throws InterruptedException {
    nodes.forEach(FakeNode::close);
    assertThat(LeakRecorder.collect("ByteBuf")).isEmpty();
  }

  private FakeNode node() {
    FakeNode node = FakeNode.serving(local).start();
    nodes.add(node);
    return node;
  }

  private static List<InetSocketAddress> addresses(FakeNode... nodes) {
    return java.util.Arrays.stream(nodes).map(FakeNode::address).toList();
  }

  private static RemoteOptions fast() {
    return RemoteOptions.defaults().withChunkSize(3).withTimings(Duration.ofSeconds(5), Duration.ofMillis(50));
  }

  @Test
  void run_oneNode_sameBatchesAsLocal() {
    FakeNode node = node();
    try (RemoteSource remote = RemoteSource.connect(addresses(node), fast());
        Loader loader = TestImages.settings(remote).build()) {
      BatchDigests.Run run = BatchDigests.run(loader, 0, 2);

      assertThat(run.digests()).isEqualTo(localRun.digests());
      assertThat(run.summary().delivered()).isEqualTo(localRun.summary().delivered()).isEqualTo(2L * TestImages.GOOD);
      assertThat(run.summary().failures()).extracting(SampleFailure::source).allMatch(s -> s.contains("broken.jpg"));
      assertThat(node.overspent()).isFalse();
    }
  }

  @Test
  void run_threeNodes_sameBatchesAsLocalAndEveryNodeWorks() {
    FakeNode a = node();
    FakeNode b = node();
    FakeNode c = node();
    try (RemoteSource remote = RemoteSource.connect(addresses(a, b, c), fast().withChunkSize(2));
        Loader loader = TestImages.settings(remote).build()) {
      BatchDigests.Run run = BatchDigests.run(loader, 0, 2);

      assertThat(run.digests()).isEqualTo(localRun.digests());
      assertThat(run.summary().failed()).isEqualTo(2);
      assertThat(List.of(a, b, c)).allSatisfy(n -> assertThat(n.chunks()).as("chunks of %s", n.address()).isPositive());
      assertThat(a.samples() + b.samples() + c.samples()).isEqualTo(2 * TestImages.SIZE);
    }
  }

  @RepeatedTest(5) // where the node dies, and so which chunks move, varies from run to run
  void run_nodeKilledMidEpoch_epochStillExact() {
    FakeNode a = node();
    FakeNode b = node().killAfter(5);
    FakeNode c = node();
    try (RemoteSource remote = RemoteSource.connect(addresses(a, b, c), fast().withChunkSize(2));
        Loader loader = TestImages.settings(remote).build()) {
      BatchDigests.Run run = BatchDigests.run(loader, 0, 2);

      assertThat(b.samples()).as("the killed node's samples").isEqualTo(5);
      assertThat(run.digests()).isEqualTo(localRun.digests());
      assertThat(run.summary().delivered() + run.summary().failed()).isEqualTo(2L * TestImages.SIZE);
      assertThat(run.summary().failed()).isEqualTo(2);
    }
  }

  @Test
  void run_nodeBackAfterDying_usedAgainInTheNextEpoch() throws InterruptedException {
    FakeNode a = node();
    FakeNode b = node().killAfter(4);
    try (RemoteSource remote = RemoteSource.connect(addresses(a, b), fast().withChunkSize(2));
        Loader loader = TestImages.settings(remote).build()) {
      BatchDigests.Run first = BatchDigests.run(loader, 0, 1);
      b.restart();
      awaitReady(remote, 2);
      int chunksBefore = b.chunks();
      BatchDigests.Run second = BatchDigests.run(loader, 1, 1);

      assertThat(b.sessions()).as("sessions of the node that came back").isEqualTo(2);
      assertThat(b.chunks()).as("chunks the node got after it came back").isGreaterThan(chunksBefore);
      List<String> both = new ArrayList<>(first.digests());
      both.addAll(second.digests());
      assertThat(both).isEqualTo(localRun.digests());
    }
  }

  @Test
  void run_everyNodeGone_failsNamingTheNodes() {
    FakeNode a = node().killAfter(3);
    RemoteOptions options = fast().withTimings(Duration.ofMillis(500), Duration.ofMillis(50));
    try (RemoteSource remote = RemoteSource.connect(addresses(a), options);
        Loader loader = TestImages.settings(remote).build()) {
      assertThatThrownBy(() -> BatchDigests.run(loader, 0, 1))
          .isInstanceOf(LoaderException.class)
          .hasStackTraceContaining("no remote node was ready")
          .hasStackTraceContaining(a.address().getHostString() + ":" + a.address().getPort());
    }
  }

  /** Waits (a generous bound, not a timing assertion) until {@code count} nodes are ready. */
  static void awaitReady(RemoteSource remote, int count) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (remote.readyNodes() < count) {
      assertThat(System.nanoTime()).as("nodes ready in time").isLessThan(deadline);
      Thread.sleep(20);
    }
  }
}
