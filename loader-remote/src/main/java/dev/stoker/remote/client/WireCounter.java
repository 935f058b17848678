package dev.stoker.remote.client;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.concurrent.atomic.LongAdder;

/** Counts the bytes that arrive on every connection it is installed in (first, so TLS records count whole). */
@ChannelHandler.Sharable
final class WireCounter extends ChannelInboundHandlerAdapter {
  private final LongAdder bytes = new LongAdder();

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof ByteBuf buf) {
      bytes.add(buf.readableBytes());
    }
    ctx.fireChannelRead(msg);
  }

  /** Bytes received so far. */
  long bytes() {
    return bytes.sum();
  }
}
