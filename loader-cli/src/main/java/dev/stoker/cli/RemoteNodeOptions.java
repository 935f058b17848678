package dev.stoker.cli;

import dev.stoker.api.SampleSource;
import dev.stoker.remote.client.RemoteOptions;
import dev.stoker.remote.client.RemoteSource;
import dev.stoker.remote.wire.Compression;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/**
 * Data-server nodes instead of a local dataset: {@code --remote HOST:PORT[,HOST:PORT...]} with
 * {@code --token-file}, {@code --tls} and {@code --tls-trust}. The nodes serve the dataset and
 * process its samples; the command runs the same loader over a {@link RemoteSource}.
 */
final class RemoteNodeOptions {
  @Option(names = "--remote", paramLabel = "HOST:PORT", split = ",", converter = NodeAddress.class,
      description = "data-server nodes (stoker serve) that serve and process the dataset, comma-separated; "
          + "use instead of DIR")
  List<InetSocketAddress> nodes;

  @Option(names = "--token-file", paramLabel = "FILE",
      description = "with --remote: the file holding the nodes' shared token (at least 32 bytes: head -c 32 "
          + "/dev/urandom | base64); without --tls only loopback nodes get it")
  Path tokenFile;

  @Option(names = "--tls", description = "with --remote: connect over TLS")
  boolean tls;

  @Mixin
  WireArgs wire = new WireArgs();

  @Option(names = "--tls-trust", paramLabel = "PEM",
      description = "with --tls: the certificates to trust (e.g. the nodes' self-signed one) instead of the JDK's")
  Path tlsTrust;

  /** Whether {@code --remote} was given. */
  boolean given() {
    return nodes != null && !nodes.isEmpty();
  }

  /**
   * Connects to the nodes, after checking that nothing local was asked for as well.
   *
   * @param dir the command's DIR argument (must be null)
   * @param dataset the local dataset options (must be unused)
   * @param options the loader options (the cache and local decoding do not apply)
   * @throws IllegalArgumentException if the options contradict each other
   */
  RemoteSource connect(String dir, DatasetOptions dataset, LoaderOptions options) {
    check(dir, dataset, options);
    RemoteOptions remote = RemoteOptions.defaults();
    if (tokenFile != null) {
      remote = remote.withToken(tokenFile);
    }
    if (tls) {
      remote = remote.withTls(tlsTrust);
    }
    remote = remote.withWire(wire.options(Compression.NONE));
    return RemoteSource.connect(nodes, remote);
  }

  /** Refuses options that make no sense with (or without) {@code --remote}. */
  void check(String dir, DatasetOptions dataset, LoaderOptions options) {
    if (!given()) {
      if (tokenFile != null || tls || tlsTrust != null) {
        throw new UsageException("--token-file, --tls and --tls-trust go with --remote");
      }
      if (wire.given()) {
        throw new UsageException("--compression, --transport and --send-limit go with --remote");
      }
      return;
    }
    if (dir != null || dataset.given()) {
      throw new UsageException("give either a dataset (DIR or --annotations/--images) or --remote, not both");
    }
    if (tlsTrust != null && !tls) {
      throw new UsageException("--tls-trust goes with --tls");
    }
    if (options.cacheBytes != null) {
      throw new UsageException("--cache-bytes caches local files; with --remote the nodes read them");
    }
    if (dataset.files.given()) {
      throw new UsageException("--allow-absolute-paths and --max-image-bytes say how local files are read; "
          + "with --remote the nodes read them (give them to stoker serve)");
    }
  }

  /** Reads {@code host:port} or {@code [ipv6]:port}; the host is resolved when connecting. */
  static final class NodeAddress implements ITypeConverter<InetSocketAddress> {
    @Override
    public InetSocketAddress convert(String value) {
      String v = value.trim();
      int colon = v.lastIndexOf(':');
      if (colon <= 0 || colon == v.length() - 1) {
        throw new TypeConversionException("'" + value + "' is not HOST:PORT, e.g. node1:7311");
      }
      String host = v.substring(0, colon);
      if (host.startsWith("[") && host.endsWith("]")) {
        host = host.substring(1, host.length() - 1);
      } else if (host.contains(":")) {
        throw new TypeConversionException("'" + value + "': write an IPv6 address in brackets, e.g. [::1]:7311");
      }
      int port;
      try {
        port = Integer.parseInt(v.substring(colon + 1));
      } catch (NumberFormatException e) {
        throw new TypeConversionException("'" + value + "': the port must be a number, e.g. node1:7311");
      }
      if (host.isEmpty() || port < 1 || port > 65535) {
        throw new TypeConversionException("'" + value + "': needs a host and a port in 1..65535");
      }
      return InetSocketAddress.createUnresolved(host, port);
    }
  }
}
