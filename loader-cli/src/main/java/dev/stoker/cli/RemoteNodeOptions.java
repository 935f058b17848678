package dev.stoker.cli;

import dev.stoker.api.SampleSource;
import dev.stoker.remote.client.NodeDiscovery;
import dev.stoker.remote.client.RemoteOptions;
import dev.stoker.remote.client.RemoteSource;
import dev.stoker.remote.wire.Compression;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/**
 * Data-server nodes instead of a local dataset: {@code --remote HOST:PORT[,HOST:PORT...]} or
 * {@code --remote dns:NAME:PORT} (every address behind the name, looked up again every
 * {@code --rediscover-every}), with {@code --token-file}, {@code --tls} and {@code --tls-trust}.
 * The nodes serve the dataset and process its samples; the command runs the same loader over a
 * {@link RemoteSource}.
 */
final class RemoteNodeOptions {
  /** What one {@code --remote} entry names: a node, or ({@code dns}) a DNS name whose addresses are the nodes. */
  record Target(InetSocketAddress address, boolean dns) {}

  @Option(names = "--remote", paramLabel = "HOST:PORT|dns:NAME:PORT", split = ",", converter = NodeAddress.class,
      description = "data-server nodes (stoker serve) that serve and process the dataset, comma-separated; or "
          + "dns:NAME:PORT for every address behind NAME (e.g. a Kubernetes headless service), looked up again "
          + "every --rediscover-every; use instead of DIR")
  List<Target> nodes;

  @Option(names = "--rediscover-every", paramLabel = "DURATION", converter = PackReadArgs.Seconds.class,
      description = "with --remote dns:NAME:PORT: how often NAME is looked up again (new addresses get work from "
          + "the next chunk, vanished ones are failed over), e.g. 10s, 500ms or 1m (default: 10s)")
  Duration rediscoverEvery;

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

  /** The addresses given (a {@code dns:} entry as its unresolved name and port). */
  List<InetSocketAddress> addresses() {
    return nodes == null ? List.of() : nodes.stream().map(Target::address).toList();
  }

  /** Whether {@code --remote} is a {@code dns:} name. */
  boolean dns() {
    return nodes != null && nodes.stream().anyMatch(Target::dns);
  }

  /** Where the nodes are: the DNS name's addresses, or the list given. */
  NodeDiscovery discovery() {
    if (dns()) {
      InetSocketAddress name = nodes.get(0).address();
      return NodeDiscovery.dns(name.getHostString(), name.getPort());
    }
    return NodeDiscovery.of(addresses());
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
    if (rediscoverEvery != null) {
      remote = remote.withRediscoverInterval(rediscoverEvery);
    }
    remote = remote.withWire(wire.options(Compression.NONE));
    return RemoteSource.connect(discovery(), remote);
  }

  /** Refuses options that make no sense with (or without) {@code --remote}. */
  void check(String dir, DatasetOptions dataset, LoaderOptions options) {
    if (!given()) {
      if (tokenFile != null || tls || tlsTrust != null) {
        throw new UsageException("--token-file, --tls and --tls-trust go with --remote");
      }
      if (rediscoverEvery != null) {
        throw new UsageException("--rediscover-every goes with --remote dns:NAME:PORT");
      }
      if (wire.given()) {
        throw new UsageException("--compression, --transport and --send-limit go with --remote");
      }
      return;
    }
    if (dns() && nodes.size() > 1) {
      throw new UsageException("--remote dns:NAME:PORT names every node by itself; give it alone, not with other "
          + "nodes or names");
    }
    if (rediscoverEvery != null && !dns()) {
      throw new UsageException("--rediscover-every goes with --remote dns:NAME:PORT (a list of nodes is not looked "
          + "up again; its nodes are reconnected when they come back)");
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

  /**
   * Reads {@code host:port}, {@code [ipv6]:port} or {@code dns:name:port}; the host is resolved when
   * connecting.
   */
  static final class NodeAddress implements ITypeConverter<Target> {
    @Override
    public Target convert(String value) {
      String v = value.trim();
      if (v.toLowerCase(Locale.ROOT).startsWith("dns:")) {
        return dns(value, v.substring(4));
      }
      return new Target(address(value, v), false);
    }

    private static Target dns(String value, String v) {
      int colon = v.lastIndexOf(':');
      String name = colon < 0 ? "" : v.substring(0, colon);
      if (name.isEmpty() || name.contains(":") || name.contains("[") || name.length() > 253) {
        throw new TypeConversionException("'" + value + "' is not dns:NAME:PORT, e.g. "
            + "dns:stoker-nodes.training.svc.cluster.local:7311");
      }
      return new Target(InetSocketAddress.createUnresolved(name, port(value, v.substring(colon + 1))), true);
    }

    private static int port(String value, String text) {
      int port;
      try {
        port = Integer.parseInt(text);
      } catch (NumberFormatException e) {
        throw new TypeConversionException("'" + value + "': the port must be a number, e.g. node1:7311");
      }
      if (port < 1 || port > 65535) {
        throw new TypeConversionException("'" + value + "': needs a host and a port in 1..65535");
      }
      return port;
    }

    private static InetSocketAddress address(String value, String v) {
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
