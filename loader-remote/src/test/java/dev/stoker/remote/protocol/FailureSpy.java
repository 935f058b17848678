package dev.stoker.remote.protocol;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.ArrayList;
import java.util.List;

/** Records every exception that passes it on the way to {@link ProtocolErrorHandler}, and forwards it. */
final class FailureSpy extends ChannelInboundHandlerAdapter {
  final List<Throwable> failures = new ArrayList<>();

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    failures.add(cause);
    ctx.fireExceptionCaught(cause);
  }
}
