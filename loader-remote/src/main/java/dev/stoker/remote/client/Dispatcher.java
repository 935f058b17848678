package dev.stoker.remote.client;

import dev.stoker.api.LoaderException;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides which node does what: hands each chunk to the ready node with the least unfinished work
 * (round robin among equals), moves a lost node's unfinished chunks to the others, reconnects lost
 * nodes in the background every {@code reconnectDelay}, and fails the streams that waited longer
 * than {@code waitForNodes} with no node ready. Confined to the client's event loop.
 */
final class Dispatcher implements Upstream.Listener {
  private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);

  private final EventLoop loop;
  private final Duration waitForNodes;
  private final Duration reconnectDelay;
  private final List<Upstream> nodes = new ArrayList<>();
  private final List<EpochStream> streams = new ArrayList<>();
  private int chunkIds;
  private int rotation;
  private boolean reconnecting;
  private boolean closed;
  private ScheduledFuture<?> nodeWatch;

  Dispatcher(EventLoop loop, Duration waitForNodes, Duration reconnectDelay) {
    this.loop = loop;
    this.waitForNodes = waitForNodes;
    this.reconnectDelay = reconnectDelay;
  }

  /** Adds a node; call before any traffic. */
  void add(Upstream node) {
    nodes.add(node);
  }

  /** From now on, lost nodes are reconnected in the background (once the plan is known). */
  void reconnectLostNodes() {
    reconnecting = true;
    for (Upstream node : nodes) {
      if (!node.isReady()) {
        scheduleReconnect(node);
      }
    }
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
    nodes.forEach(Upstream::topUp);
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
    String why = nodes.stream().map(n -> n.name() + " (" + n.lastProblem() + ")").collect(Collectors.joining(", "));
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
    if (wasReady) {
      long othersReady = nodes.stream().filter(n -> n != node && n.isReady()).count();
      String where = whereUnfinishedGo(unfinished.size(), othersReady, reconnecting, reconnectDelay, waitForNodes);
      if (node.isLeaving()) { // it said LEAVING: draining, not failing
        log.info("node {} left ({}); {}", node.name(), reason, where);
      } else {
        log.warn("node {} lost ({}); {}", node.name(), reason, where);
      }
    } else {
      log.debug("node {}: {}", node.name(), reason);
    }
    for (ChunkTask task : unfinished) {
      task.stream.reassign(task);
    }
    assignAll();
    if (reconnecting) {
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
        if (!closed && node.idle()) {
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
    nodes.forEach(Upstream::close);
  }
}
