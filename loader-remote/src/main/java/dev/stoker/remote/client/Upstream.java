package dev.stoker.remote.client;

import dev.stoker.api.LoaderException;
import dev.stoker.remote.protocol.Message;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoop;
import io.netty.handler.ssl.SslContext;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One data node as the client sees it, over the client's whole life: its address, its current
 * connection attempt (an {@link UpstreamSession}; a new one for every reconnection), and the chunks
 * and credits it holds (a {@link CreditLedger}). The {@link Dispatcher} hands it chunks and hears,
 * through {@link Listener}, when it becomes ready and when it is lost with the chunks it did not
 * finish. Everything but {@link #connect} and {@link #open} runs on the client's event loop.
 *
 * <pre>{@code
 * Upstream node = new Upstream(address, bootstrap, ssl, token, timeout, dispatcher, counter, limits);
 * node.connect().join();                   // HELLO, WELCOME, AUTH, DATASET
 * node.open(opening).join();               // OPEN, READY
 * node.assign(task);                       // on the event loop: CHUNK and the CREDITs it needs
 * }</pre>
 *
 * <p>The name says which end this is: {@code DataNode}, {@code NodeHandler} and {@code NodeSession}
 * are the node's side of the same connection.
 */
final class Upstream {
  private static final Logger log = LoggerFactory.getLogger(Upstream.class);

  /** What the dispatcher hears from a node. */
  interface Listener {
    /** The node finished its handshake and takes chunks. */
    void ready(Upstream node);

    /** The connection ended; {@code unfinished} are the chunks it still held, in the order sent. */
    void lost(Upstream node, List<ChunkTask> unfinished, String reason, boolean wasReady);
  }

  /** What OPEN sends and READY must confirm; {@code compressions} is OPEN's bit mask of encodings offered. */
  record Opening(String identity, String planJson, long sampleBytes, int compressions) {
    /** An opening that offers no compression. */
    Opening(String identity, String planJson, long sampleBytes) {
      this(identity, planJson, sampleBytes, 0);
    }
  }

  private final InetSocketAddress address;
  private final String name;
  private final Bootstrap bootstrap;
  private final SslContext ssl;
  private final byte[] token;
  private final Duration handshakeTimeout;
  private final Listener listener;
  private final EventLoop loop;
  private final WireCounter counter;
  private final RemoteOptions.Limits limits;
  private final CreditLedger ledger = new CreditLedger();
  private UpstreamSession session;
  private String lastProblem = "not connected yet";
  private volatile String expectedIdentity;
  private volatile Opening opening;
  private boolean closed;
  /** The identity of the dataset the current session's node serves, once it sent DATASET. */
  private String welcomedIdentity;
  /** Not null once the node was refused for serving this dataset instead of the agreed one. */
  private String refusedIdentity;
  /** The node said LEAVING on its current session: it gets no more chunks from this session. */
  private boolean leaving;

  Upstream(InetSocketAddress address, Bootstrap bootstrap, SslContext ssl, byte[] token,
      Duration handshakeTimeout, Listener listener, WireCounter counter, RemoteOptions.Limits limits) {
    this(address, address.getHostString() + ":" + address.getPort(), bootstrap, ssl, token, handshakeTimeout,
        listener, counter, limits);
  }

  /** As above, named {@code name} in logs and errors (e.g. a discovered node by its IP address). */
  Upstream(InetSocketAddress address, String name, Bootstrap bootstrap, SslContext ssl, byte[] token,
      Duration handshakeTimeout, Listener listener, WireCounter counter, RemoteOptions.Limits limits) {
    this.counter = counter;
    this.limits = limits;
    this.address = address;
    this.name = name;
    this.bootstrap = bootstrap;
    this.ssl = ssl;
    this.token = token;
    this.handshakeTimeout = handshakeTimeout;
    this.listener = listener;
    this.loop = bootstrap.config().group().next();
  }

  /** {@code host:port}. */
  String name() {
    return name;
  }

  /** The address dialled. */
  InetSocketAddress address() {
    return address;
  }

  /** Why the last session ended or failed, or null while one is ready. */
  String lastProblem() {
    return lastProblem;
  }

  /** Refuse a node that serves another dataset than {@code identity} (null: any). */
  void expectIdentity(String identity) {
    this.expectedIdentity = identity;
  }

  /**
   * From now on the node must serve {@code identity}: if its current session already said it
   * serves another, the node is refused (see {@link #refuse}) and its connection closed. On the
   * event loop.
   */
  void agree(String identity) {
    expectedIdentity = identity;
    if (welcomedIdentity != null && !welcomedIdentity.equals(identity) && !idle()) {
      refuse(welcomedIdentity);
      session.channel().close();
    }
  }

  /** The node serves {@code identity}, not the agreed one: it is never used again. On the event loop. */
  void refuse(String identity) {
    refusedIdentity = identity;
  }

  /** The dataset the node serves instead of the agreed one, or null if it was not refused. */
  String refusedIdentity() {
    return refusedIdentity;
  }

  /** Whether {@link #close()} was called: the node is not reconnected. */
  boolean isClosed() {
    return closed;
  }

  /** The plan to OPEN once the node sent DATASET (a node that joins after {@code configure}). */
  void prepare(Opening opening) {
    this.opening = opening;
  }

  /**
   * Starts a new session unless one is under way; completes with the node's DATASET (after
   * HELLO, WELCOME and AUTH), or fails with why not.
   */
  CompletableFuture<Message.Dataset> connect() {
    CompletableFuture<Message.Dataset> welcomed = new CompletableFuture<>();
    loop.execute(() -> {
      if (closed) {
        welcomed.completeExceptionally(new LoaderException("node " + name + ": the source is closed"));
        return;
      }
      if (!idle()) {
        welcomed.completeExceptionally(new LoaderException("node " + name + ": a connection attempt is under way"));
        return;
      }
      UpstreamSession started = new UpstreamSession(this, ledger, loop, handshakeTimeout);
      session = started;
      welcomedIdentity = null;
      started.welcomed.whenComplete((w, e) -> {
        if (e == null && session == started) {
          welcomedIdentity = w.datasetIdentity();
        }
        if (e != null) {
          welcomed.completeExceptionally(e);
        } else {
          welcomed.complete(w);
        }
      });
      started.start();
    });
    return welcomed;
  }

  /** Sends OPEN with {@code opening} (now, or after the next DATASET); completes on READY. */
  CompletableFuture<Void> open(Opening opening) {
    this.opening = opening;
    CompletableFuture<Void> ready = new CompletableFuture<>();
    loop.execute(() -> {
      UpstreamSession s = session;
      if (s == null || s.state() == UpstreamSession.State.CLOSED) {
        ready.completeExceptionally(new LoaderException("node " + name + " " + lastProblem));
        return;
      }
      if (s.state() == UpstreamSession.State.WELCOMED) {
        s.sendOpen();
      }
      s.readied.whenComplete((v, e) -> {
        if (e != null) {
          ready.completeExceptionally(e);
        } else {
          ready.complete(null);
        }
      });
    });
    return ready;
  }

  /** Whether no session is under way (none yet, or the last one ended). */
  boolean idle() {
    return session == null || session.state() == UpstreamSession.State.CLOSED;
  }

  boolean isReady() {
    return session != null && session.state() == UpstreamSession.State.READY;
  }

  /** Whether the dispatcher may give it a new chunk: ready, and not leaving. */
  boolean acceptsWork() {
    return isReady() && !leaving;
  }

  /** Whether the node said it is leaving (draining) on its current session. */
  boolean isLeaving() {
    return leaving;
  }

  /**
   * {@code session} got LEAVING: no new chunks go to this node until a new session is ready; the
   * chunks it holds finish there, and once it holds none the connection is closed (quietly: the
   * node is draining, not failing). If the node closes first, what it did not finish goes to the
   * other nodes at once, through {@link Listener#lost}. It is reconnected later like any lost node.
   */
  void leaving(UpstreamSession session, int graceMillis) {
    if (this.session != session || leaving) {
      return;
    }
    leaving = true;
    log.info("node {} is leaving (draining, {} ms grace): it gets no new chunks; {} chunks it holds finish there",
        name, graceMillis, ledger.tasks().size());
    closeIfLeft(session);
  }

  /** A leaving node whose current {@code session} holds no chunk any more is closed. */
  void closeIfLeft(UpstreamSession session) {
    if (leaving && this.session == session && ledger.tasks().isEmpty()) {
      session.leave("it is draining and finished its chunks");
    }
  }

  /** Positions not received yet over every chunk it holds. */
  long work() {
    return ledger.work();
  }

  /** Credits granted over the node's life (all sessions). */
  long creditsGranted() {
    return ledger.creditsGranted();
  }

  /** Chunks sent over the node's life (all sessions). */
  long chunksSent() {
    return ledger.chunksSent();
  }

  /** Sends {@code task} to the node (it must be ready) and the credits it needs. */
  void assign(ChunkTask task) {
    ledger.sent(task);
    session.channel().write(task.message());
    topUp();
  }

  /** The node's work on {@code task} is not wanted any more. */
  void cancel(ChunkTask task) {
    if (ledger.forget(task) && task.remaining() > 0 && isReady()) {
      session.channel().writeAndFlush(new Message.Cancel(task.id));
    }
  }

  /**
   * Grants the credits the node needs to reach the last requested position it holds (see
   * {@link CreditLedger}); flushes.
   */
  void topUp() {
    if (!isReady()) {
      return;
    }
    int credits = ledger.creditsToGrant();
    if (credits > 0) {
      session.channel().write(new Message.Credit(credits));
    }
    session.channel().flush();
  }

  /** Where the node stands, for diagnostics: its state, credits and chunks. */
  String state() {
    return name + " " + (session == null ? "no session" : session.state()) + (leaving ? " leaving" : "")
        + ", credits out " + ledger.outstanding()
        + ", chunks " + ledger.tasks();
  }

  /** Ends the current session for good; no reconnection (also for a node gone from the discovery's answer). */
  void close() {
    closed = true;
    if (session != null && session.channel() != null) {
      session.channel().close();
    }
  }

  // What a session needs from the node it belongs to.

  /** Connects {@code session}'s channel. */
  ChannelFuture dial(UpstreamSession session) {
    return bootstrap.clone().handler(UpstreamHandler.pipeline(session, counter, ssl, address)).connect(address);
  }

  /** The shared token, or null. */
  byte[] token() {
    return token;
  }

  /** What the node may claim at most. */
  RemoteOptions.Limits limits() {
    return limits;
  }

  /** The dataset identity required of the node, or null for any. */
  String expectedIdentity() {
    return expectedIdentity;
  }

  /** What OPEN sends, or null before the plan is known. */
  Opening opening() {
    return opening;
  }

  /** {@code session} got READY. */
  void ready(UpstreamSession session) {
    lastProblem = null;
    leaving = false;
    listener.ready(this);
  }

  /** {@code session} ended for {@code reason}: if it is the current one, the chunks go back to the dispatcher. */
  void ended(UpstreamSession session, String reason, boolean wasReady) {
    if (this.session != session) {
      return;
    }
    lastProblem = reason;
    listener.lost(this, ledger.unfinished(), reason, wasReady);
  }
}
