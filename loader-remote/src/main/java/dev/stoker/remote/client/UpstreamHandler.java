package dev.stoker.remote.client;

import dev.stoker.remote.protocol.Message;
import dev.stoker.remote.protocol.Pipelines;
import dev.stoker.remote.protocol.Protocol;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.ssl.SslContext;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;

/**
 * The Netty end of an {@link UpstreamSession}: the client's pipeline (byte counter, optional TLS,
 * the wire codec, a {@link DecodeFailureRecorder}, then this handler), which hands the session its
 * messages, its exceptions and the channel's end.
 */
final class UpstreamHandler extends ChannelInboundHandlerAdapter {
  private static final String PROTOCOL_RECORDER = "stoker-client-protocol-recorder";

  private final UpstreamSession session;

  private UpstreamHandler(UpstreamSession session) {
    this.session = session;
  }

  /** The pipeline of {@code session}'s channel to the node at {@code address}; {@code ssl} may be null. */
  static ChannelInitializer<Channel> pipeline(UpstreamSession session, WireCounter counter, SslContext ssl,
      InetSocketAddress address) {
    return new ChannelInitializer<>() {
      @Override
      protected void initChannel(Channel ch) {
        counter.install(ch.pipeline());
        if (ssl != null) {
          ch.pipeline().addLast(ssl.newHandler(ch.alloc(), address.getHostString(), address.getPort()));
        }
        Pipelines.addCodec(ch.pipeline(), Protocol.DEFAULT_MAX_FRAME_BYTES);
        ch.pipeline().addBefore(Pipelines.PROTOCOL_ERRORS, PROTOCOL_RECORDER,
            new DecodeFailureRecorder(session::noteProblem));
        ch.pipeline().addLast(new UpstreamHandler(session));
      }
    };
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    session.onActive(ctx);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (session.state() == UpstreamSession.State.CLOSED || !(msg instanceof Message message)) {
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
    session.noteProblem("failed: " + UpstreamSession.describe(cause));
    ctx.close();
  }
}
