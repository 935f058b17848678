package dev.stoker.remote.client;

import dev.stoker.api.LoaderException;
import dev.stoker.api.SampleFailure;
import dev.stoker.pipeline.SuppliedSample;
import dev.stoker.remote.protocol.Message;
import dev.stoker.remote.protocol.Pipelines;
import dev.stoker.remote.protocol.Protocol;
import dev.stoker.remote.protocol.TokenAuth;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.handler.ssl.SslContext;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client's side of one node: connects, does the handshake of {@link Protocol} (HELLO,
 * WELCOME, AUTH, then OPEN and READY once the plan is known), sends it chunks and credits, and
 * routes its samples to their {@link EpochStream}s. Each connection attempt is a new
 * {@link Session}; when one ends, the {@link Listener} gets the chunks the node did not finish.
 * Everything but {@link #connect} and {@link #open} runs on the client's event loop.
 *
 * <p><b>Credits.</b> The node sends one SAMPLE or FAILED per credit, working through its chunks in
 * the order they were sent. {@link #topUp()} keeps its credits (granted minus frames received) at
 * exactly what it needs to reach the last position below a stream's frontier in that order: with
 * chunks sent in position order (the normal case) that is the number of requested positions it
 * holds; only after a failover, when a reassigned chunk queues behind later ones, does it include
 * the unrequested positions ahead of it, without which it could never get there.
 */
final class Upstream {
  /** What the dispatcher hears from a node. */
  interface Listener {
    /** The node finished its handshake and takes chunks. */
    void ready(Upstream node);

    /** The connection ended; {@code unfinished} are the chunks it still held, in the order sent. */
    void lost(Upstream node, List<ChunkTask> unfinished, String reason, boolean wasReady);
  }

  /** What OPEN sends and READY must confirm. */
  record Opening(String identity, String planJson, long sampleBytes) {}

  private static final Logger log = LoggerFactory.getLogger(Upstream.class);
  private static final String PROTOCOL_RECORDER = "stoker-client-protocol-recorder";

  private final InetSocketAddress address;
  private final String name;
  private final Bootstrap bootstrap;
  private final SslContext ssl;
  private final byte[] token;
  private final Duration handshakeTimeout;
  private final Listener listener;
  private final EventLoop loop;
  private final Map<Integer, ChunkTask> tasks = new LinkedHashMap<>();
  private Session session;
  private long outstanding;
  private long creditsGranted;
  private long chunksSent;
  private String lastProblem = "not connected yet";
  private volatile String expectedIdentity;
  private volatile Opening opening;
  private boolean closed;
  private final WireCounter counter;

  Upstream(InetSocketAddress address, Bootstrap bootstrap, SslContext ssl, byte[] token,
      Duration handshakeTimeout, Listener listener, WireCounter counter) {
    this.counter = counter;
    this.address = address;
    this.name = address.getHostString() + ":" + address.getPort();
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

  /** Why the last session ended or failed, or null while one is ready. */
  String lastProblem() {
    return lastProblem;
  }

  /** Refuse a node that serves another dataset than {@code identity} (null: any). */
  void expectIdentity(String identity) {
    this.expectedIdentity = identity;
  }

  /**
   * Starts a new session unless one is under way; completes with the node's WELCOME, or fails
   * with why not.
   */
  CompletableFuture<Message.Welcome> connect() {
    CompletableFuture<Message.Welcome> welcomed = new CompletableFuture<>();
    loop.execute(() -> {
      if (closed) {
        welcomed.completeExceptionally(new LoaderException("node " + name + ": the source is closed"));
        return;
      }
      if (!idle()) {
        welcomed.completeExceptionally(new LoaderException("node " + name + ": a connection attempt is under way"));
        return;
      }
      session = new Session();
      session.welcomed.whenComplete((w, e) -> {
        if (e != null) {
          welcomed.completeExceptionally(e);
        } else {
          welcomed.complete(w);
        }
      });
      session.start();
    });
    return welcomed;
  }

  /** Sends OPEN with {@code opening} (now, or after the next WELCOME); completes on READY. */
  CompletableFuture<Void> open(Opening opening) {
    this.opening = opening;
    CompletableFuture<Void> ready = new CompletableFuture<>();
    loop.execute(() -> {
      Session s = session;
      if (s == null || s.state == State.CLOSED) {
        ready.completeExceptionally(new LoaderException("node " + name + " " + lastProblem));
        return;
      }
      if (s.state == State.WELCOMED) {
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
    return session == null || session.state == State.CLOSED;
  }

  boolean isReady() {
    return session != null && session.state == State.READY;
  }

  /** Positions not received yet over every chunk it holds. */
  long work() {
    long work = 0;
    for (ChunkTask task : tasks.values()) {
      work += task.remaining();
    }
    return work;
  }

  /** Credits granted over the node's life (all sessions). */
  long creditsGranted() {
    return creditsGranted;
  }

  /** Chunks sent over the node's life (all sessions). */
  long chunksSent() {
    return chunksSent;
  }

  /** Sends {@code task} to the node (it must be ready) and the credits it needs. */
  void assign(ChunkTask task) {
    tasks.put(task.id, task);
    chunksSent++;
    session.channel.write(task.message());
    topUp();
  }

  /** The node's work on {@code task} is not wanted any more. */
  void cancel(ChunkTask task) {
    if (tasks.remove(task.id) != null && task.remaining() > 0 && isReady()) {
      session.channel.writeAndFlush(new Message.Cancel(task.id));
    }
  }

  /** Grants the credits the node needs to reach the last requested position it holds; flushes. */
  void topUp() {
    if (!isReady()) {
      return;
    }
    long needed = 0;
    long before = 0;
    for (ChunkTask task : tasks.values()) {
      int granted = task.granted();
      if (granted > 0) {
        needed = before + granted;
      }
      before += task.remaining();
    }
    long deficit = needed - outstanding;
    if (deficit > 0) {
      int credits = (int) Math.min(deficit, Integer.MAX_VALUE);
      outstanding += credits;
      creditsGranted += credits;
      session.channel.write(new Message.Credit(credits));
    }
    session.channel.flush();
  }

  /** Where the node stands, for diagnostics: its state, credits and chunks. */
  String state() {
    return name + " " + (session == null ? "no session" : session.state) + ", credits out " + outstanding + ", chunks "
        + tasks.values();
  }

  /** Ends the current session for good; no reconnection. */
  void close() {
    closed = true;
    if (session != null && session.channel != null) {
      session.channel.close();
    }
  }

  private enum State { CONNECTING, HELLO, WELCOMED, OPENING, READY, CLOSED }

  /** One connection attempt and, if it gets there, the ready connection. */
  private final class Session {
    final byte[] clientNonce = TokenAuth.nonce();
    final CompletableFuture<Message.Welcome> welcomed = new CompletableFuture<>();
    final CompletableFuture<Void> readied = new CompletableFuture<>();
    State state = State.CONNECTING;
    Channel channel;
    Message.Welcome welcome;
    String problem;
    ScheduledFuture<?> handshakeTimer;

    void start() {
      handshakeTimer = loop.schedule(() -> {
        if (state != State.READY && state != State.CLOSED && state != State.WELCOMED) {
          problem = "did not finish the handshake within " + handshakeTimeout.toMillis() + " ms";
          end();
        }
      }, handshakeTimeout.toNanos(), TimeUnit.NANOSECONDS);
      ChannelFuture connecting = bootstrap.clone().handler(new ChannelInitializer<Channel>() {
        @Override
        protected void initChannel(Channel ch) {
          ch.pipeline().addLast(counter);
          if (ssl != null) {
            ch.pipeline().addLast(ssl.newHandler(ch.alloc(), address.getHostString(), address.getPort()));
          }
          Pipelines.addCodec(ch.pipeline(), Protocol.DEFAULT_MAX_FRAME_BYTES);
          ch.pipeline().addBefore(Pipelines.PROTOCOL_ERRORS, PROTOCOL_RECORDER, new DecodeFailureRecorder(problem -> {
            if (Session.this.problem == null) {
              Session.this.problem = problem;
            }
          }));
          ch.pipeline().addLast(new Handler(Session.this));
        }
      }).connect(address);
      channel = connecting.channel();
      connecting.addListener((ChannelFutureListener) f -> {
        if (!f.isSuccess()) {
          problem = "cannot be reached: " + describe(f.cause());
          end();
        }
      });
    }

    void onMessage(Message message) {
      switch (message) {
        case Message.Error e -> fail(refusal(e));
        case Message.Welcome w when state == State.HELLO -> onWelcome(w);
        case Message.Ready r when state == State.OPENING -> onReady(r);
        case Message.Sample s when state == State.READY -> onSample(s);
        case Message.Failed f when state == State.READY -> onFailed(f);
        case Message.ChunkDone d when state == State.READY -> onChunkDone(d);
        default -> {
          ReferenceCountUtil.release(message);
          violation("sent " + message.getClass().getSimpleName() + " while " + state);
        }
      }
    }

    private void onWelcome(Message.Welcome w) {
      welcome = w;
      String expected = expectedIdentity;
      if (w.tokenRequired() && token == null) {
        fail("requires a token: give the node's token file (--token-file)");
      } else if (expected != null && !expected.equals(w.datasetIdentity())) {
        fail("serves dataset " + w.datasetIdentity() + ", but the client expects " + expected);
      } else {
        byte[] proof = token == null ? new byte[0] : TokenAuth.clientProof(token, w.nodeNonce(), clientNonce);
        channel.writeAndFlush(new Message.Auth(proof));
        state = State.WELCOMED;
        welcomed.complete(w);
        if (opening != null) {
          sendOpen();
        }
      }
    }

    void sendOpen() {
      Opening o = opening;
      state = State.OPENING;
      channel.writeAndFlush(new Message.Open(o.identity(), o.planJson()));
    }

    private void onReady(Message.Ready r) {
      Opening o = opening;
      if (token != null
          && !TokenAuth.verify(TokenAuth.nodeProof(token, clientNonce, welcome.nodeNonce()), r.nodeProof())) {
        fail("did not prove that it holds the token (a node without a token, or another token)");
      } else if (r.sampleBytes() != o.sampleBytes()) {
        fail("makes samples of " + r.sampleBytes() + " bytes, but this plan needs " + o.sampleBytes());
      } else {
        state = State.READY;
        handshakeTimer.cancel(false);
        outstanding = 0;
        lastProblem = null;
        readied.complete(null);
        listener.ready(Upstream.this);
      }
    }

    private void onSample(Message.Sample s) {
      ChunkTask task = received(s.chunkId());
      if (task == null) {
        s.release();
        return;
      }
      String wrong = check(task, s.position(), s.index());
      if (wrong == null && s.pixels().readableBytes() != opening.sampleBytes()) {
        wrong = "a sample of " + s.pixels().readableBytes() + " bytes, not " + opening.sampleBytes();
      }
      if (wrong != null) {
        s.release();
        violation(wrong);
        return;
      }
      SuppliedSample ok = new SuppliedSample.Ok(s.index(), s.label(), MemorySegment.ofBuffer(s.pixels().nioBuffer()),
          s.boxes(), s.boxLabels(), s.boxLabels().length, new ReleaseOnce(s));
      task.stream.accept(task, task.start + s.position(), ok);
      topUp();
    }

    private void onFailed(Message.Failed f) {
      ChunkTask task = received(f.chunkId());
      if (task == null) {
        return;
      }
      String wrong = check(task, f.position(), f.index());
      if (wrong != null) {
        violation(wrong);
        return;
      }
      SampleFailure failure = new SampleFailure(task.stream.epoch(), f.index(), f.source(),
          new LoaderException(f.error() + " (on node " + name + ")"));
      task.stream.accept(task, task.start + f.position(), new SuppliedSample.Failed(failure));
      topUp();
    }

    /** Counts the credit the frame used; the chunk it belongs to, or null if cancelled. */
    private ChunkTask received(int chunkId) {
      if (outstanding <= 0) {
        violation("sent more samples than it was granted credits");
        return null;
      }
      outstanding--;
      ChunkTask task = tasks.get(chunkId);
      if (task == null) {
        topUp(); // a cancelled chunk's sample: its credit is spent, the node may need another
      }
      return task;
    }

    private String check(ChunkTask task, int position, int index) {
      long at = (long) task.start + position;
      if (position < 0 || at != task.next) {
        return "position " + position + " of chunk " + task.id + " out of order (expected "
            + (task.next - task.start) + ")";
      }
      int expected = task.stream.order()[(int) at];
      return index == expected ? null : "index " + index + " at position " + position + " of chunk " + task.id
          + ", which holds index " + expected;
    }

    private void onChunkDone(Message.ChunkDone d) {
      ChunkTask task = tasks.remove(d.chunkId());
      if (task == null) {
        return; // cancelled
      }
      if (task.remaining() > 0) {
        violation("reported chunk " + task.id + " done with " + task.remaining() + " positions not sent");
        return;
      }
      task.stream.done(task);
    }

    private void violation(String reason) {
      if (state == State.CLOSED) {
        return;
      }
      problem = "broke the protocol: " + reason;
      log.warn("node {} {}; closing the connection", name, problem);
      channel.writeAndFlush(new Message.Error(Message.Error.PROTOCOL, reason)).addListener(ChannelFutureListener.CLOSE);
    }

    private void fail(String reason) {
      if (problem == null) {
        problem = reason;
      }
      channel.close();
    }

    /** The connection is over: tells whoever waits, and hands back the unfinished chunks. */
    void end() {
      if (state == State.CLOSED) {
        return;
      }
      boolean wasReady = state == State.READY;
      state = State.CLOSED;
      handshakeTimer.cancel(false);
      if (channel != null) {
        channel.close();
      }
      String reason = problem != null ? problem : wasReady ? "closed the connection" : "closed the connection during the handshake";
      LoaderException error = new LoaderException("node " + name + " " + reason);
      welcomed.completeExceptionally(error);
      readied.completeExceptionally(error);
      if (session != this) {
        return;
      }
      lastProblem = reason;
      List<ChunkTask> unfinished = new ArrayList<>(tasks.values());
      tasks.clear();
      outstanding = 0;
      listener.lost(Upstream.this, unfinished, reason, wasReady);
    }
  }

  /** Why a node refused, in words, from its ERROR. */
  private static String refusal(Message.Error e) {
    String says = "(node says: " + e.message() + ")";
    return switch (e.code()) {
      case Message.Error.AUTH -> "refused the token " + says;
      case Message.Error.VERSION -> "speaks another protocol version " + says;
      case Message.Error.DATASET -> "serves another dataset " + says;
      case Message.Error.PLAN -> "cannot apply the plan " + says;
      case Message.Error.PROTOCOL -> "reports a protocol error " + says;
      default -> "failed " + says;
    };
  }

  private static String describe(Throwable t) {
    return t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
  }

  /** Receives the session's messages and its end. */
  private static final class Handler extends ChannelInboundHandlerAdapter {
    private final Session session;

    Handler(Session session) {
      this.session = session;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      session.state = State.HELLO;
      ctx.writeAndFlush(new Message.Hello(Protocol.VERSION, session.clientNonce));
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (session.state == State.CLOSED || !(msg instanceof Message message)) {
        ReferenceCountUtil.release(msg);
        return;
      }
      session.onMessage(message);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      session.end();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      if (session.problem == null) {
        session.problem = "failed: " + describe(cause);
      }
      ctx.close();
    }
  }
}
