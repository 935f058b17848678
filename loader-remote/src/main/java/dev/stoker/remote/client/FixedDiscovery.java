package dev.stoker.remote.client;

import dev.stoker.api.internal.Checks;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * A fixed list of nodes: {@link NodeDiscovery#of(List)}. A {@link RemoteSource} asks it once
 * (there is nothing new to learn from asking again) and keeps reconnecting the nodes it lost.
 *
 * <pre>{@code
 * NodeDiscovery nodes = new FixedDiscovery(List.of(new InetSocketAddress("node1", 7311)));
 * }</pre>
 */
final class FixedDiscovery implements NodeDiscovery {
  private final List<InetSocketAddress> nodes;

  FixedDiscovery(List<InetSocketAddress> nodes) {
    Checks.notNull(nodes, "nodes");
    Checks.argument(!nodes.isEmpty(), "nodes", "must name at least one node");
    nodes.forEach(n -> Checks.notNull(n, "node address"));
    this.nodes = List.copyOf(nodes);
  }

  @Override
  public List<InetSocketAddress> nodes() {
    return nodes;
  }

  @Override
  public String describe() {
    return nodes.size() == 1 ? nodes.get(0).getHostString() + ":" + nodes.get(0).getPort() : nodes.size() + " nodes";
  }
}
