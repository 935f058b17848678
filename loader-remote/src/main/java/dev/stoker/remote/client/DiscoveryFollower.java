package dev.stoker.remote.client;

import dev.stoker.api.LoaderException;
import dev.stoker.remote.protocol.PeerText;
import io.netty.channel.EventLoop;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks a {@link NodeDiscovery} for the nodes every interval on a daemon thread of its own (a lookup
 * may block, so never on the client's event loop) and hands each non-empty answer, bounded to
 * {@link NodeDiscovery#MAX_NODES} distinct addresses, to the event loop. A failed lookup is logged
 * once (until one succeeds again) and leaves the nodes as they are.
 *
 * <pre>{@code
 * DiscoveryFollower follower = new DiscoveryFollower(discovery, Duration.ofSeconds(10), loop,
 *     answer -> dispatcher.members(answer, make));
 * follower.start();
 * follower.close();
 * }</pre>
 */
final class DiscoveryFollower implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DiscoveryFollower.class);

  private final NodeDiscovery discovery;
  private final Duration interval;
  private final EventLoop loop;
  private final Consumer<List<InetSocketAddress>> apply;
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "stoker-discovery");
    t.setDaemon(true);
    return t;
  });
  private volatile boolean closed;
  private boolean failing;

  DiscoveryFollower(NodeDiscovery discovery, Duration interval, EventLoop loop,
      Consumer<List<InetSocketAddress>> apply) {
    this.discovery = discovery;
    this.interval = interval;
    this.loop = loop;
    this.apply = apply;
  }

  /** Looks up every interval from now on, the first one interval from now. */
  void start() {
    timer.scheduleWithFixedDelay(this::lookUp, interval.toNanos(), interval.toNanos(), TimeUnit.NANOSECONDS);
  }

  /** One lookup, applied on the event loop. */
  void lookUp() {
    List<InetSocketAddress> found;
    try {
      found = discovery.nodes();
    } catch (Exception e) {
      if (closed) {
        return;
      }
      String why = e.getMessage() == null ? e.getClass().getSimpleName() : PeerText.clean(e.getMessage());
      if (!failing) {
        log.warn("cannot look up {} ({}); keeping the nodes as they are, asking again every {} ms",
            discovery.describe(), why, interval.toMillis());
      } else {
        log.debug("cannot look up {} ({})", discovery.describe(), why);
      }
      failing = true;
      return;
    }
    if (failing) {
      log.info("{} answers again", discovery.describe());
      failing = false;
    }
    if (found == null || found.isEmpty()) {
      log.debug("{} names no node now; keeping the nodes as they are", discovery.describe());
      return;
    }
    List<InetSocketAddress> answer = bounded(found, discovery);
    try {
      loop.execute(() -> apply.accept(answer));
    } catch (RejectedExecutionException sourceClosed) {
      // nothing to follow any more
    }
  }

  /**
   * The first non-empty answer of {@code discovery}, asked again every {@code pause} while it fails
   * or names no node, for at most {@code wait} (a trainer started before its nodes are ready: a
   * headless service names no address until one is), bounded as {@link #bounded}.
   *
   * @throws LoaderException with the last reason if no answer named a node within
   *     {@code wait}, or if interrupted
   */
  static List<InetSocketAddress> firstAnswer(NodeDiscovery discovery, Duration wait, Duration pause) {
    long deadline = System.nanoTime() + wait.toNanos();
    int lookups = 0;
    while (true) {
      String why;
      lookups++;
      try {
        List<InetSocketAddress> found = discovery.nodes();
        if (found != null && !found.isEmpty()) {
          return bounded(found, discovery);
        }
        why = "it names no node";
      } catch (Exception e) {
        why = UpstreamSession.describe(e);
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new LoaderException("cannot find the nodes of " + discovery.describe() + " within "
            + wait.toMillis() + " ms (" + lookups + (lookups == 1 ? " lookup" : " lookups") + "): " + why);
      }
      if (lookups == 1) {
        log.info("{}: {}; asking again every {} ms for up to {} ms", discovery.describe(), why, pause.toMillis(),
            wait.toMillis());
      }
      try {
        Thread.sleep(Math.max(1, Math.min(pause.toMillis(), TimeUnit.NANOSECONDS.toMillis(left) + 1)));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new LoaderException("interrupted while looking for the nodes of " + discovery.describe(), e);
      }
    }
  }

  /** {@code found}'s distinct non-null addresses, at most {@link NodeDiscovery#MAX_NODES} (logged if cut). */
  static List<InetSocketAddress> bounded(List<InetSocketAddress> found, NodeDiscovery discovery) {
    Set<InetSocketAddress> distinct = new LinkedHashSet<>();
    for (InetSocketAddress a : found) {
      if (a == null) {
        continue;
      }
      if (distinct.size() == NodeDiscovery.MAX_NODES) {
        log.warn("{} names more than {} nodes; the others are ignored", discovery.describe(), NodeDiscovery.MAX_NODES);
        break;
      }
      distinct.add(a);
    }
    return List.copyOf(new ArrayList<>(distinct));
  }

  @Override
  public void close() {
    closed = true;
    timer.shutdownNow();
  }
}
