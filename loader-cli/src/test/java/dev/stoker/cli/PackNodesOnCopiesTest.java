package dev.stoker.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stoker.api.LoaderException;
import dev.stoker.api.SampleSource;
import dev.stoker.pack.Packs;
import dev.stoker.remote.client.RemoteOptions;
import dev.stoker.remote.client.RemoteSource;
import dev.stoker.remote.node.DataNode;
import dev.stoker.remote.node.DataNodeConfig;
import dev.stoker.testkit.GradientImageFolder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Data-server nodes serving copies of one Stoker pack in different directories: one dataset (the
 * identity hashes the pack's shard checksums, not its location), the same digest as the pack read
 * locally; a pack written from a changed folder is refused, naming both identities.
 */
class PackNodesOnCopiesTest {
  @TempDir
  Path tmp;

  @RegisterExtension
  final ConsoleCapture console = new ConsoleCapture();

  private Path pack(Path folder, Path out) {
    int status = StokerCli.run("pack", folder.toString(), out.toString(), "--max-side", "24", "--workers", "1");
    assertThat(status).as(console.err()).isZero();
    return out;
  }

  private static Path copy(Path from, Path to) throws Exception {
    Files.createDirectories(to);
    try (Stream<Path> files = Files.list(from)) {
      for (Path f : files.toList()) {
        Files.copy(f, to.resolve(f.getFileName().toString()));
      }
    }
    return to;
  }

  private JsonNode bench(String... where) {
    console.resetOut();
    String[] common = {"--threads", "1", "--batch", "4", "--size", "16", "--epochs", "1", "--json"};
    String[] args = Stream.concat(Stream.concat(Stream.of("bench"), Stream.of(where)), Stream.of(common))
        .toArray(String[]::new);
    assertThat(StokerCli.run(args)).as(console.err()).isZero();
    return console.lastJson();
  }

  private static String at(DataNode node) {
    return "127.0.0.1:" + node.address().getPort();
  }

  @Test
  void nodesOnPackCopies_oneDatasetSameDigestAsLocal_packOfAChangedFolderRefused() throws Exception {
    Path folder = GradientImageFolder.of(12).classes(3).writeTo(tmp.resolve("data"));
    Path a = pack(folder, tmp.resolve("machine-a/packs/train"));
    Path b = copy(a, tmp.resolve("machine-b/elsewhere/train-copy"));
    Path changedFolder = GradientImageFolder.of(12).classes(3).gradient(9, 30, 60, java.awt.Color.GREEN)
        .writeTo(tmp.resolve("changed"));
    Path c = pack(changedFolder, tmp.resolve("machine-c/train"));

    SampleSource packA = Packs.open(a.toString());
    SampleSource packB = Packs.open(b.toString());
    SampleSource packC = Packs.open(c.toString());
    try (DataNode nodeA = DataNode.start(DataNodeConfig.loopback(packA).withWorkers(1));
        DataNode nodeB = DataNode.start(DataNodeConfig.loopback(packB).withWorkers(1));
        DataNode nodeC = DataNode.start(DataNodeConfig.loopback(packC).withWorkers(1))) {
      assertThat(nodeB.datasetIdentity()).isEqualTo(nodeA.datasetIdentity());
      assertThat(nodeC.datasetIdentity()).isNotEqualTo(nodeA.datasetIdentity());

      JsonNode local = bench(a.toString());
      JsonNode remote = bench("--remote", at(nodeA) + "," + at(nodeB));
      assertThat(remote.get("images").asLong()).isEqualTo(local.get("images").asLong()).isEqualTo(12);
      assertThat(remote.get("digest").asText()).isEqualTo(local.get("digest").asText());

      RemoteOptions options = RemoteOptions.defaults().withTimings(Duration.ofSeconds(10), Duration.ofMillis(50));
      assertThatThrownBy(() -> RemoteSource.connect(List.of(nodeA.address(), nodeC.address()), options))
          .isInstanceOf(LoaderException.class)
          .hasMessageContaining(at(nodeA) + " serves " + nodeA.datasetIdentity())
          .hasMessageContaining(at(nodeC) + " serves " + nodeC.datasetIdentity());
    } finally {
      for (SampleSource s : List.of(packA, packB, packC)) {
        ((AutoCloseable) s).close();
      }
    }
  }
}
