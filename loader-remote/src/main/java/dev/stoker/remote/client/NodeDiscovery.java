package dev.stoker.remote.client;

import dev.stoker.api.internal.Checks;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * Where a {@link RemoteSource} finds its nodes: a fixed list, or a DNS name whose addresses are
 * looked up again every {@link RemoteOptions#rediscoverInterval()} (the headless-service pattern:
 * one address per running node). Nodes that appear get work from the next chunk on; nodes that
 * vanish are failed over as when a connection drops, and are not reconnected.
 *
 * <pre>{@code
 * NodeDiscovery nodes = NodeDiscovery.dns("stoker-nodes.training.svc.cluster.local", 7311);
 * try (RemoteSource remote = RemoteSource.connect(nodes, RemoteOptions.defaults())) { ... }
 * }</pre>
 *
 * <p>An answer counts at most {@link #MAX_NODES} distinct addresses; the rest are ignored (and
 * logged), so a hostile or broken DNS server cannot make the client hold more connections than that.
 */
public interface NodeDiscovery {
  /** The most distinct node addresses one answer may name; later ones are ignored: {@value}. */
  int MAX_NODES = 256;

  /**
   * The nodes now. Called from a background thread, never from the client's event loop; may
   * block (a DNS query) and may throw, in which case the last answer stands. An empty answer
   * also leaves the last answer standing (a run does not drop every node on one empty answer).
   *
   * @return the addresses of the nodes, possibly empty, never null
   * @throws Exception if they cannot be found now
   */
  List<InetSocketAddress> nodes() throws Exception;

  /**
   * What is asked for, for messages, e.g. {@code dns:stoker-nodes:7311}.
   *
   * @return a short description
   */
  String describe();

  /**
   * A fixed list of nodes (looked up once: a {@link RemoteSource} does not ask it again).
   *
   * @param nodes the nodes, at least one, not null
   * @return a discovery that always answers {@code nodes}
   */
  static NodeDiscovery of(List<InetSocketAddress> nodes) {
    return new FixedDiscovery(nodes);
  }

  /**
   * Every A and AAAA address behind {@code name}, each with {@code port}, asked of the DNS
   * servers of the platform ({@code /etc/resolv.conf}, with its search domains), without a cache:
   * every lookup asks the servers again.
   *
   * <pre>{@code
   * NodeDiscovery nodes = NodeDiscovery.dns("stoker-nodes.training.svc.cluster.local", 7311);
   * }</pre>
   *
   * @param name the DNS name, e.g. a Kubernetes headless service; not null or blank
   * @param port the nodes' port, 1 to 65535
   * @return a discovery that looks {@code name} up at every call
   */
  static NodeDiscovery dns(String name, int port) {
    return new DnsDiscovery(name, port, null);
  }

  /**
   * As {@link #dns(String, int)}, asking only the DNS server at {@code server} (no search domains,
   * no hosts file), e.g. a test's server on loopback.
   *
   * @param name the DNS name; not null or blank
   * @param port the nodes' port, 1 to 65535
   * @param server the DNS server's address (UDP), resolved, not null
   * @return a discovery that looks {@code name} up at every call
   */
  static NodeDiscovery dns(String name, int port, InetSocketAddress server) {
    Checks.notNull(server, "server");
    Checks.argument(!server.isUnresolved(), "server", "must be a resolved address, got " + server);
    return new DnsDiscovery(name, port, server);
  }
}
