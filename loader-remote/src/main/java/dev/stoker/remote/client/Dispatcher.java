package dev.stoker.remote.client;

import dev.stoker.api.LoaderException;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides which node does what: hands each chunk to the ready node with the least unfinished work
 * (round robin among equals), moves a lost node's unfinished chunks to the others, reconnects lost
 * nodes in the background every {@code reconnectDelay} (from the start, before the plan is known
 * too), and fails the streams that waited longer than {@code waitForNodes} with no node ready.
 *
 * <p><b>Membership.</b> {@link #members} applies a discovery's answer: a new address becomes a node
 * that connects at once and takes chunks from the next one assigned; a node whose address left the
 * answer is closed, its unfinished chunks go to the others exactly as a lost node's, and it is
 * dropped (not reconnected). A node that serves another dataset than the agreed one is dropped and
 * its address refused while the answer names it. Confined to the client's event loop (but
 * {@link #members()} may be read from any thread).
 */
final class Dispatcher implements Upstream.Listener {
  private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);

  private final EventLoop loop;
  private final Duration waitForNodes;
  private final Duration reconnectDelay;
  private final List<Upstream> nodes = new ArrayList<>();
  private final List<EpochStream> streams = new ArrayList<>();
  /** Addresses refused (another dataset, a token without TLS) while the discovery's answer names them. */
  private final Set<InetSocketAddress> refused = new HashSet<>();
  /** The nodes, as last published: read by other threads for descriptions. */
  private volatile List<Upstream> published = List.of();
  /** What OPEN sends, once the plan is known: a node that joins later gets it too. */
  private Upstream.Opening opening;
  private String discovery = "the node list";
  private int chunkIds;
  private int rotation;
  private boolean closed;
  private ScheduledFuture<?> nodeWatch;

  Dispatcher(EventLoop loop, Duration waitForNodes, Duration reconnectDelay) {
    this.loop = loop;
    this.waitForNodes = waitForNodes;
    this.reconnectDelay = reconnectDelay;
  }

  /** Adds a node (it gets the plan if it is known); it is connected by the caller. */
  void add(Upstream node) {
    if (opening != null) {
      node.prepare(opening);
    }
    nodes.add(node);
    publish();
  }

  /** The nodes now; from any thread. */
  List<Upstream> members() {
    return published;
  }

  /** Names the discovery in logs, e.g. {@code dns:stoker-nodes:7311}. */
  void describeDiscovery(String description) {
    this.discovery = description;
  }

  /** Refuses {@code address} while the discovery names it (e.g. a non-loopback node, a token and no TLS). */
  void refuse(InetSocketAddress address) {
    refused.add(address);
  }

  /** Remembers the plan's opening for nodes that join later; the nodes now. */
  List<Upstream> opening(Upstream.Opening opening) {
    this.opening = opening;
    return List.copyOf(nodes);
  }

  /**
   * Applies a discovery's {@code answer}: nodes for new addresses (made by {@code make}, which
   * returns null for an address to refuse, and connected), nodes whose address is gone closed and
   * dropped, their unfinished chunks going to the others. An empty answer changes nothing.
   */
  void members(List<InetSocketAddress> answer, Function<InetSocketAddress, Upstream> make) {
    if (closed || answer.isEmpty()) {
      return;
    }
    Set<InetSocketAddress> now = new LinkedHashSet<>();
    for (InetSocketAddress a : answer) {
      if (now.size() == NodeDiscovery.MAX_NODES) {
        log.warn("{} names more than {} nodes; the others are ignored", discovery, NodeDiscovery.MAX_NODES);
        break;
      }
      now.add(a);
    }
    refused.retainAll(now);
    Set<InetSocketAddress> known = new HashSet<>();
    for (Upstream node : List.copyOf(nodes)) {
      if (now.contains(node.address())) {
        known.add(node.address());
      } else {
        retire(node);
      }
    }
    for (InetSocketAddress address : now) {
      if (!known.contains(address) && !refused.contains(address)) {
        Upstream node = make.apply(address);
        if (node == null) {
          refused.add(address);
        } else {
          log.info("node {} appeared in {}; connecting", node.name(), discovery);
          add(node);
          node.connect();
        }
      }
    }
  }

  /** {@code node} left the discovery's answer: closed for good; its chunks go back when its session ends. */
  private void retire(Upstream node) {
    boolean idle = node.idle();
    node.close();
    if (idle) { // no session to end: nothing held, nothing to hand back
      log.info("node {} is gone from {}; dropped", node.name(), discovery);
      drop(node);
    }
  }

  private void drop(Upstream node) {
    if (nodes.remove(node)) {
      publish();
    }
  }

  private void publish() {
    published = List.copyOf(nodes);
  }

  void register(EpochStream stream) {
    if (closed) {
      stream.fail(new LoaderException("the remote source is closed"));
    } else {
      streams.add(stream);
    }
  }

  void unregister(EpochStream stream) {
    streams.remove(stream);
  }

  int nextChunkId() {
    return chunkIds++;
  }

  /** The ready node with the least unfinished work, or null if none is ready. */
  Upstream pick() {
    Upstream best = null;
    long bestWork = Long.MAX_VALUE;
    int count = nodes.size();
    for (int k = 0; k < count; k++) {
      int i = (rotation + k) % count;
      Upstream node = nodes.get(i);
      if (node.acceptsWork() && node.work() < bestWork) {
        best = node;
        bestWork = node.work();
      }
    }
    if (best != null) {
      rotation = (nodes.indexOf(best) + 1) % count;
    }
    return best;
  }

  void topUpAll() {
    List.copyOf(nodes).forEach(Upstream::topUp);
  }

  /** A stream has positions and no node: fail it unless a node is ready within {@code waitForNodes}. */
  void watchForNodes() {
    if (nodeWatch == null && !closed) {
      nodeWatch = loop.schedule(this::checkNodes, waitForNodes.toNanos(), TimeUnit.NANOSECONDS);
    }
  }

  private void checkNodes() {
    nodeWatch = null;
    if (nodes.stream().anyMatch(Upstream::isReady)) {
      assignAll();
      return;
    }
    String why = nodes.isEmpty() ? "none is known (" + discovery + ")"
        : nodes.stream().map(n -> n.name() + " (" + n.lastProblem() + ")").collect(Collectors.joining(", "));
    for (EpochStream stream : List.copyOf(streams)) {
      if (stream.hasPending()) {
        stream.fail(new LoaderException("no remote node was ready for " + waitForNodes.toSeconds() + " s: " + why
            + "; " + stream.describe()));
      }
    }
  }

  @Override
  public void ready(Upstream node) {
    log.info("node {} is ready", node.name());
    assignAll();
  }

  @Override
  public void lost(Upstream node, List<ChunkTask> unfinished, String reason, boolean wasReady) {
    if (closed) {
      log.debug("node {} closed with the source", node.name());
      return;
    }
    String refusedIdentity = node.refusedIdentity();
    boolean gone = node.isClosed() || refusedIdentity != null;
    if (gone) {
      drop(node);
    }
    long othersReady = nodes.stream().filter(n -> n != node && n.isReady()).count();
    if (refusedIdentity != null) {
      refused.add(node.address());
      log.warn("node {} serves dataset {}, but the client uses dataset {}: refused, it is not used", node.name(),
          refusedIdentity, node.expectedIdentity());
    } else if (node.isClosed()) {
      log.info("node {} is gone from {}; {}", node.name(), discovery,
          whereUnfinishedGo(unfinished.size(), othersReady, false, reconnectDelay, waitForNodes));
    } else if (wasReady && node.isLeaving()) { // it said LEAVING: draining, not failing
      log.info("node {} left ({}); {}", node.name(), reason,
          whereUnfinishedGo(unfinished.size(), othersReady, true, reconnectDelay, waitForNodes));
    } else if (wasReady) {
      log.warn("node {} lost ({}); {}", node.name(), reason,
          whereUnfinishedGo(unfinished.size(), othersReady, true, reconnectDelay, waitForNodes));
    } else {
      log.debug("node {}: {}", node.name(), reason);
    }
    for (ChunkTask task : unfinished) {
      task.stream.reassign(task);
    }
    assignAll();
    if (!gone) {
      scheduleReconnect(node);
    }
  }

  /**
   * What becomes of a lost node's {@code unfinished} chunks, as the log says it: they go to the
   * other ready nodes, or, with none, they wait for a node (this one reconnecting, if it is) and
   * the run fails after {@code waitForNodes} without one.
   */
  static String whereUnfinishedGo(int unfinished, long othersReady, boolean reconnecting, Duration reconnectDelay,
      Duration waitForNodes) {
    if (unfinished == 0) {
      return "it had no unfinished chunks";
    }
    String chunks = unfinished == 1 ? "1 unfinished chunk" : unfinished + " unfinished chunks";
    if (othersReady > 0) {
      return chunks + (unfinished == 1 ? " goes" : " go") + " to the " + (othersReady == 1 ? "other ready node" : othersReady + " other ready nodes");
    }
    return chunks + (unfinished == 1 ? " waits" : " wait") + ": no other node is ready" + (reconnecting ? "; this one is reconnected every "
        + reconnectDelay.toMillis() + " ms" : "") + "; the run fails if no node is ready within "
        + waitForNodes.toSeconds() + " s";
  }

  private void assignAll() {
    for (EpochStream stream : List.copyOf(streams)) {
      stream.assignPending();
    }
  }

  private void scheduleReconnect(Upstream node) {
    if (!closed) {
      loop.schedule(() -> {
        if (!closed && node.idle() && !node.isClosed() && nodes.contains(node)) {
          node.connect();
        }
      }, reconnectDelay.toNanos(), TimeUnit.NANOSECONDS);
    }
  }

  /** Where every node and stream stands, for diagnostics. */
  String state() {
    return "nodes: " + nodes.stream().map(Upstream::state).collect(Collectors.joining("; ")) + " | streams: "
        + streams.stream().map(EpochStream::details).collect(Collectors.joining("; "));
  }

  /** Fails every open stream and closes every node. */
  void close() {
    closed = true;
    for (EpochStream stream : List.copyOf(streams)) {
      stream.fail(new LoaderException("the remote source was closed during " + stream.describe()));
    }
    List.copyOf(nodes).forEach(Upstream::close);
  }
}
