package dev.stoker.examples;

import dev.stoker.api.Batch;
import dev.stoker.api.RunSummary;
import dev.stoker.api.SampleSource;
import dev.stoker.dataset.Datasets;
import dev.stoker.pipeline.Loader;
import dev.stoker.pipeline.Presets;
import dev.stoker.remote.client.RemoteOptions;
import dev.stoker.remote.client.RemoteSource;
import dev.stoker.remote.node.DataNode;
import dev.stoker.remote.node.DataNodeConfig;
import dev.stoker.ring.BatchRings;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Streaming from a data-server node: starts a node in this process on a free loopback port, serving
 * the dataset in DIR, and a loader that streams from it (the node reads, decodes and augments; the
 * loader only collates). Then it reads the same epoch from the local files and checks that both
 * delivered the same pixels, byte for byte. On other machines the node is {@code stoker serve --data
 * DIR --port P} and the client connects to their addresses; every node must serve the same dataset.
 *
 * <pre>
 * java --enable-native-access=ALL-UNNAMED -cp 'target/classes:target/lib/*' \
 *     dev.stoker.examples.StreamFromNode DIR
 * </pre>
 *
 * <p>Exits 1 if a sample failed or the streamed pixels differ from the local ones.
 */
public final class StreamFromNode {
  private StreamFromNode() {}

  public static void main(String[] args) {
    if (args.length < 1) {
      System.err.println("usage: StreamFromNode DIR");
      System.exit(2);
    }
    Path dir = Path.of(args[0]);

    SampleSource source = Datasets.open(dir);
    PixelDigest remote = new PixelDigest();
    try (DataNode node = DataNode.start(DataNodeConfig.loopback(source));   // loopback, a free port
         RemoteSource nodes = RemoteSource.connect(List.of(node.address()), RemoteOptions.defaults());
         Loader loader = Loader.builder().supplier(nodes).transforms(Presets.imagenetTrain(64))
             .batchSize(32).seed(42).ring(BatchRings.direct(), 4).build()) {
        RunSummary summary = loader.run(1, batch -> remote.add(batch));    // CRC-32C of the pixels, in order
        System.out.printf("streamed %,d images from the node at %s in %.2f s: %.0f images/s, %,d bytes received, %d failed%n",
            summary.delivered(), node.address(), summary.seconds(), summary.imagesPerSecond(), nodes.bytesReceived(),
            summary.failed());
        if (summary.failed() > 0) {
            System.exit(1);
        }
    }

    PixelDigest local = new PixelDigest();
    try (Loader loader = Loader.builder().source(Datasets.open(dir)).transforms(Presets.imagenetTrain(64))
        .batchSize(32).seed(42).ring(BatchRings.direct(), 4).build()) {   // the same settings, local files
      loader.run(1, local::add);
    }
    System.out.printf("pixels: node %08x, local files %08x%n", remote.value(), local.value());
    if (remote.value() != local.value() || remote.images() != local.images()) {
      System.err.println("StreamFromNode: the node delivered other pixels than the local files");
      System.exit(1);
    }
  }

  /** A CRC-32C over the pixels of every sample, in delivery order. */
  static final class PixelDigest {
    private final CRC32C crc = new CRC32C();
    private long images;

    void add(Batch batch) {
      crc.update(batch.pixels().asSlice(0, batch.size() * batch.layout().sampleBytes()).asByteBuffer());
      images += batch.size();
    }

    long value() {
      return crc.getValue();
    }

    long images() {
      return images;
    }
  }
}
