package dev.stoker.cli;

import dev.stoker.api.SampleSource;
import dev.stoker.remote.node.DataNode;
import dev.stoker.remote.node.DataNodeConfig;
import dev.stoker.remote.wire.Compression;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code stoker serve --data DIR --port P}: runs a data-server node that decodes and transforms
 * {@code DIR}'s samples for remote loaders ({@code --remote HOST:PORT}), until stopped. Binding
 * anything but a loopback address needs {@code --tls-cert/--tls-key} and {@code --token-file}.
 * Prints one line when it listens: {@code serving <dataset> (<identity>) on host:port [TLS] [token]}.
 *
 * <p><b>Stopping.</b> SIGTERM (what Kubernetes and {@code kill} send) drains the node
 * ({@link DataNode#drain}): {@code /readyz} turns 503, the node stops listening, tells its clients it
 * is leaving, finishes the chunks it holds within {@code --drain-grace} and exits with status 0. A
 * second SIGTERM during the drain closes every connection at once (still status 0); SIGINT (Ctrl-C)
 * closes at once, as the JVM's shutdown does. The handler is {@code sun.misc.Signal}'s (module
 * {@code jdk.unsupported}, see {@link #onSigterm}): a JVM stopped by SIGTERM through its shutdown
 * hooks exits 143.
 *
 * <pre>{@code
 * stoker serve --data /data/train --port 7311 --admin-port 8080 --drain-grace 30s &
 * kill -TERM $!; wait $!      # drains, then exit status 0
 * }</pre>
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
    description = "Runs a data-server node for DIR: remote loaders send it epochs' indices and receive the "
        + "samples decoded and augmented, exactly as they would make them. Runs until stopped: SIGTERM drains it "
        + "(its clients move on without losing a sample) and exits 0; Ctrl-C stops it at once.")
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
  AdminOptions admin = new AdminOptions();

  @Option(names = "--drain-grace", paramLabel = "DURATION", defaultValue = "30s", converter = PackReadArgs.Seconds.class,
      description = "on SIGTERM: how long the node may take to finish the chunks its clients gave it before it closes "
          + "the connections left and exits 0, e.g. 30s, 500ms or 2m (default: ${DEFAULT-VALUE})")
  Duration drainGrace;

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
    admin.port(); // two different ports: a usage error before anything starts
    Stop stop = new Stop();
    Runnable restore = onSigterm(stop::term);
    try (MetricsOptions.Endpoint endpoint = admin.start("serve", System.err)) {
      return serve(endpoint, stop);
    } finally {
      restore.run();
    }
  }

  /**
   * Makes SIGTERM run {@code action} instead of the JVM's shutdown, through {@code sun.misc.Signal}
   * (module {@code jdk.unsupported}), called by reflection so that neither javac nor javadoc warns
   * about an internal API; returns what puts the previous handler back (nothing to do if this JVM
   * keeps SIGTERM for itself, e.g. under {@code -Xrs}: then SIGTERM stops the node at once).
   */
  static Runnable onSigterm(Runnable action) {
    try {
      Class<?> signalType = Class.forName("sun.misc.Signal");
      Class<?> handlerType = Class.forName("sun.misc.SignalHandler");
      Object term = signalType.getConstructor(String.class).newInstance("TERM");
      Object handler = Proxy.newProxyInstance(handlerType.getClassLoader(), new Class<?>[] {handlerType},
          (proxy, method, args) -> switch (method.getName()) {
            case "handle" -> {
              action.run();
              yield null;
            }
            case "equals" -> proxy == args[0];
            case "hashCode" -> System.identityHashCode(proxy);
            default -> "stoker serve's SIGTERM handler";
          });
      Method handle = signalType.getMethod("handle", signalType, handlerType);
      Object previous = handle.invoke(null, term, handler);
      return () -> {
        try {
          handle.invoke(null, term, previous);
        } catch (ReflectiveOperationException e) {
          // the JVM took the handler back: nothing to restore
        }
      };
    } catch (InvocationTargetException e) { // IllegalArgumentException: the JVM keeps SIGTERM
      System.err.println("serve: SIGTERM cannot be handled in this JVM (" + e.getCause().getMessage()
          + "): it stops the node at once");
      return () -> { };
    } catch (ReflectiveOperationException | LinkageError e) {
      System.err.println("serve: no sun.misc.Signal in this JVM (" + e + "): SIGTERM stops the node at once");
      return () -> { };
    }
  }

  private int serve(MetricsOptions.Endpoint endpoint, Stop stop) {
    SampleSource source = DatasetLocations.open(data, files.sourceOptions(), pack);
    try {
      return serve(endpoint, source, stop);
    } finally {
      DatasetLocations.close(source);
    }
  }

  private int serve(MetricsOptions.Endpoint endpoint, SampleSource source, Stop stop) {
    Summaries.printWarnings(source, System.err);
    int threads = workers != null ? workers : Runtime.getRuntime().availableProcessors();
    DataNodeConfig config = new DataNodeConfig(source, bind, port, tlsCert, tlsKey, tokenFile, threads,
        DataNodeConfig.DEFAULT_MAX_FRAME_BYTES).withWire(wire.options(Compression.ZSTD));
    if (stop.requested() != null) {
      System.err.println("serve: SIGTERM while opening the dataset: not starting");
      return 0;
    }
    boolean interrupted = false;
    try (DataNode node = endpoint == null ? DataNode.start(config) : DataNode.start(config, endpoint.registry())) {
      if (endpoint != null) {
        endpoint.ready(node::isReady);
      }
      stop.node.set(node);
      Thread hook = new Thread(() -> {
        node.close();
        stop.now();
      }, "stoker-serve-shutdown");
      Runtime.getRuntime().addShutdownHook(hook);
      InetSocketAddress at = node.address();
      System.out.println("serving " + source.description() + " (" + node.datasetIdentity() + ") on "
          + at.getAddress().getHostAddress() + ":" + at.getPort() + (config.tls() ? " TLS" : "")
          + (tokenFile != null ? " token" : ""));
      System.out.flush();
      System.err.println("stoker serve: " + WireArgs.describe(node.transport(), config.wire()));
      try {
        if (stop.await() == Stop.Kind.DRAIN) {
          System.err.println("serve: SIGTERM: draining within " + drainGrace.toMillis() + " ms (a second SIGTERM closes "
              + "at once)");
          System.err.flush();
          node.drain(drainGrace);
        }
      } catch (InterruptedException e) { // stopped by its caller rather than by a signal or the JVM's shutdown
        interrupted = true;
      }
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) { // the JVM is shutting down: the hook closes the node
        // nothing to undo
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    return 0;
  }

  /**
   * How the node is to stop: the first SIGTERM asks for a drain, a second one (or the JVM's
   * shutdown) for an immediate close.
   */
  static final class Stop {
    enum Kind { DRAIN, NOW }

    private final AtomicReference<Kind> kind = new AtomicReference<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    /** The node once it runs: a second SIGTERM closes it. */
    final AtomicReference<DataNode> node = new AtomicReference<>();

    /** A SIGTERM: the first asks for a drain, the next closes the node at once. */
    void term() {
      if (!kind.compareAndSet(null, Kind.DRAIN)) {
        System.err.println("serve: second SIGTERM: closing every connection now");
        now();
      }
      stopped.countDown();
    }

    /** Closes the node at once (a drain under way returns). */
    void now() {
      kind.compareAndSet(null, Kind.NOW);
      DataNode running = node.get();
      if (running != null) {
        running.close();
      }
      stopped.countDown();
    }

    /** What was asked, or null while nothing was. */
    Kind requested() {
      return kind.get();
    }

    /** Waits until a stop is asked for; which. */
    Kind await() throws InterruptedException {
      stopped.await();
      return kind.get();
    }
  }
}
