package dev.stoker.remote.client;

import dev.stoker.api.LoaderException;
import dev.stoker.api.SampleFailure;
import dev.stoker.pipeline.ProcessedSample;
import dev.stoker.pipeline.SampleResult;
import dev.stoker.remote.protocol.Message;
import dev.stoker.remote.protocol.Pipelines;
import dev.stoker.remote.protocol.PeerText;
import dev.stoker.remote.protocol.Protocol;
import dev.stoker.remote.protocol.TokenAuth;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection attempt of an {@link Upstream} and, if it gets there, the ready connection: the
 * client's half of the handshake of {@link Protocol} (HELLO, WELCOME, AUTH, DATASET, then OPEN
 * and READY once the plan is known), then the SAMPLE, FAILED and CHUNK_DONE frames, checked against the
 * {@link CreditLedger} and {@link FrameRules} and routed to their {@link EpochStream}s. Anything
 * out of order, and any field outside what the client asked for or allows, is a protocol
 * violation: one log line naming the node and the field, ERROR, then close; every later frame is
 * released unread, and the chunks the node held go to the other nodes. Text from the node (ERROR,
 * FAILED) goes through {@link PeerText} before it reaches a log or an exception. When the
 * connection ends, {@link Upstream} gets the reason. Confined to the client's event loop.
 */
final class UpstreamSession {
  /** Where the handshake stands. */
  enum State { CONNECTING, HELLO, AUTH, WELCOMED, OPENING, READY, CLOSED }

  private static final Logger log = LoggerFactory.getLogger(UpstreamSession.class);
  /** Class names longer than this are cut (they only label things for people). */
  private static final int MAX_CLASS_NAME_CHARS = 1024;

  private final Upstream upstream;
  private final CreditLedger ledger;
  private final EventLoop loop;
  private final Duration handshakeTimeout;
  private final byte[] clientNonce = TokenAuth.nonce();
  /** Completes with the node's DATASET, once its proof checked out. */
  final CompletableFuture<Message.Dataset> welcomed = new CompletableFuture<>();
  final CompletableFuture<Void> readied = new CompletableFuture<>();
  private State state = State.CONNECTING;
  private Channel channel;
  private byte[] nodeNonce;
  private Message.Dataset dataset;
  private String problem;
  private boolean dropping;
  private int maxBoxes;
  /** The encoding READY chose besides raw ({@link Protocol#ENCODING_RAW}: none). */
  private int compression = Protocol.ENCODING_RAW;
  /** Decodes compressed samples; null unless READY chose a compression. */
  private PixelDecoder decoder;
  private ScheduledFuture<?> handshakeTimer;

  UpstreamSession(Upstream upstream, CreditLedger ledger, EventLoop loop, Duration handshakeTimeout) {
    this.upstream = upstream;
    this.ledger = ledger;
    this.loop = loop;
    this.handshakeTimeout = handshakeTimeout;
  }

  State state() {
    return state;
  }

  /** The channel, once connecting has started. */
  Channel channel() {
    return channel;
  }

  /** Starts the handshake timer and connects. */
  void start() {
    handshakeTimer = loop.schedule(() -> {
      if (state != State.READY && state != State.CLOSED && state != State.WELCOMED) {
        problem = "did not finish the handshake within " + handshakeTimeout.toMillis() + " ms";
        end();
      }
    }, handshakeTimeout.toNanos(), TimeUnit.NANOSECONDS);
    ChannelFuture connecting = upstream.dial(this);
    channel = connecting.channel();
    connecting.addListener((ChannelFutureListener) f -> {
      if (!f.isSuccess()) {
        problem = "cannot be reached: " + describe(f.cause());
        end();
      }
    });
  }

  /** The connection is up: says HELLO. */
  void onActive(ChannelHandlerContext ctx) {
    state = State.HELLO;
    ctx.writeAndFlush(new Message.Hello(Protocol.VERSION, clientNonce));
  }

  /** Remembers why the connection is about to end, unless a reason is known already. */
  void noteProblem(String why) {
    if (problem == null) {
      problem = why;
    }
  }

  void onMessage(Message message) {
    if (dropping) { // the node broke a rule: nothing it sends counts any more
      ReferenceCountUtil.release(message);
      return;
    }
    switch (message) {
      case Message.Error e -> fail(refusal(e));
      case Message.Welcome w when state == State.HELLO -> onWelcome(w);
      case Message.Dataset d when state == State.AUTH -> onDataset(d);
      case Message.Ready r when state == State.OPENING -> onReady(r);
      case Message.Sample s when state == State.READY -> onSample(s);
      case Message.Failed f when state == State.READY -> onFailed(f);
      case Message.ChunkDone d when state == State.READY -> onChunkDone(d);
      case Message.Leaving l when state == State.READY -> upstream.leaving(this, l.graceMillis());
      default -> {
        ReferenceCountUtil.release(message);
        violation("sent " + message.getClass().getSimpleName() + " while " + state);
      }
    }
  }

  /** Says whether a token is needed: answers with the proof (AUTH), or hangs up without one. */
  private void onWelcome(Message.Welcome w) {
    byte[] token = upstream.token();
    if (w.tokenRequired() && token == null) {
      fail("requires a token: give the node's token file (--token-file)");
      return;
    }
    nodeNonce = w.nodeNonce();
    byte[] proof = token == null ? new byte[0] : TokenAuth.clientProof(token, nodeNonce, clientNonce);
    channel.writeAndFlush(new Message.Auth(proof));
    state = State.AUTH;
  }

  /**
   * The node accepted AUTH: checks its proof before anything else it says, then the dataset's
   * fields against the client's limits and expectation.
   */
  private void onDataset(Message.Dataset d) {
    byte[] token = upstream.token();
    if (token != null && !TokenAuth.verify(TokenAuth.nodeProof(token, clientNonce, nodeNonce), d.nodeProof())) {
      fail("did not prove that it holds the token (a node without a token, or another token)");
      return;
    }
    String wrong = FrameRules.dataset("DATASET", d.datasetIdentity(), d.datasetSize(), d.classes().size(),
        d.hasBoxes(), d.maxBoxCount(), upstream.limits());
    if (wrong != null) {
      violation(wrong);
      return;
    }
    String expected = upstream.expectedIdentity();
    if (expected != null && !expected.equals(d.datasetIdentity())) {
      upstream.refuse(d.datasetIdentity()); // never used: not reconnected either
      fail("serves dataset " + d.datasetIdentity() + ", but the client expects " + expected);
      return;
    }
    dataset = new Message.Dataset(d.nodeProof(), d.datasetIdentity(), d.datasetSize(),
        d.classes().stream().map(c -> PeerText.clean(c, MAX_CLASS_NAME_CHARS)).toList(), d.hasBoxes(),
        d.maxBoxCount());
    state = State.WELCOMED;
    welcomed.complete(dataset);
    if (upstream.opening() != null) {
      sendOpen();
    }
  }

  /** Sends OPEN with the upstream's opening; call once WELCOMED. */
  void sendOpen() {
    Upstream.Opening o = upstream.opening();
    state = State.OPENING;
    channel.writeAndFlush(new Message.Open(o.identity(), o.planJson(), o.compressions()));
  }

  private void onReady(Message.Ready r) {
    Upstream.Opening o = upstream.opening();
    int datasetBoxes = dataset.hasBoxes() ? dataset.maxBoxCount() : 0;
    if (r.sampleBytes() != o.sampleBytes()) {
      fail("makes samples of " + r.sampleBytes() + " bytes, but this plan needs " + o.sampleBytes());
    } else if (r.maxBoxes() > datasetBoxes) {
      violation("READY.maxBoxes " + r.maxBoxes() + " is more than the dataset's maxBoxCount " + datasetBoxes);
    } else if (r.compression() != Protocol.ENCODING_RAW && (o.compressions() & (1 << r.compression())) == 0) {
      violation("READY.compression " + r.compression() + " was not offered (OPEN.compressions " + o.compressions() + ")");
    } else {
      maxBoxes = r.maxBoxes();
      compression = r.compression();
      if (compression == Protocol.ENCODING_ZSTD) {
        decoder = new PixelDecoder();
      }
      // from now on a frame is a SAMPLE of the size asked for, or a short FAILED/CHUNK_DONE/ERROR:
      // anything longer is refused from its length prefix, before it is buffered
      Pipelines.limitInbound(channel.pipeline(), readyFrameLimit(o.sampleBytes(), maxBoxes));
      state = State.READY;
      handshakeTimer.cancel(false);
      ledger.resetCredits();
      readied.complete(null);
      upstream.ready(this);
    }
  }

  /** Smallest inbound frame limit after READY: room for FAILED texts (source names, errors). */
  static final int MIN_READY_FRAME_BYTES = 64 << 10;

  /**
   * The inbound frame limit once READY: a SAMPLE of {@code sampleBytes} pixel bytes with up to
   * {@code maxBoxes} boxes (16 bytes each) and their labels (4 bytes each), plus its header, and never
   * less than {@link #MIN_READY_FRAME_BYTES} nor more than the codec's default limit.
   */
  static int readyFrameLimit(long sampleBytes, int maxBoxes) {
    long sample = sampleBytes + 64L + 20L * maxBoxes;
    return (int) Math.min(Protocol.DEFAULT_MAX_FRAME_BYTES, Math.max(sample, MIN_READY_FRAME_BYTES));
  }

  private void onSample(Message.Sample s) {
    ChunkTask task = received(s.chunkId());
    if (task == null) {
      s.release();
      return;
    }
    String wrong = CreditLedger.misplaced(task, "SAMPLE", s.position(), s.index());
    if (wrong == null) {
      wrong = FrameRules.sample(s, upstream.opening().sampleBytes(), dataset.classes().size(), maxBoxes, compression);
    }
    if (wrong == null && s.encoding() != Protocol.ENCODING_RAW) {
      Message.Sample decoded = decode(s);
      if (decoded == null) {
        return; // s released, violation reported
      }
      s = decoded;
    }
    if (wrong != null) {
      s.release();
      violation(wrong);
      return;
    }
    SampleResult ok = new ProcessedSample(task.stream.epoch(), s.index(), s.label(), MemorySegment.ofBuffer(s.pixels().nioBuffer()),
        s.boxes(), s.boxLabels(), s.boxLabels().length, new ReleaseOnce(s));
    task.stream.accept(task, task.start + s.position(), ok);
    upstream.topUp();
  }

  /**
   * {@code s} with its pixels decompressed into a new buffer of exactly {@code sampleBytes} (the
   * frame's header checked before it is allocated); {@code s} is released either way. Null after a
   * violation.
   */
  private Message.Sample decode(Message.Sample s) {
    int sampleBytes = (int) upstream.opening().sampleBytes();
    String wrong = decoder.check(s.pixels(), sampleBytes);
    ByteBuf pixels = null;
    if (wrong == null) {
      pixels = channel.alloc().directBuffer(sampleBytes, sampleBytes);
      wrong = decoder.decode(s.pixels(), pixels, channel.alloc());
    }
    s.release();
    if (wrong != null) {
      if (pixels != null) {
        pixels.release();
      }
      violation(wrong);
      return null;
    }
    return new Message.Sample(s.chunkId(), s.position(), s.index(), s.label(), s.keptBoxes(), s.boxes(),
        s.boxLabels(), Protocol.ENCODING_RAW, pixels);
  }

  private void onFailed(Message.Failed f) {
    ChunkTask task = received(f.chunkId());
    if (task == null) {
      return;
    }
    String wrong = CreditLedger.misplaced(task, "FAILED", f.position(), f.index());
    if (wrong != null) {
      violation(wrong);
      return;
    }
    SampleFailure failure = new SampleFailure(task.stream.epoch(), f.index(), PeerText.clean(f.source()),
        new LoaderException(PeerText.clean(f.error()) + " (on node " + upstream.name() + ")"));
    task.stream.accept(task, task.start + f.position(), new SampleResult.Failed(failure));
    upstream.topUp();
  }

  /** Counts the credit the frame used; the chunk it belongs to, or null if cancelled. */
  private ChunkTask received(int chunkId) {
    if (!ledger.spend()) {
      violation("sent more samples than it was granted credits");
      return null;
    }
    ChunkTask task = ledger.task(chunkId);
    if (task == null) {
      upstream.topUp(); // a cancelled chunk's sample: its credit is spent, the node may need another
    }
    return task;
  }

  private void onChunkDone(Message.ChunkDone d) {
    ChunkTask task = ledger.task(d.chunkId());
    if (task == null) {
      upstream.closeIfLeft(this); // cancelled: a leaving node may hold nothing now
      return;
    }
    if (task.remaining() > 0) { // the chunk stays in the ledger: it goes to another node with the rest
      violation("CHUNK_DONE for chunk " + task.id + " with " + task.remaining() + " positions not sent");
      return;
    }
    ledger.done(d.chunkId());
    task.stream.done(task);
    upstream.closeIfLeft(this);
  }

  /**
   * The node said LEAVING and holds no chunk: closes the connection for {@code reason}, which the
   * lost path logs at INFO (a leaving node is not a failure).
   */
  void leave(String reason) {
    if (state != State.READY || dropping) {
      return;
    }
    noteProblem(reason);
    channel.close();
  }

  private void violation(String reason) {
    if (state == State.CLOSED || dropping) {
      return;
    }
    dropping = true;
    problem = "broke the protocol: " + reason;
    log.warn("node {} {}; dropping it", upstream.name(), problem);
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
    if (decoder != null) {
      decoder.close();
    }
    if (channel != null) {
      channel.close();
    }
    String reason = problem != null ? problem : wasReady ? "closed the connection" : "closed the connection during the handshake";
    LoaderException error = new LoaderException("node " + upstream.name() + " " + reason);
    welcomed.completeExceptionally(error);
    readied.completeExceptionally(error);
    upstream.ended(this, reason, wasReady);
  }

  /** Why a node refused, in words, from its ERROR. */
  private static String refusal(Message.Error e) {
    String says = "(node says: " + PeerText.clean(e.message()) + ")";
    return switch (e.code()) {
      case Message.Error.AUTH -> "refused the token " + says;
      case Message.Error.VERSION -> "speaks another protocol version " + says;
      case Message.Error.DATASET -> "serves another dataset " + says;
      case Message.Error.PLAN -> "cannot apply the plan " + says;
      case Message.Error.PROTOCOL -> "reports a protocol error " + says;
      default -> "failed " + says;
    };
  }

  static String describe(Throwable t) {
    return t.getMessage() != null ? PeerText.clean(t.getMessage()) : t.getClass().getSimpleName();
  }
}
