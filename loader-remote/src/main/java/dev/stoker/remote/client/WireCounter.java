package dev.stoker.remote.client;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.traffic.GlobalTrafficShapingHandler;
import java.util.concurrent.atomic.LongAdder;

/**
 * What every connection of a {@link RemoteSource} shares at the wire's end of its pipeline: this
 * counter of the bytes that arrive (first, so TLS records count whole) and, with a send limit
 * ({@code WireOptions.sendBytesPerSecond}), the traffic shaper that caps the bytes sent over all
 * connections together.
 */
@ChannelHandler.Sharable
final class WireCounter extends ChannelInboundHandlerAdapter {
  private final LongAdder bytes = new LongAdder();
  private final GlobalTrafficShapingHandler shaper;

  /** A counter without a send limit. */
  WireCounter() {
    this(null);
  }

  /** A counter, and {@code shaper} (null: no send limit) installed beside it. */
  WireCounter(GlobalTrafficShapingHandler shaper) {
    this.shaper = shaper;
  }

  /** Appends this counter, then the send limit if any, to a new channel's pipeline. */
  void install(ChannelPipeline pipeline) {
    pipeline.addLast(this);
    if (shaper != null) {
      pipeline.addLast(shaper);
    }
  }

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

  /** Stops the send limit's counter. */
  void close() {
    if (shaper != null) {
      shaper.release();
    }
  }
}
