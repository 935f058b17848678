package dev.stoker.remote.node;

import dev.stoker.pipeline.SampleMaker;
import dev.stoker.remote.protocol.Message.Auth;
import dev.stoker.remote.protocol.Message.Cancel;
import dev.stoker.remote.protocol.Message.Chunk;
import dev.stoker.remote.protocol.Message.Credit;
import dev.stoker.remote.protocol.Message.Dataset;
import dev.stoker.remote.protocol.Message.Error;
import dev.stoker.remote.protocol.Message.Hello;
import dev.stoker.remote.protocol.Message.Open;
import dev.stoker.remote.protocol.Message.Ready;
import dev.stoker.remote.protocol.Message.Welcome;
import dev.stoker.remote.protocol.Message;
import dev.stoker.remote.protocol.Pipelines;
import dev.stoker.remote.protocol.Protocol;
import dev.stoker.remote.protocol.ProtocolException;
import dev.stoker.remote.protocol.TokenAuth;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's end of one connection: the handshake of {@link Protocol} (HELLO → WELCOME, AUTH →
 * DATASET, OPEN → READY; nothing about the dataset before the token proof checks out), then the chunks, credits and cancels, which it hands to a {@link NodeSession}.
 *
 * <p>Every violation (a message out of order, another version, a wrong or missing token, another
 * dataset, a plan that cannot be applied, an index outside the dataset) is logged with the peer,
 * answered with one ERROR frame of the matching code, and the connection is closed; the node and
 * its other connections go on.
 *
 * <p><b>Before READY</b> a connection is bounded three ways ({@link DataNodeConfig.Limits}): at most
 * {@code maxPreAuthConnections} connections are in the handshake at once (one more is answered
 * ERROR(PROTOCOL) and closed at once), each must reach READY within {@code preAuthTimeout}, and its
 * frames may be at most {@link Protocol#MAX_HANDSHAKE_FRAME_BYTES} until AUTH succeeded, then at
 * most what OPEN needs ({@code maxPlanBytes}); after READY, at most what a CHUNK of
 * {@code maxChunkIndices} needs. The codec refuses a longer frame from its length prefix, before
 * buffering it. The per-connection limits after READY are {@link NodeSession}'s.
 *
 * <p>A client that stops reading is closed: if the
 * connection stays unwritable (samples are waiting in its outbound buffer) for
 * {@link #STALL_TIMEOUT_SECONDS}, it is closed with a logged reason. A client that merely grants no
 * credits (a paused trainer) has nothing waiting and is never closed for it.
 *
 * <p><b>Draining.</b> When the node drains ({@link DataNode#drain}), {@link #drain} is called on
 * each connection's event loop: a READY connection gets LEAVING and closes once its chunks are done
 * (see {@link NodeSession}); a connection still in the handshake, or one that becomes active while
 * the node drains, is closed at once (its client connects to another node).
 */
final class NodeHandler extends SimpleChannelInboundHandler<Message> {
  static final long STALL_TIMEOUT_SECONDS = 60;

  private static final Logger log = LoggerFactory.getLogger(NodeHandler.class);
  private static final byte[] NO_PROOF = new byte[0];

  private enum State { HELLO, AUTH, OPEN, READY, CLOSING }

  private final NodeContext node;
  private final byte[] nodeNonce = TokenAuth.nonce();
  private State state = State.HELLO;
  private byte[] clientNonce;
  private NodeSession session;
  private ScheduledFuture<?> handshakeTimeout;
  /** Whether this connection holds one of the node's handshake places. */
  private boolean inHandshake;
  private ScheduledFuture<?> stallCheck;

  NodeHandler(NodeContext node) {
    super(Message.class); // releases every message after channelRead0, a stray SAMPLE included
    this.node = node;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    ctx.fireChannelActive();
    if (node.stats().draining) {
      log.debug("peer {}: the node is draining, closing", peer(ctx));
      close(ctx);
      return;
    }
    if (!node.admit()) {
      fail(ctx, Error.PROTOCOL, "the node has " + node.limits().maxPreAuthConnections()
          + " connections in the handshake already, try again later");
      return;
    }
    inHandshake = true;
    long timeout = node.limits().preAuthTimeout().toMillis();
    handshakeTimeout = ctx.executor().schedule(() -> {
      if (state != State.READY && state != State.CLOSING) {
        fail(ctx, Error.PROTOCOL, "no complete handshake within " + timeout + " ms");
      }
    }, timeout, TimeUnit.MILLISECONDS);
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, Message message) {
    if (state == State.CLOSING) {
      return;
    }
    if (message instanceof Error error) {
      log.info("peer {} ended the connection: error {}: {}", peer(ctx), error.code(), error.message());
      close(ctx);
      return;
    }
    try {
      switch (state) {
        case HELLO -> hello(ctx, expect(message, Hello.class));
        case AUTH -> auth(ctx, expect(message, Auth.class));
        case OPEN -> open(ctx, expect(message, Open.class));
        case READY -> work(message);
        case CLOSING -> { }
      }
    } catch (ProtocolException e) {
      fail(ctx, e.code(), e.getMessage());
    }
  }

  private void hello(ChannelHandlerContext ctx, Hello hello) {
    if (hello.version() != Protocol.VERSION) {
      throw new ProtocolException(Error.VERSION, "peer speaks protocol version " + hello.version()
          + ", this node speaks " + Protocol.VERSION);
    }
    clientNonce = hello.clientNonce();
    ctx.writeAndFlush(new Welcome(Protocol.VERSION, nodeNonce, node.token() != null)); // nothing about the dataset
    state = State.AUTH;
  }

  private void auth(ChannelHandlerContext ctx, Auth auth) {
    if (node.token() != null) {
      if (auth.proof().length == 0) {
        log.warn("peer {}: no token", peer(ctx));
        node.stats().meters.authFailures.increment();
        throw new ProtocolException(Error.AUTH, "this node requires a token");
      }
      if (!TokenAuth.verify(TokenAuth.clientProof(node.token(), nodeNonce, clientNonce), auth.proof())) {
        log.warn("peer {}: wrong token", peer(ctx));
        node.stats().meters.authFailures.increment();
        throw new ProtocolException(Error.AUTH, "wrong token");
      }
    }
    byte[] proof = node.token() != null ? TokenAuth.nodeProof(node.token(), clientNonce, nodeNonce) : NO_PROOF;
    var source = node.source();
    ctx.writeAndFlush(new Dataset(proof, node.identity(), source.size(), source.classes(), source.hasBoxes(),
        source.hasBoxes() ? source.maxBoxCount() : 0));
    state = State.OPEN;
    Pipelines.limitInbound(ctx.pipeline(), node.limits().openFrameBytes());
  }

  private void open(ChannelHandlerContext ctx, Open open) {
    if (!open.datasetIdentity().isEmpty() && !open.datasetIdentity().equals(node.identity())) {
      throw new ProtocolException(Error.DATASET, "node serves " + node.identity() + ", client expects "
          + open.datasetIdentity());
    }
    long planBytes = utf8Bytes(open.planJson());
    if (planBytes > node.limits().maxPlanBytes()) {
      throw new ProtocolException(Error.PLAN, "the plan has " + planBytes + " bytes, more than this node's limit of "
          + node.limits().maxPlanBytes());
    }
    SampleMaker maker;
    try {
      maker = node.makers().maker(open.planJson());
    } catch (IllegalArgumentException e) {
      throw new ProtocolException(Error.PLAN, e.getMessage());
    }
    long frameBytes = maker.sampleBytes() + 64L + 20L * maker.boxCapacity();
    if (frameBytes > node.maxFrameBytes()) {
      throw new ProtocolException(Error.PLAN, "a sample of " + maker.sampleBytes() + " pixel bytes and "
          + maker.boxCapacity() + " boxes does not fit the node's frame limit of " + node.maxFrameBytes() + " bytes");
    }
    int encoding = node.chooseEncoding(open.compressions());
    session = new NodeSession(ctx, maker, node, encoding);
    state = State.READY;
    handshakeTimeout.cancel(false);
    leaveHandshake();
    Pipelines.limitInbound(ctx.pipeline(), node.limits().chunkFrameBytes());
    ctx.writeAndFlush(new Ready(maker.sampleBytes(), maker.boxCapacity(), encoding));
  }

  private void work(Message message) {
    switch (message) {
      case Chunk chunk -> {
        node.stats().meters.chunks.increment();
        session.chunk(chunk);
      }
      case Credit credit -> session.credit(credit.credits());
      case Cancel cancel -> session.cancel(cancel.chunkId());
      default -> throw new ProtocolException("unexpected " + name(message) + " from a client after READY");
    }
  }

  /**
   * The node drains: LEAVING to a READY connection, which closes once its chunks are done; a
   * connection in the handshake is closed at once. Call on the channel's event loop.
   *
   * @param ctx this handler's context
   * @param graceMillis what LEAVING says: the time left before the node closes every connection
   */
  void drain(ChannelHandlerContext ctx, int graceMillis) {
    switch (state) {
      case READY -> session.leave(graceMillis);
      case CLOSING -> { }
      default -> {
        log.debug("peer {}: still in the handshake while the node drains, closing", peer(ctx));
        close(ctx);
      }
    }
  }

  private <T extends Message> T expect(Message message, Class<T> type) {
    if (!type.isInstance(message)) {
      throw new ProtocolException("expected " + type.getSimpleName().toUpperCase() + ", got " + name(message));
    }
    return type.cast(message);
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (ctx.channel().isWritable()) {
      if (stallCheck != null) {
        stallCheck.cancel(false);
        stallCheck = null;
      }
      if (session != null) {
        session.writabilityChanged();
      }
    } else if (stallCheck == null) {
      stallCheck = ctx.executor().schedule(() -> {
        stallCheck = null;
        if (!ctx.channel().isWritable() && state != State.CLOSING) {
          log.warn("peer {}: has not read its samples for {} s, closing", peer(ctx), STALL_TIMEOUT_SECONDS);
          close(ctx);
        }
      }, STALL_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    state = State.CLOSING;
    if (handshakeTimeout != null) {
      handshakeTimeout.cancel(false);
    }
    leaveHandshake();
    if (stallCheck != null) {
      stallCheck.cancel(false);
    }
    if (session != null) {
      session.close();
    }
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    log.warn("peer {}: {}, closing", peer(ctx), cause.toString());
    close(ctx);
  }

  /** Logs, sends {@code Error(code, reason)}, closes. */
  private void fail(ChannelHandlerContext ctx, int code, String reason) {
    log.warn("peer {}: refused ({}): {}", peer(ctx), code, reason);
    if (state != State.READY) {
      node.stats().refused.incrementAndGet();
    }
    stop(ctx);
    if (!ctx.channel().isActive()) {
      ctx.close();
      return;
    }
    ctx.writeAndFlush(new Error(code, reason)).addListener(ChannelFutureListener.CLOSE);
    ctx.executor().schedule(() -> ctx.close(), Protocol.CLOSE_GRACE_MILLIS, TimeUnit.MILLISECONDS);
  }

  private void close(ChannelHandlerContext ctx) {
    stop(ctx);
    ctx.close();
  }

  /** Stops reading and drops the connection's work. */
  private void stop(ChannelHandlerContext ctx) {
    state = State.CLOSING;
    if (ctx.channel().isActive()) { // a closed NIO channel throws when auto-read is switched off
      ctx.channel().config().setAutoRead(false);
    }
    if (session != null) {
      session.close();
    }
  }

  private void leaveHandshake() {
    if (inHandshake) {
      inHandshake = false;
      node.leaveHandshake();
    }
  }

  /** The UTF-8 length of {@code text}, without encoding it. */
  static long utf8Bytes(String text) {
    long bytes = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : Character.isSurrogate(c) ? 2 : 3;
    }
    return bytes;
  }

  private static String name(Message message) {
    return message.getClass().getSimpleName().toUpperCase();
  }

  private static Object peer(ChannelHandlerContext ctx) {
    return ctx.channel().remoteAddress();
  }
}
