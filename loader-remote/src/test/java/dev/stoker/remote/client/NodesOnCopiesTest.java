package dev.stoker.remote.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoker.api.LoaderException;
import dev.stoker.pipeline.Loader;
import dev.stoker.remote.node.DataNode;
import dev.stoker.remote.node.DataNodeConfig;
import dev.stoker.remote.protocol.DatasetIdentity;
import dev.stoker.remote.protocol.LeakRecorder;
import dev.stoker.remote.protocol.TestImages;
import dev.stoker.testkit.BatchDigests;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real data-server nodes on copies of one dataset in different directories, as on machines that
 * each hold their own copy: one client accepts them all and gets the batches of a local run; a
 * node on a copy with one file changed is refused, the refusal naming both identities.
 */
@Timeout(120)
class NodesOnCopiesTest {
  @TempDir
  static Path root;

  private static Path original;
  private static BatchDigests.Run localRun;

  @BeforeAll
  static void datasetAndLocalRun() {
    original = TestImages.make(root.resolve("machine-a/data/train"));
    try (Loader loader = TestImages.settings(TestImages.open(original)).build()) {
      localRun = BatchDigests.run(loader, 0, 2);
    }
  }

  @AfterEach
  void noLeaks() throws InterruptedException {
    assertThat(LeakRecorder.collect("ByteBuf")).isEmpty();
  }

  private static Path copy(Path to) throws IOException {
    try (Stream<Path> all = Files.walk(original)) {
      for (Path p : all.sorted().toList()) {
        Path target = to.resolve(original.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
    return to;
  }

  private static DataNode node(Path dataset) {
    return DataNode.start(DataNodeConfig.loopback(TestImages.open(dataset)).withWorkers(1));
  }

  private static RemoteOptions options() {
    return RemoteOptions.defaults().withChunkSize(3).withTimings(Duration.ofSeconds(10), Duration.ofMillis(50));
  }

  private static String name(DataNode node) {
    return node.address().getHostString() + ":" + node.address().getPort();
  }

  @Test
  void run_nodesOnCopiesUnderDifferentPaths_acceptedAndSameBatchesAsLocal() throws IOException {
    Path b = copy(root.resolve("machine-b/mnt/datasets/train-copy"));
    Path c = copy(root.resolve("machine-c/x"));
    try (DataNode nodeA = node(original); DataNode nodeB = node(b); DataNode nodeC = node(c);
        RemoteSource remote = RemoteSource.connect(List.of(nodeA.address(), nodeB.address(), nodeC.address()),
            options().withExpectedIdentity(DatasetIdentity.of(TestImages.open(original))));
        Loader loader = TestImages.settings(remote).build()) {
      assertThat(nodeB.datasetIdentity()).isEqualTo(nodeA.datasetIdentity()).isEqualTo(nodeC.datasetIdentity());
      BatchDigests.Run run = BatchDigests.run(loader, 0, 2);

      assertThat(run.digests()).isEqualTo(localRun.digests());
      assertThat(run.summary().delivered()).isEqualTo(localRun.summary().delivered())
          .isEqualTo(2L * TestImages.GOOD);
      assertThat(remote.identity()).isEqualTo(nodeA.datasetIdentity());
    }
  }

  @Test
  void connect_nodeOnACopyWithOneFileChanged_refusedNamingBothIdentities() throws IOException {
    Path changed = copy(root.resolve("machine-d/train"));
    Path image = changed.resolve("class0").resolve("img0.jpg");
    byte[] bytes = Files.readAllBytes(image);
    bytes[bytes.length / 2] ^= 1;   // same name, same size, other bytes
    Files.write(image, bytes);
    try (DataNode good = node(original); DataNode bad = node(changed)) {
      assertThat(bad.datasetIdentity()).isNotEqualTo(good.datasetIdentity());

      assertThatThrownBy(() -> RemoteSource.connect(List.of(good.address(), bad.address()), options()))
          .isInstanceOf(LoaderException.class)
          .hasMessageContaining(name(good) + " serves " + good.datasetIdentity())
          .hasMessageContaining(name(bad) + " serves " + bad.datasetIdentity());
      RemoteOptions expectingGood = options().withExpectedIdentity(good.datasetIdentity());
      assertThatThrownBy(() -> RemoteSource.connect(List.of(bad.address()), expectingGood))
          .isInstanceOf(LoaderException.class)
          .hasMessageContaining("node " + name(bad) + " serves dataset " + bad.datasetIdentity()
              + ", but the client expects " + good.datasetIdentity());
    }
  }
}
