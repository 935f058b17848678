package dev.stoker.remote.protocol;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends a connection whose peer broke the protocol: on a {@link DecoderException} (which includes
 * {@link ProtocolException} and Netty's {@code TooLongFrameException}) it logs one line with the
 * peer and the reason, stops reading, sends {@code Error(code, reason)} as best it can and closes
 * the channel. Messages decoded after the violation are dropped, so the handlers behind it never
 * see them. Other exceptions go on down the pipeline.
 *
 * <p>Each connection has its own instance; other connections are untouched.
 */
final class ProtocolErrorHandler extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(ProtocolErrorHandler.class);

  private boolean failed;

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (failed) {
      ReferenceCountUtil.release(msg);
    } else {
      ctx.fireChannelRead(msg);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (!(cause instanceof DecoderException)) {
      ctx.fireExceptionCaught(cause);
      return;
    }
    if (failed) {
      log.debug("Further protocol error from {} after the first: {}", ctx.channel().remoteAddress(),
          reason(cause));
      return;
    }
    failed = true;
    String reason = reason(cause);
    int code = cause instanceof ProtocolException pe ? pe.code() : Message.Error.PROTOCOL;
    log.warn("Protocol error from {}, closing: {}", ctx.channel().remoteAddress(), reason);
    if (!ctx.channel().isActive()) { // closed already (e.g. inside a frame): nothing to stop or answer
      ctx.close();
      return;
    }
    ctx.channel().config().setAutoRead(false); // on a closed NIO channel this throws: only while active
    ctx.writeAndFlush(new Message.Error(code, reason)).addListener(ChannelFutureListener.CLOSE);
    ctx.executor().schedule(() -> ctx.close(), Protocol.CLOSE_GRACE_MILLIS, TimeUnit.MILLISECONDS);
  }

  private static String reason(Throwable cause) {
    Throwable shown = cause;
    while (shown.getMessage() == null && shown.getCause() != null) {
      shown = shown.getCause();
    }
    return shown.getMessage() != null ? shown.getMessage() : shown.getClass().getSimpleName();
  }
}
