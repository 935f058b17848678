package dev.stoker.remote.node;

import dev.stoker.api.LoaderException;
import dev.stoker.api.internal.Checks;
import dev.stoker.remote.protocol.DatasetIdentity;
import dev.stoker.remote.protocol.Pipelines;
import dev.stoker.remote.protocol.Protocol;
import dev.stoker.remote.protocol.TokenAuth;
import dev.stoker.remote.protocol.Transports;
import dev.stoker.remote.wire.Compression;
import dev.stoker.remote.wire.Transport;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.traffic.GlobalTrafficShapingHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A data-server node: serves one dataset, by index, to remote loaders that send it chunks of an
 * epoch's permutation and receive each sample decoded and transformed exactly as a local loader
 * would have made it (see {@link Protocol} for the wire and the conversation). Each connection
 * gets at most as many samples as it granted credits; the decode work of all connections shares
 * one pool of {@code workers} platform threads.
 *
 * <p>A node bound to anything but a loopback address requires TLS and a token; on loopback both are
 * optional.
 *
 * <p>What a peer can make a node hold is bounded by {@link DataNodeConfig.Limits}: a connection
 * that has not authenticated sends frames of a few KiB at most, for a limited time, and only so
 * many such connections are let in at once; after READY each connection's chunks, indices,
 * credits, samples in flight and plan values have caps, and each decode thread's scratch is
 * trimmed after a sample. A client over a cap gets an ERROR and is closed; the others go on.
 *
 * <p>A node that must stop without costing its clients a sample {@linkplain #drain drains}: it
 * stops listening, tells every client it is leaving (which then sends it no more chunks), finishes
 * the chunks it holds, and closes; {@link #isReady()} is what a readiness probe reports.
 *
 * <pre>{@code
 * SampleSource train = Datasets.open(Path.of("/data/train"));
 * try (DataNode node = DataNode.start(DataNodeConfig.loopback(train))) {
 *   System.out.println("serving " + node.datasetIdentity() + " on " + node.address());
 *   Thread.currentThread().join();      // until interrupted
 * }
 * }</pre>
 */
public final class DataNode implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DataNode.class);
  /** Outbound bytes queued per connection before it turns unwritable (and resumes). */
  private static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(1 << 20, 4 << 20);
  private static final long SHUTDOWN_SECONDS = 10;
  /** How often the send limit's counter starts a new interval: short enough for an even pace. */
  static final long SHAPER_CHECK_MILLIS = 100;

  private final DataNodeConfig config;
  private final NodeContext context;
  private final ExecutorService pool;
  private final EventLoopGroup acceptor;
  private final EventLoopGroup loops;
  private final Transports.Choice transport;
  /** Caps the bytes sent over all connections ({@code WireOptions.sendBytesPerSecond}); null: no cap. */
  private final GlobalTrafficShapingHandler shaper;
  private final ChannelGroup channels = new DefaultChannelGroup("stoker-node", GlobalEventExecutor.INSTANCE);
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicBoolean draining = new AtomicBoolean();
  /** Completes when the first {@link #drain} is over. */
  private final CompletableFuture<Void> drained = new CompletableFuture<>();
  private volatile Channel server;

  private DataNode(DataNodeConfig config, NodeContext context, ExecutorService pool) {
    this.config = config;
    this.context = context;
    this.pool = pool;
    this.transport = Transports.choose(config.wire().transport());
    this.acceptor = new MultiThreadIoEventLoopGroup(1, transport.ioHandlerFactory());
    this.loops = new MultiThreadIoEventLoopGroup(Math.min(4, config.workers()), transport.ioHandlerFactory());
    long limit = config.wire().sendBytesPerSecond();
    this.shaper = limit > 0 ? new GlobalTrafficShapingHandler(loops, limit, 0, SHAPER_CHECK_MILLIS) : null;
  }

  /**
   * Checks the configuration, reads the token and certificate, fingerprints the dataset and starts
   * listening.
   *
   * @param config the configuration, not null
   * @return the running node, which the caller closes
   * @throws LoaderException if a non-loopback bind lacks TLS or a token, a file cannot be used, or
   *     the address cannot be bound (the port is taken)
   */
  public static DataNode start(DataNodeConfig config) {
    return start(config, new SimpleMeterRegistry());
  }

  /**
   * {@link #start(DataNodeConfig)}, recording the node's meters in {@code registry} (e.g. a
   * Prometheus registry a scraper reads): counters {@code stoker.node.connections} (accepted),
   * {@code stoker.node.chunks} (received), {@code stoker.node.samples} (sent; its rate is
   * samples/s), {@code stoker.node.decode.failures}, {@code stoker.node.sent} (bytes on the wire,
   * TLS records whole) and {@code stoker.node.auth.failures} (missing or wrong token), and the
   * gauge {@code stoker.node.connections.open}.
   *
   * <pre>{@code
   * PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
   * try (DataNode node = DataNode.start(DataNodeConfig.loopback(source), registry)) { ... }
   * }</pre>
   *
   * @param config the configuration, not null
   * @param registry where the node's meters are recorded, not null
   * @return the running node, which the caller closes
   * @throws LoaderException as {@link #start(DataNodeConfig)}
   */
  public static DataNode start(DataNodeConfig config, MeterRegistry registry) {
    Checks.notNull(registry, "registry");
    return start(config, null, null, registry);
  }

  /** {@link #start(DataNodeConfig)} with sample pixels from {@code sampleAllocator} (tests measure with it). */
  static DataNode start(DataNodeConfig config, ByteBufAllocator sampleAllocator) {
    return start(config, sampleAllocator, null);
  }

  /** {@link #start(DataNodeConfig, ByteBufAllocator, ByteBufAllocator, MeterRegistry)} with unread meters. */
  static DataNode start(DataNodeConfig config, ByteBufAllocator sampleAllocator, ByteBufAllocator channelAllocator) {
    return start(config, sampleAllocator, channelAllocator, new SimpleMeterRegistry());
  }

  /**
   * {@link #start(DataNodeConfig)} with sample pixels from {@code sampleAllocator} and every other
   * buffer of the connections (reads, frames, writes) from {@code channelAllocator}; either null for
   * Netty's default (tests measure with them).
   */
  static DataNode start(DataNodeConfig config, ByteBufAllocator sampleAllocator, ByteBufAllocator channelAllocator,
      MeterRegistry registry) {
    Checks.notNull(config, "config");
    if (!config.bind().isLoopbackAddress() && (!config.tls() || config.tokenFile() == null)) {
      throw new LoaderException("binding " + config.bind().getHostAddress()
          + " requires --tls-cert/--tls-key and --token-file; loopback may run without");
    }
    byte[] token = config.tokenFile() != null ? TokenAuth.load(config.tokenFile()) : null;
    SslContext ssl = config.tls() ? Tls.server(config.tlsCert(), config.tlsKey()) : null;
    String identity = DatasetIdentity.of(config.source());
    ExecutorService pool = workerPool(config.workers());
    DataNodeConfig.Limits limits = config.limits();
    NodeContext context = new NodeContext(config.source(), identity, token, new PlanMakers(config.source(), limits),
        pool, config.maxFrameBytes(), Math.min(2 * config.workers(), limits.maxSamplesInFlight()), limits,
        sampleAllocator, new NodeContext.Stats(new NodeMeters(registry)),
        config.wire().compression() == Compression.ZSTD ? new SampleCompressor(SampleCompressor.configuredLevel()) : null);
    DataNode node = new DataNode(config, context, pool);
    try {
      node.bind(ssl, channelAllocator);
    } catch (RuntimeException e) {
      node.close();
      throw e;
    }
    return node;
  }

  private void bind(SslContext ssl, ByteBufAllocator channelAllocator) {
    ServerBootstrap bootstrap = new ServerBootstrap().group(acceptor, loops).channel(transport.serverSocketChannel())
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK);
    if (channelAllocator != null) {
      bootstrap.childOption(ChannelOption.ALLOCATOR, channelAllocator);
    }
    bootstrap
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            channels.add(ch);
            if (shaper != null) {
              ch.pipeline().addLast("send-limit", shaper);
            }
            ch.pipeline().addLast("meters", context.stats().meters.counting());
            if (ssl != null) {
              ch.pipeline().addLast("tls", ssl.newHandler(ch.alloc()));
            }
            addHandlers(ch.pipeline(), context);
          }
        });
    ChannelFuture bound = bootstrap.bind(config.bind(), config.port()).awaitUninterruptibly();
    if (!bound.isSuccess()) {
      Throwable cause = bound.cause();
      throw new LoaderException("cannot listen on " + config.bind().getHostAddress() + ":" + config.port() + ": "
          + (cause.getMessage() != null ? cause.getMessage() : cause.toString()), cause);
    }
    server = bound.channel();
    channels.add(server);
    log.debug("serving {} ({}) on {}{}{}", config.source().description(), context.identity(), address(),
        ssl != null ? " with TLS" : "", context.token() != null ? " with a token" : "");
    log.info("transport {}, compression {}, send limit {}", transport.label(),
        context.compressor() != null ? "zstd allowed" : "none", config.wire().sendBytesPerSecond() > 0
            ? config.wire().sendBytesPerSecond() + " bytes/s" : "none");
  }

  /**
   * The codec and the node's handler, behind TLS if any. Inbound frames start at
   * {@link Protocol#MAX_HANDSHAKE_FRAME_BYTES}; {@link NodeHandler} raises the limit to what OPEN,
   * then CHUNK, needs. Outbound frames (samples) may be up to the configured frame limit.
   */
  static void addHandlers(ChannelPipeline pipeline, NodeContext context) {
    Pipelines.addCodec(pipeline, Protocol.MAX_HANDSHAKE_FRAME_BYTES, context.maxFrameBytes());
    pipeline.addLast("node", new NodeHandler(context));
  }

  private static ExecutorService workerPool(int workers) {
    AtomicInteger count = new AtomicInteger();
    ThreadFactory threads = r -> {
      Thread t = new Thread(r, "stoker-node-worker-" + count.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
    return new ThreadPoolExecutor(workers, workers, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), threads);
  }

  /**
   * The address the node listens on (with the actual port when the configuration asked for port 0).
   *
   * @return the bound address and port
   */
  public InetSocketAddress address() {
    return (InetSocketAddress) server.localAddress();
  }

  /**
   * The transport the node's connections use: {@code WireOptions.transport()}, or for
   * {@link Transport#AUTO} the one it stood for on this machine.
   *
   * @return the transport in use, never {@link Transport#AUTO}
   */
  public Transport transport() {
    return transport.transport();
  }

  /**
   * The fingerprint of the served dataset that clients check, computed once at start.
   *
   * @return the dataset identity, e.g. {@code sha256:9f2c.../1281167}
   */
  public String datasetIdentity() {
    return context.identity();
  }

  /** Counters for tests. */
  NodeContext.Stats stats() {
    return context.stats();
  }

  /**
   * Whether the node takes work: it listens, its dataset is open (a node exists only once it is),
   * and it is neither {@linkplain #drain draining} nor closed. This is what a readiness probe
   * ({@code /readyz} of {@code stoker serve --admin-port}) reports.
   *
   * <pre>{@code
   * int status = node.isReady() ? 200 : 503;
   * }</pre>
   *
   * @return true while the node accepts new connections and chunks
   */
  public boolean isReady() {
    return !draining.get() && !closed.get();
  }

  /**
   * Stops the node without costing its clients a sample, within {@code grace}: stops listening,
   * sends LEAVING to every connection past its handshake (its client sends it no new chunk from
   * then on) and closes those still in the handshake; each connection finishes the chunks it holds
   * (a CHUNK that crossed LEAVING included) as its client's credits allow and is closed once it
   * holds none. Connections still open when {@code grace} is over are closed then, and their
   * clients give the chunks they did not finish to other nodes. Then the node is {@linkplain #close
   * closed}. Blocks until all of that is done; a second call waits for the first. {@link #close()}
   * from another thread (a second signal) ends the wait at once.
   *
   * <pre>{@code
   * // on SIGTERM (stoker serve does this):
   * node.drain(Duration.ofSeconds(30));      // returns when every connection is done, 30 s at most
   * }</pre>
   *
   * @param grace how long connections may take to finish their chunks, not negative
   * @throws IllegalArgumentException naming {@code grace} if it is negative
   */
  public void drain(Duration grace) {
    Checks.notNull(grace, "grace");
    if (grace.isNegative()) {
      throw new IllegalArgumentException("grace: must not be negative, got " + grace);
    }
    if (!draining.compareAndSet(false, true)) {
      drained.join();
      return;
    }
    try {
      drainWithin(grace);
    } finally {
      close();
      drained.complete(null);
    }
  }

  private void drainWithin(Duration grace) {
    long deadline = System.nanoTime() + grace.toNanos();
    context.stats().draining = true;
    Channel listening = server;
    if (listening != null) {
      listening.close().awaitUninterruptibly();
    }
    int graceMillis = (int) Math.min(Integer.MAX_VALUE, grace.toMillis());
    List<Channel> connections = connections();
    log.info("draining {} connections within {} ms", connections.size(), graceMillis);
    for (Channel channel : connections) {
      ChannelHandlerContext ctx = channel.pipeline().context("node");
      if (ctx != null && ctx.handler() instanceof NodeHandler handler) {
        try {
          ctx.executor().execute(() -> handler.drain(ctx, graceMillis));
        } catch (RejectedExecutionException e) { // closed meanwhile
          channel.close();
        }
      } else {
        channel.close(); // not initialised yet: it would have been closed on becoming active
      }
    }
    for (List<Channel> open = connections(); !open.isEmpty(); open = connections()) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        log.warn("drain: grace of {} ms over, closing {} connections with unfinished chunks", graceMillis,
            open.size());
        return;
      }
      open.getFirst().closeFuture().awaitUninterruptibly(TimeUnit.NANOSECONDS.toMillis(left) + 1);
    }
    log.info("drained: every connection finished its chunks");
  }

  /** The open connections (the listening channel left out). */
  private List<Channel> connections() {
    List<Channel> open = new ArrayList<>();
    for (Channel channel : channels) {
      if (channel != server && channel.isOpen()) {
        open.add(channel);
      }
    }
    return open;
  }

  /**
   * Stops listening, closes every connection (releasing what they held), then stops the workers
   * and the event loops and waits for them. Idempotent.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    channels.close().awaitUninterruptibly();
    pool.shutdown();
    try {
      if (!pool.awaitTermination(SHUTDOWN_SECONDS, TimeUnit.SECONDS)) {
        pool.shutdownNow();
        log.warn("node workers did not finish within {} s", SHUTDOWN_SECONDS);
      }
    } catch (InterruptedException e) {
      pool.shutdownNow();
      Thread.currentThread().interrupt();
    }
    acceptor.shutdownGracefully(0, SHUTDOWN_SECONDS, TimeUnit.SECONDS);
    loops.shutdownGracefully(0, SHUTDOWN_SECONDS, TimeUnit.SECONDS);
    acceptor.terminationFuture().awaitUninterruptibly();
    loops.terminationFuture().awaitUninterruptibly();
    if (shaper != null) {
      shaper.release();
    }
    if (context.compressor() != null && pool.isTerminated()) {
      context.compressor().close();
    }
  }
}
