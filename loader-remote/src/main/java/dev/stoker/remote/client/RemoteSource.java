package dev.stoker.remote.client;

import dev.stoker.api.LoaderException;
import dev.stoker.api.SampleSource;
import dev.stoker.api.internal.Checks;
import dev.stoker.image.TransformPlan;
import dev.stoker.pipeline.ProcessedSample;
import dev.stoker.pipeline.SampleResult;
import dev.stoker.pipeline.SampleSupplier;
import dev.stoker.pipeline.SupplyPlan;
import dev.stoker.remote.protocol.Message;
import dev.stoker.remote.protocol.PeerText;
import dev.stoker.remote.protocol.PlanJson;
import dev.stoker.remote.protocol.Protocol;
import dev.stoker.remote.protocol.TokenAuth;
import dev.stoker.remote.protocol.Transports;
import dev.stoker.remote.wire.Compression;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.traffic.GlobalTrafficShapingHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;

/**
 * A dataset served by data-server nodes, which also process its samples: give it to a loader as
 * its {@link SampleSupplier} and every epoch is cut into chunks that the nodes decode and augment, streamed back
 * under credits that follow the loader's demand, in order, each position exactly once. The
 * batches are byte for byte those of a local run with the same settings.
 *
 * <pre>{@code
 * try (RemoteSource remote = RemoteSource.connect(NodeDiscovery.dns("stoker-nodes.training.svc.cluster.local", 7311),
 *         RemoteOptions.defaults().withToken(Path.of("token")).withTls(null));
 *      Loader loader = Loader.builder().supplier(remote).transforms(Presets.imagenetTrain(224))
 *          .batchSize(256).ring(BatchRings.direct(), 4).build()) {
 *   loader.run(2, batch -> train(batch));
 * }
 * }</pre>
 *
 * <p>Metadata (size, classes, boxes) comes from the nodes' DATASET, which a node sends only once
 * the client proved it holds the token, and which the client checks against its
 * {@link RemoteOptions.Limits}. The source starts with the nodes that answer (at least one within
 * {@link RemoteOptions#connectTimeout()}) and connects the others in the background, from the
 * start, as they come up. A node that drops mid-epoch has its unfinished chunks resumed on the
 * others and is reconnected in the background, then used again; with no node left for
 * {@link RemoteOptions#connectTimeout()}, the run fails naming them. With a {@link NodeDiscovery}
 * other than a fixed list, the nodes are looked up again every
 * {@link RemoteOptions#rediscoverInterval()} on a background thread: a new address gets work from
 * the next chunk, an address gone from the answer is failed over as a lost node and not reconnected.
 * A node that serves another dataset than the agreed one is refused (logged, naming both) and never
 * used. The source serves one plan: {@link #configure} is called once, by the loader. Nothing is
 * read here: labels and boxes come with the processed samples.
 */
public final class RemoteSource implements SampleSupplier, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RemoteSource.class);
  /** How long connecting waits for the other nodes once one answered (they join later otherwise). */
  static final Duration SETTLE = Duration.ofSeconds(1);

  /** How often the send limit's counter starts a new interval. */
  private static final long SHAPER_CHECK_MILLIS = 100;
  private final RemoteOptions options;
  private final EventLoopGroup group;
  private final EventLoop loop;
  private final Dispatcher dispatcher;
  private final Message.Dataset dataset;
  private final DiscoveryFollower follower;
  private SupplyPlan plan;
  private final WireCounter counter;

  private RemoteSource(RemoteOptions options, EventLoopGroup group, Dispatcher dispatcher, Message.Dataset dataset,
      WireCounter counter, DiscoveryFollower follower) {
    this.counter = counter;
    this.options = options;
    this.group = group;
    this.loop = group.next();
    this.dispatcher = dispatcher;
    this.dataset = dataset;
    this.follower = follower;
  }

  /**
   * Connects to the nodes and checks that those that answer serve the same dataset (and the
   * expected one, if the options name it). Nodes that do not answer now are connected in the
   * background and used once they do.
   *
   * <p>A token goes only where it protects: with a token file and without TLS, every node must be
   * on a loopback address (the proofs are not bound to the connection, so on a network a man in
   * the middle could relay them, and a recorded exchange lets anyone guess the token offline).
   *
   * @param nodes the nodes' addresses, at least one, not null
   * @param options the token, TLS, identity, chunk size, timings and limits, not null
   * @return a source connected to at least one node, which the caller closes
   * @throws LoaderException naming each node that cannot be reached, refuses the client (version,
   *     token) or serves another dataset when none answers within the connect timeout; if the nodes
   *     that answer serve different datasets; or a non-loopback node given a token without TLS
   */
  public static RemoteSource connect(List<InetSocketAddress> nodes, RemoteOptions options) {
    Checks.notNull(nodes, "nodes");
    Checks.notNull(options, "options");
    Checks.argument(!nodes.isEmpty(), "nodes", "must name at least one node");
    return start(new FixedDiscovery(nodes), nodes, options);
  }

  /**
   * Connects to the nodes that {@code discovery} names now, as {@link #connect(List, RemoteOptions)},
   * and follows it as nodes come and go: unless it is a fixed list, it is asked again every
   * {@link RemoteOptions#rediscoverInterval()} on a background thread (a failed or empty answer
   * leaves the nodes as they are). Until its first answer names a node (a trainer started before
   * its nodes are ready), it is asked every {@link RemoteOptions#reconnectDelay()} for up to
   * {@link RemoteOptions#connectTimeout()}.
   *
   * <pre>{@code
   * RemoteSource remote = RemoteSource.connect(NodeDiscovery.dns("stoker-nodes", 7311), RemoteOptions.defaults());
   * }</pre>
   *
   * @param discovery where the nodes are, not null
   * @param options the token, TLS, identity, chunk size, timings, limits, wire and lookup interval, not null
   * @return a source connected to at least one node, which the caller closes
   * @throws LoaderException if the nodes cannot be found or reached, as {@link #connect(List, RemoteOptions)}
   */
  public static RemoteSource connect(NodeDiscovery discovery, RemoteOptions options) {
    Checks.notNull(discovery, "discovery");
    Checks.notNull(options, "options");
    List<InetSocketAddress> found = DiscoveryFollower.firstAnswer(discovery, options.connectTimeout(),
        options.reconnectDelay());
    return start(discovery, found, options);
  }

  private static RemoteSource start(NodeDiscovery discovery, List<InetSocketAddress> found, RemoteOptions options) {
    boolean follow = !(discovery instanceof FixedDiscovery);
    if (options.tokenFile() != null && !options.tls()) {
      found = found.stream().map(RemoteSource::loopbackOnly).toList();
    }
    byte[] token = options.tokenFile() == null ? null : TokenAuth.load(options.tokenFile());
    SslContext ssl = options.tls() ? sslContext(options) : null;
    Transports.Choice transport = Transports.choose(options.wire().transport());
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("stoker-remote", true),
        transport.ioHandlerFactory());
    WireCounter counter = new WireCounter(options.wire().sendBytesPerSecond() > 0
        ? new GlobalTrafficShapingHandler(group, options.wire().sendBytesPerSecond(), 0, SHAPER_CHECK_MILLIS) : null);
    try {
      EventLoop loop = group.next();
      Dispatcher dispatcher = new Dispatcher(loop, options.connectTimeout(), options.reconnectDelay());
      Bootstrap bootstrap = new Bootstrap().group(loop).channel(transport.socketChannel())
          .option(ChannelOption.TCP_NODELAY, true)
          .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, options.connectTimeout().toMillis()));
      Function<InetSocketAddress, Upstream> make = address -> {
        if (token != null && !options.tls() && (address.isUnresolved() || !address.getAddress().isLoopbackAddress())) {
          log.warn("{} names node {}: not used, a token goes to a non-loopback node only over TLS",
              discovery.describe(), nameOf(address, follow));
          return null;
        }
        Upstream node = new Upstream(address, nameOf(address, follow), bootstrap, ssl, token,
            options.connectTimeout(), dispatcher, counter, options.limits());
        node.expectIdentity(options.expectedIdentity());
        return node;
      };
      List<InetSocketAddress> first = found;
      List<Upstream> connections = onLoop(loop, () -> {
        dispatcher.describeDiscovery(discovery.describe());
        List<Upstream> made = new ArrayList<>();
        for (InetSocketAddress address : first) {
          Upstream node = make.apply(Checks.notNull(address, "node address"));
          dispatcher.add(node);
          made.add(node);
        }
        return made;
      });
      Map<Upstream, CompletableFuture<Message.Dataset>> futures = new LinkedHashMap<>();
      connections.forEach(n -> futures.put(n, n.connect()));
      List<String> problems = new ArrayList<>();
      Map<Upstream, Message.Dataset> welcomes = awaitFirst(futures, options, SETTLE, problems);
      if (welcomes.isEmpty()) {
        throw new LoaderException("cannot connect to " + (problems.size() == 1 ? "a remote node" : "remote nodes")
            + ": " + String.join("; ", problems));
      }
      Upstream firstNode = welcomes.keySet().iterator().next();
      Message.Dataset agreed = welcomes.get(firstNode);
      List<String> others = welcomes.entrySet().stream()
          .filter(e -> !e.getValue().datasetIdentity().equals(agreed.datasetIdentity()))
          .map(e -> e.getKey().name() + " serves " + e.getValue().datasetIdentity())
          .toList();
      if (!others.isEmpty()) {
        throw new LoaderException("the nodes serve different datasets: " + firstNode.name() + " serves "
            + agreed.datasetIdentity() + ", but " + String.join(", ", others));
      }
      if (!problems.isEmpty()) {
        log.info("connected to {} of {} nodes; the others are connected in the background as they come up ({})",
            welcomes.size(), connections.size(), String.join("; ", problems));
      }
      onLoop(loop, () -> {
        dispatcher.members().forEach(n -> n.agree(agreed.datasetIdentity()));
        return null;
      });
      String identity = agreed.datasetIdentity();
      DiscoveryFollower follower = follow ? new DiscoveryFollower(discovery, options.rediscoverInterval(),
          loop, answer -> dispatcher.members(answer, make.andThen(n -> {
            if (n != null) {
              n.expectIdentity(identity);
            }
            return n;
          }))) : null;
      RemoteSource source = new RemoteSource(options, group, dispatcher, agreed, counter, follower);
      if (follower != null) {
        follower.start();
      }
      return source;
    } catch (RuntimeException e) {
      counter.close();
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      throw e;
    }
  }

  /** How a node is named: as given in a fixed list, by its IP address when discovered. */
  private static String nameOf(InetSocketAddress address, boolean discovered) {
    if (!discovered || address.isUnresolved()) {
      return address.getHostString() + ":" + address.getPort();
    }
    String ip = address.getAddress().getHostAddress();
    return (address.getAddress() instanceof Inet6Address ? "[" + ip + "]" : ip) + ":" + address.getPort();
  }

  /**
   * {@code address} resolved, if it is a loopback address (the connection then goes to what was
   * checked, whatever a later lookup says).
   *
   * @throws LoaderException if it is not
   */
  private static InetSocketAddress loopbackOnly(InetSocketAddress address) {
    Checks.notNull(address, "node address");
    InetSocketAddress resolved = address;
    if (address.isUnresolved()) {
      try {
        resolved = new InetSocketAddress(InetAddress.getByName(address.getHostString()), address.getPort());
      } catch (UnknownHostException e) {
        resolved = address; // refused below, as any address not known to be loopback
      }
    }
    if (resolved.isUnresolved() || !resolved.getAddress().isLoopbackAddress()) {
      throw new LoaderException("refusing to send a token to node " + address.getHostString() + ":"
          + address.getPort() + " without TLS: over plain TCP anyone on the path can relay the token proof or "
          + "record it and guess the token offline; use TLS (--tls, RemoteOptions.withTls) or a loopback node");
    }
    return resolved;
  }

  private static SslContext sslContext(RemoteOptions options) {
    try {
      // the node's certificate must name the host the client dialled (not left to a library default)
      SslContextBuilder builder = SslContextBuilder.forClient().endpointIdentificationAlgorithm("HTTPS");
      if (options.trustCert() != null) {
        builder.trustManager(options.trustCert().toFile());
      }
      return builder.build();
    } catch (Exception e) {
      throw new LoaderException("TLS: cannot use the trusted certificates "
          + (options.trustCert() == null ? "of the JDK" : "in " + options.trustCert()) + ": " + e.getMessage(), e);
    }
  }

  /** Runs {@code step} on every node and waits for all; one error names every node that failed. */

  /**
   * Waits until one of {@code futures} succeeds or all ended (at most the connect timeout and a
   * second), then up to {@code settle} more for the others; the successes, in order. Why each
   * other one failed, or that it did not answer yet, goes to {@code problems}.
   */
  private static <T> Map<Upstream, T> awaitFirst(Map<Upstream, CompletableFuture<T>> futures,
      RemoteOptions options, Duration settle, List<String> problems) {
    long deadline = System.nanoTime() + options.connectTimeout().toNanos() + TimeUnit.SECONDS.toNanos(1);
    CompletableFuture<Object> any = new CompletableFuture<>();
    futures.values().forEach(f -> f.thenAccept(any::complete));
    CompletableFuture<Void> all = CompletableFuture.allOf(futures.values().toArray(CompletableFuture[]::new));
    waitFor(CompletableFuture.anyOf(any, all), deadline);
    if (any.isDone() && settle.isPositive()) {
      waitFor(all, Math.min(deadline, System.nanoTime() + settle.toNanos()));
    }
    Map<Upstream, T> results = new LinkedHashMap<>();
    for (Map.Entry<Upstream, CompletableFuture<T>> e : futures.entrySet()) {
      CompletableFuture<T> f = e.getValue();
      if (f.state() == java.util.concurrent.Future.State.SUCCESS) {
        results.put(e.getKey(), f.resultNow());
      } else if (f.state() == java.util.concurrent.Future.State.FAILED) {
        problems.add(f.exceptionNow().getMessage());
      } else {
        problems.add("node " + e.getKey().name() + " did not answer within " + options.connectTimeout().toMillis()
            + " ms");
      }
    }
    return results;
  }

  private static void waitFor(CompletableFuture<?> future, long deadline) {
    try {
      future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (ExecutionException | TimeoutException settledOrNot) {
      // the caller looks at each future
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LoaderException("interrupted while waiting for the remote nodes", e);
    }
  }

  private static <T> T onLoop(EventLoop loop, java.util.function.Supplier<T> query) {
    try {
      return loop.submit(query::get).get(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(e);
    } catch (TimeoutException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Bytes received from all nodes so far (TLS records included when TLS is on): what crossed the
   * wire.
   *
   * @return bytes received so far, 0 or more
   */
  public long bytesReceived() {
    return counter.bytes();
  }

  /**
   * The identity of the dataset the nodes serve, e.g. {@code sha256:9f2c.../1281167}.
   *
   * @return the dataset identity, never null
   */
  public String identity() {
    return dataset.datasetIdentity();
  }

  /**
   * Opens a session for {@code plan} on every node and waits until one is ready (the others, and
   * nodes that join later, take chunks once they are).
   *
   * @throws LoaderException naming each node that refused (token, dataset, plan) or did not answer, if
   *     none is ready within the connect timeout
   * @throws IllegalStateException if the source was configured with another plan
   * @throws IllegalArgumentException for a plan with a {@link dev.stoker.api.TransformSpec.Custom} step,
   *     which runs only in this JVM
   */
  @Override
  public synchronized void configure(SupplyPlan plan) {
    Checks.notNull(plan, "plan");
    if (this.plan != null) {
      if (this.plan.equals(plan)) {
        return;
      }
      throw new IllegalStateException("this remote source already serves another plan; connect a new one for "
          + plan);
    }
    PlanJson.checkRemotable(plan);   // before compiling: a Custom step compiles here but cannot run there
    long sampleBytes = TransformPlan.compile(plan.transforms()).sampleBytes();
    Upstream.Opening opening = new Upstream.Opening(identity(), PlanJson.write(plan), sampleBytes,
        options.wire().compression() == Compression.ZSTD ? 1 << Protocol.ENCODING_ZSTD : 0);
    List<Upstream> nodes = onLoop(() -> dispatcher.opening(opening));
    Map<Upstream, CompletableFuture<Void>> futures = new LinkedHashMap<>();
    nodes.forEach(n -> futures.put(n, n.open(opening)));
    List<String> problems = new ArrayList<>();
    if (awaitFirst(futures, options, SETTLE, problems).isEmpty()) {
      throw new LoaderException("cannot open a session on " + (problems.size() == 1 ? "a remote node" : "remote nodes")
          + ": " + String.join("; ", problems));
    }
    this.plan = plan;
  }

  /**
   * Positions {@code [from, order.length)} of {@code epoch}, processed by the nodes, in order; each
   * sample's pixels are the node's frame, released once the loader has copied them.
   */
  @Override
  public Flux<SampleResult> samples(int epoch, int[] order, int from) {
    Checks.notNull(order, "order");
    Checks.argument(from >= 0 && from <= order.length, "from", "must be in [0, " + order.length + "], got " + from);
    synchronized (this) {
      if (plan == null) {
        return Flux.error(new IllegalStateException("configure(plan) must come before samples(...)"));
      }
    }
    return Flux.<SampleResult>create(sink -> {
      EpochStream stream = new EpochStream(dispatcher, epoch, order, from, options.chunkSize(), sink);
      run(() -> {
        dispatcher.register(stream);
        stream.start();
      });
      sink.onRequest(n -> run(() -> stream.request(n)));
      sink.onDispose(() -> run(stream::dispose));
    }).doOnDiscard(ProcessedSample.class, ProcessedSample::release);
  }

  /** Runs {@code task} on the event loop; after {@link #close()} there is nothing left to do. */
  private void run(Runnable task) {
    try {
      loop.execute(task);
    } catch (RejectedExecutionException closed) {
      // the source is closed: its streams were failed and their samples released
    }
  }

  /** Nodes that are ready now (for tests and diagnostics). */
  int readyNodes() {
    return onLoop(() -> (int) dispatcher.members().stream().filter(Upstream::isReady).count());
  }

  /** Where every node and stream stands (for tests and diagnostics). */
  String state() {
    return onLoop(dispatcher::state);
  }

  /** Credits granted so far to each node, by {@code host:port} (for tests). */
  Map<String, Long> creditsGranted() {
    return onLoop(() -> dispatcher.members().stream().collect(Collectors.toMap(Upstream::name,
        Upstream::creditsGranted, (a, b) -> a, LinkedHashMap::new)));
  }

  private <T> T onLoop(java.util.function.Supplier<T> query) {
    return onLoop(loop, query);
  }

  /** The nodes now, by name (for tests and diagnostics). */
  List<String> nodeNames() {
    return dispatcher.members().stream().map(Upstream::name).toList();
  }

  @Override
  public String description() {
    List<Upstream> nodes = dispatcher.members();
    return "remote dataset " + identity() + " (" + size() + " samples, " + classes().size() + " classes) on "
        + nodes.size() + (nodes.size() == 1 ? " node: " : " nodes: ")
        + nodes.stream().map(Upstream::name).collect(Collectors.joining(", "));
  }

  @Override
  public int size() {
    return dataset.datasetSize();
  }


  @Override
  public List<String> classes() {
    return dataset.classes();
  }

  @Override
  public boolean hasBoxes() {
    return dataset.hasBoxes();
  }

  @Override
  public int maxBoxCount() {
    return dataset.maxBoxCount();
  }

  /** Fails running streams, closes every connection and stops the event loop. */
  @Override
  public void close() {
    if (follower != null) {
      follower.close();
    }
    run(dispatcher::close);
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    counter.close();
  }
}
