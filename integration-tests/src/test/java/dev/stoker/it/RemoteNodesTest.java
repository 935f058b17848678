package dev.stoker.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stoker.api.RunSummary;
import dev.stoker.dataset.ImageFolderSource;
import dev.stoker.pipeline.Loader;
import dev.stoker.pipeline.LoaderBuilder;
import dev.stoker.remote.client.RemoteOptions;
import dev.stoker.remote.client.RemoteSource;
import dev.stoker.remote.node.DataNode;
import dev.stoker.remote.node.DataNodeConfig;
import dev.stoker.testkit.BatchDigests;
import dev.stoker.testkit.GradientImageFolder;
import dev.stoker.testkit.SmallLoaders;
import java.awt.Color;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real data-server nodes on loopback and a loader over a {@link RemoteSource}: the same batches
 * as local decoding, byte for byte; a node closed mid-epoch loses nothing and duplicates nothing;
 * a node started again on its port is used again.
 */
@Timeout(120)
class RemoteNodesTest {
  private static final int IMAGES = 61;

  @TempDir
  static Path root;

  @BeforeAll
  static void makeImages() {
    GradientImageFolder.of(IMAGES).classes(4).size(80, 60, 3, 2).gradient(4, 40, 200, Color.PINK).writeTo(root);
  }

  private static LoaderBuilder settings() {
    return SmallLoaders.train(40, 5, 21);
  }

  private static List<String> local(int epochs) {
    try (Loader loader = settings().source(ImageFolderSource.open(root)).build()) {
      return BatchDigests.run(loader, 0, epochs).digests();
    }
  }

  private static DataNode node(int port) {
    DataNodeConfig loopback = DataNodeConfig.loopback(ImageFolderSource.open(root)).withWorkers(1);
    return DataNode.start(new DataNodeConfig(loopback.source(), loopback.bind(), port, null, null, null, 1,
        loopback.maxFrameBytes()));
  }

  private static RemoteOptions options() {
    return RemoteOptions.defaults().withChunkSize(4).withTimings(Duration.ofSeconds(20), Duration.ofMillis(100));
  }

  @Test
  void run_twoNodes_sameBatchesAsLocalDecoding() {
    List<String> expected = local(2);
    List<String> remote = new ArrayList<>();
    try (DataNode a = node(0); DataNode b = node(0);
        RemoteSource source = RemoteSource.connect(List.of(a.address(), b.address()), options());
        Loader loader = settings().supplier(source).build()) {
      RunSummary summary = loader.run(2, batch -> remote.add(BatchDigests.of(batch)));

      assertThat(summary.delivered()).isEqualTo(2L * IMAGES);
      assertThat(summary.failed()).isZero();
    }
    assertThat(remote).isEqualTo(expected);
  }

  @Test
  void run_nodeClosedMidEpochThenStartedAgain_everyIndexOnceAndTheNodeIsUsedAgain() {
    List<String> expected = local(3);
    List<String> remote = new ArrayList<>();
    DataNode a = node(0);
    int portA = a.address().getPort();
    DataNode b = node(0);
    try (RemoteSource source = RemoteSource.connect(List.of(a.address(), b.address()), options());
        Loader loader = settings().supplier(source).build()) {
      RunSummary first = loader.run(0, 1, batch -> {
        remote.add(BatchDigests.of(batch));
        if (remote.size() == 4) {
          a.close();   // killed in the middle of epoch 0: its unfinished chunks go to b
        }
      });
      assertThat(first.delivered()).as("epoch 0 exact despite the kill").isEqualTo(IMAGES);
      assertThat(first.failed()).isZero();

      DataNode back = node(portA);
      try {
        loader.run(1, 1, batch -> remote.add(BatchDigests.of(batch)));
        b.close();   // from now on only the node that came back can serve
        RunSummary third = loader.run(2, 1, batch -> remote.add(BatchDigests.of(batch)));
        assertThat(third.delivered()).as("epoch 2 served by the node that came back").isEqualTo(IMAGES);
      } finally {
        back.close();
      }
    } finally {
      a.close();
      b.close();
    }
    assertThat(remote).isEqualTo(expected);
  }

  @Test
  void connect_nodeServingOtherData_failsNamingBothIdentities(@TempDir Path other) throws IOException {
    Path dir = Files.createDirectories(other.resolve("only"));
    Files.copy(root.resolve("class0").resolve("0.jpg"), dir.resolve("0.jpg"));
    try (DataNode a = node(0);
        DataNode b = DataNode.start(DataNodeConfig.loopback(ImageFolderSource.open(other)))) {
      List<InetSocketAddress> both = List.of(a.address(), b.address());
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> RemoteSource.connect(both, options()))
          .hasMessageContaining(b.address().getPort() + "")
          .hasMessageContaining(b.datasetIdentity());
    }
  }
}
