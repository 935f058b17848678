package dev.stoker.cli;

import dev.stoker.api.SampleSource;
import dev.stoker.remote.node.DataNode;
import dev.stoker.remote.node.DataNodeConfig;
import dev.stoker.remote.wire.Compression;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code stoker serve --data DIR --port P}: runs a data-server node that decodes and transforms
 * {@code DIR}'s samples for remote loaders ({@code --remote HOST:PORT}), until interrupted. Binding
 * anything but a loopback address needs {@code --tls-cert/--tls-key} and {@code --token-file}.
 * Prints one line when it listens: {@code serving <dataset> (<identity>) on host:port [TLS] [token]}.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
    description = "Runs a data-server node for DIR: remote loaders send it epochs' indices and receive the "
        + "samples decoded and augmented, exactly as they would make them. Runs until interrupted.")
final class ServeCommand implements Callable<Integer> {
  @Option(names = "--data", required = true, paramLabel = "DIR",
      description = "the dataset: a directory (ImageFolder, COCO or VOC layout), a .csv/.jsonl manifest, a packed "
          + "dataset or tar shards, or an s3://bucket/prefix or http(s):// location")
  String data;

  @Option(names = "--port", required = true, paramLabel = "P", description = "the port to listen on (0: any free one)")
  int port;

  @Option(names = "--bind", paramLabel = "ADDR", defaultValue = "127.0.0.1",
      description = "the address to listen on (default: ${DEFAULT-VALUE}); any non-loopback address needs TLS "
          + "and a token")
  InetAddress bind;

  @Option(names = "--tls-cert", paramLabel = "F", description = "PEM certificate chain; use with --tls-key")
  Path tlsCert;

  @Option(names = "--tls-key", paramLabel = "F", description = "PEM (PKCS#8, unencrypted) private key of --tls-cert")
  Path tlsKey;

  @Option(names = "--token-file", paramLabel = "F",
      description = "a file holding the shared token clients must prove they know: at least 32 bytes (make one "
          + "with head -c 32 /dev/urandom | base64), readable by its owner only; without TLS only on loopback")
  Path tokenFile;

  @Mixin
  SourceFileOptions files = new SourceFileOptions();

  @Mixin
  PackReadArgs pack = new PackReadArgs();

  @Option(names = "--workers", paramLabel = "N", description = "decode threads, shared by all connections "
      + "(default: the available processors)")
  Integer workers;

  @Mixin
  MetricsOptions metrics = new MetricsOptions();

  @Mixin
  WireArgs wire = new WireArgs();

  @Override
  public Integer call() {
    if ((tlsCert == null) != (tlsKey == null)) {
      throw new UsageException("--tls-cert and --tls-key go together");
    }
    if (port < 0 || port > 0xFFFF) {
      throw new UsageException("--port: must be in [0, 65535], got " + port);
    }
    if (workers != null) {
      LoaderOptions.atLeast("--workers", workers, 1);
    }
    if (pack.shardShuffle) {
      throw new UsageException("--shard-shuffle: a node processes the samples its clients ask for, in the order "
          + "their loaders choose, so it reads a pack at random through its index; leave it out");
    }
    try (MetricsOptions.Endpoint endpoint = metrics.start("serve", System.err)) {
      return serve(endpoint);
    }
  }

  private int serve(MetricsOptions.Endpoint endpoint) {
    SampleSource source = DatasetLocations.open(data, files.sourceOptions(), pack);
    try {
      return serve(endpoint, source);
    } finally {
      DatasetLocations.close(source);
    }
  }

  private int serve(MetricsOptions.Endpoint endpoint, SampleSource source) {
    Summaries.printWarnings(source, System.err);
    int threads = workers != null ? workers : Runtime.getRuntime().availableProcessors();
    DataNodeConfig config = new DataNodeConfig(source, bind, port, tlsCert, tlsKey, tokenFile, threads,
        DataNodeConfig.DEFAULT_MAX_FRAME_BYTES).withWire(wire.options(Compression.ZSTD));
    CountDownLatch stopped = new CountDownLatch(1);
    boolean interrupted = false;
    try (DataNode node = endpoint == null ? DataNode.start(config) : DataNode.start(config, endpoint.registry())) {
      Thread hook = new Thread(() -> {
        node.close();
        stopped.countDown();
      }, "stoker-serve-shutdown");
      Runtime.getRuntime().addShutdownHook(hook);
      InetSocketAddress at = node.address();
      System.out.println("serving " + source.description() + " (" + node.datasetIdentity() + ") on "
          + at.getAddress().getHostAddress() + ":" + at.getPort() + (config.tls() ? " TLS" : "")
          + (tokenFile != null ? " token" : ""));
      System.out.flush();
      System.err.println("stoker serve: " + WireArgs.describe(node.transport(), config.wire()));
      try {
        stopped.await();
      } catch (InterruptedException e) { // stopped by its caller rather than by the JVM's shutdown
        Runtime.getRuntime().removeShutdownHook(hook);
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    return 0;
  }
}
