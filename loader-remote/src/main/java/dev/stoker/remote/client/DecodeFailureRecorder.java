package dev.stoker.remote.client;

import dev.stoker.remote.protocol.PeerText;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.NotSslRecordException;
import java.util.function.Consumer;
import javax.net.ssl.SSLException;

/**
 * Sits before the codec's {@code ProtocolErrorHandler} (which answers a decoding failure and closes the
 * channel) and tells the client, in words, why its connection is about to end: a failed TLS
 * handshake (a node that answers in plain bytes does not speak TLS: said so, without the bytes) or
 * a frame it cannot read. Passes every exception on.
 */
final class DecodeFailureRecorder extends ChannelInboundHandlerAdapter {
  private final Consumer<String> problem;

  DecodeFailureRecorder(Consumer<String> problem) {
    this.problem = problem;
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof DecoderException) {
      Throwable tls = cause;
      while (tls != null && !(tls instanceof SSLException)) {
        tls = tls.getCause();
      }
      problem.accept(tls instanceof NotSslRecordException
          ? "does not speak TLS: it answered the TLS handshake with plain bytes (a node started without TLS?); "
              + "connect without --tls, or start the node with --tls-cert and --tls-key"
          : tls != null ? "failed the TLS handshake: " + describe(tls)
          : "sent a frame this client cannot read: " + describe(cause));
    }
    ctx.fireExceptionCaught(cause);
  }

  private static String describe(Throwable t) {
    return t.getMessage() != null ? PeerText.clean(t.getMessage()) : t.getClass().getSimpleName();
  }
}
