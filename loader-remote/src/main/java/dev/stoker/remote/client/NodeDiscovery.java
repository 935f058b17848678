package dev.stoker.remote.client;

import dev.stoker.api.internal.Checks;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * Where a {@link RemoteSource} finds its nodes: a fixed list, or a DNS name whose addresses are
 * looked up again every {@link RemoteOptions#rediscoverInterval()} (the headless-service pattern:
 * one address per running node). Nodes that appear get work from the next chunk on; nodes that
 * vanish are failed over as when a connection drops.
 *
 * <pre>{@code
 * NodeDiscovery nodes = NodeDiscovery.dns("stoker-nodes.training.svc.cluster.local", 7311);
 * try (RemoteSource remote = RemoteSource.connect(nodes, RemoteOptions.defaults())) { ... }
 * }</pre>
 */
public interface NodeDiscovery {
  /**
   * The nodes now. Called from a background thread, never from the client's event loop; may
   * block (a DNS query) and may throw, in which case the last answer stands.
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
   * A fixed list of nodes.
   *
   * @param nodes the nodes, at least one, not null
   * @return a discovery that always answers {@code nodes}
   */
  static NodeDiscovery of(List<InetSocketAddress> nodes) {
    Checks.notNull(nodes, "nodes");
    Checks.argument(!nodes.isEmpty(), "nodes", "must name at least one node");
    List<InetSocketAddress> copy = List.copyOf(nodes);
    return new NodeDiscovery() {
      @Override
      public List<InetSocketAddress> nodes() {
        return copy;
      }

      @Override
      public String describe() {
        return copy.size() == 1 ? copy.get(0).getHostString() + ":" + copy.get(0).getPort() : copy.size() + " nodes";
      }
    };
  }
}
