package dev.stoker.remote.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoker.api.SampleSource;
import dev.stoker.dataset.ImageFolderSource;
import dev.stoker.dataset.Sources;
import dev.stoker.pipeline.Loader;
import dev.stoker.pipeline.SampleCaches;
import dev.stoker.remote.node.DataNode;
import dev.stoker.remote.node.DataNodeConfig;
import dev.stoker.testkit.BatchDigests;
import dev.stoker.testkit.GradientImageFolder;
import dev.stoker.testkit.SmallLoaders;
import java.awt.Color;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A data-server node serves a combined source like any source (the client's batches are those of a
 * local loader over the same combination), and refuses a weighted mix, whose epochs it cannot draw.
 * A {@link RemoteSource} is a {@code SampleSupplier}, not a {@code SampleSource}, so it cannot be
 * given to {@code Sources} at all: mixing happens where the files are read.
 */
@Timeout(120)
class CombinedSourceNodeTest {
  @TempDir
  static Path root;

  @BeforeAll
  static void makeImages() {
    GradientImageFolder.of(14).classes(2).size(48, 40, 3, 2).gradient(4, 40, 200, Color.PINK).writeTo(root.resolve("a"));
    GradientImageFolder.of(11).classes(3).size(40, 48, 3, 2).gradient(7, 30, 180, Color.CYAN).writeTo(root.resolve("b"));
  }

  private static SampleSource combined() {
    SampleSource both = Sources.concat(ImageFolderSource.open(root.resolve("a")), ImageFolderSource.open(root.resolve("b")));
    return Sources.split(both, 9, 0.8, 0.2).get(0);
  }

  @Test
  void run_nodeServingASplitOfAConcat_sameBatchesAsALocalLoaderOverIt() {
    List<String> local;
    try (Loader loader = SmallLoaders.train(32, 4, 21).source(combined()).build()) {
      local = BatchDigests.run(loader, 0, 2).digests();
    }
    List<String> remote;
    try (DataNode node = DataNode.start(DataNodeConfig.loopback(combined()).withWorkers(1));
        RemoteSource source = RemoteSource.connect(List.of(node.address()),
            RemoteOptions.defaults().withChunkSize(3).withTimings(Duration.ofSeconds(20), Duration.ofMillis(100)));
        Loader loader = SmallLoaders.train(32, 4, 21).supplier(source).build()) {
      assertThat(source.size()).isEqualTo(20);   // 80% of 25, stratified
      assertThat(source.classes()).isEqualTo(combined().classes());
      remote = BatchDigests.run(loader, 0, 2).digests();
    }
    assertThat(remote).hasSize(10).isEqualTo(local);
    // Negative control: another split seed is another combination, with other batches.
    SampleSource other = Sources.split(Sources.concat(ImageFolderSource.open(root.resolve("a")),
        ImageFolderSource.open(root.resolve("b"))), 10, 0.8, 0.2).get(0);
    try (Loader loader = SmallLoaders.train(32, 4, 21).source(other).build()) {
      assertThat(BatchDigests.run(loader, 0, 2).digests()).isNotEqualTo(local);
    }
  }

  @Test
  void config_weightedMix_isRefusedNamingTheLimitationAndTheWayAround() {
    SampleSource a = ImageFolderSource.open(root.resolve("a"));
    SampleSource b = ImageFolderSource.open(root.resolve("b"));
    for (SampleSource mix : List.of(Sources.mix(new double[] {1, 1}, 10, false, a, b),
        SampleCaches.encoded(Sources.mix(new double[] {1, 1}, 10, false, a, b), 1 << 20))) {
      assertThatThrownBy(() -> DataNodeConfig.loopback(mix))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("source")
          .hasMessageContaining("cannot draw")
          .hasMessageContaining("Sources.concat");
    }
    // Negative control: the concatenation of the same sources is served.
    assertThat(DataNodeConfig.loopback(Sources.concat(a, b)).source().size()).isEqualTo(25);
  }
}
