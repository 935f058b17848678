package dev.stoker.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stoker.api.Batch;
import dev.stoker.api.RunSummary;
import dev.stoker.api.SampleSource;
import dev.stoker.dataset.ImageFolderSource;
import dev.stoker.ring.BatchRings;
import dev.stoker.pipeline.Loader;
import dev.stoker.pipeline.LoaderBuilder;
import dev.stoker.pipeline.Presets;
import dev.stoker.pipeline.SampleSupplier;
import dev.stoker.remote.client.RemoteOptions;
import dev.stoker.remote.client.RemoteSource;
import dev.stoker.remote.node.DataNode;
import dev.stoker.remote.node.DataNodeConfig;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
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
  static void makeImages() throws IOException {
    for (int i = 0; i < IMAGES; i++) {
      Path dir = Files.createDirectories(root.resolve("class" + i % 4));
      BufferedImage image = new BufferedImage(80 + 3 * i, 60 + 2 * i, BufferedImage.TYPE_3BYTE_BGR);
      Graphics2D g = image.createGraphics();
      g.setPaint(new GradientPaint(0, 0, new Color(i * 4, 40, 200), image.getWidth(), image.getHeight(), Color.PINK));
      g.fillRect(0, 0, image.getWidth(), image.getHeight());
      g.dispose();
      ImageIO.write(image, "jpeg", dir.resolve(i + ".jpg").toFile());
    }
  }

  private static LoaderBuilder settings(SampleSource source) {
    return settings(Loader.builder().source(source));
  }

  private static LoaderBuilder settings(SampleSupplier supplier) {
    return settings(Loader.builder().supplier(supplier));
  }

  private static LoaderBuilder settings(LoaderBuilder builder) {
    return builder.transforms(Presets.imagenetTrain(40)).batchSize(5).threads(2).seed(21).ring(BatchRings.direct(), 2);
  }


  private static List<String> local(int epochs) {
    List<String> digests = new ArrayList<>();
    try (Loader loader = settings(ImageFolderSource.open(root)).build()) {
      loader.run(epochs, batch -> digests.add(BatchDigests.of(batch)));
    }
    return digests;
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
        Loader loader = settings(source).build()) {
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
        Loader loader = settings(source).build()) {
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
