package dev.stoker.remote.node;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A node's own meters, in the registry given to {@link DataNode#start(DataNodeConfig,
 * MeterRegistry)}: connections (accepted, open now), chunks received, samples sent (a counter:
 * its rate is samples/s), samples that failed to decode, bytes sent on the wire (TLS records
 * whole), connections refused for a missing or wrong token, and the samples' pixel bytes before
 * and after compression (their ratio is what compression saves).
 *
 * <pre>{@code
 * MeterRegistry registry = new SimpleMeterRegistry();
 * try (DataNode node = DataNode.start(DataNodeConfig.loopback(source), registry)) {
 *   ...
 *   registry.get(NodeMeters.SAMPLES).counter().count();
 * }
 * }</pre>
 */
final class NodeMeters {
  /** Connections accepted (counter). */
  static final String CONNECTIONS = "stoker.node.connections";
  /** Connections open now (gauge). */
  static final String CONNECTIONS_OPEN = "stoker.node.connections.open";
  /** CHUNK messages received (counter). */
  static final String CHUNKS = "stoker.node.chunks";
  /** Samples sent, decoded and transformed (counter; its rate is samples/s). */
  static final String SAMPLES = "stoker.node.samples";
  /** Samples that failed to read or decode, sent as FAILED (counter). */
  static final String DECODE_FAILURES = "stoker.node.decode.failures";
  /** Bytes written to the sockets, TLS records whole (counter). */
  static final String BYTES_SENT = "stoker.node.sent";   // base unit bytes: stoker_node_sent_bytes_total
  /** Connections refused for a missing or wrong token (counter). */
  static final String AUTH_FAILURES = "stoker.node.auth.failures";
  /** Pixel bytes of the samples sent, before compression (counter). */
  static final String PIXELS_RAW = "stoker.node.pixels.raw";
  /** Pixel bytes of the samples sent as they went on the wire, compressed or raw (counter). */
  static final String PIXELS_SENT = "stoker.node.pixels.sent";

  final Counter connections;
  final Counter chunks;
  final Counter samples;
  final Counter decodeFailures;
  final Counter bytesSent;
  final Counter authFailures;
  final Counter pixelsRaw;
  final Counter pixelsSent;
  private final AtomicInteger open = new AtomicInteger();
  private final Counting counting = new Counting();

  NodeMeters(MeterRegistry registry) {
    connections = Counter.builder(CONNECTIONS).description("connections accepted").register(registry);
    Gauge.builder(CONNECTIONS_OPEN, open, AtomicInteger::get).description("connections open now")
        .register(registry);
    chunks = Counter.builder(CHUNKS).description("chunks of indices received").register(registry);
    samples = Counter.builder(SAMPLES).description("samples sent").register(registry);
    decodeFailures = Counter.builder(DECODE_FAILURES).description("samples that failed to read or decode")
        .register(registry);
    bytesSent = Counter.builder(BYTES_SENT).baseUnit("bytes").description("bytes written to the sockets")
        .register(registry);
    authFailures = Counter.builder(AUTH_FAILURES).description("connections refused for a missing or wrong token")
        .register(registry);
    pixelsRaw = Counter.builder(PIXELS_RAW).baseUnit("bytes").description("pixel bytes of the samples sent, "
        + "before compression").register(registry);
    pixelsSent = Counter.builder(PIXELS_SENT).baseUnit("bytes").description("pixel bytes of the samples sent, "
        + "as sent (compressed or raw)").register(registry);
  }

  /** Meters nobody reads: a registry of their own. */
  static NodeMeters unread() {
    return new NodeMeters(new SimpleMeterRegistry());
  }

  /** The handler, first in each connection's pipeline, that counts connections and bytes sent. */
  ChannelHandler counting() {
    return counting;
  }

  /** Counts a connection while it is open, and the bytes written to it. */
  @ChannelHandler.Sharable
  private final class Counting extends ChannelDuplexHandler {
    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      connections.increment();
      open.incrementAndGet();
      ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      open.decrementAndGet();
      ctx.fireChannelInactive();
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
      long bytes = msg instanceof ByteBuf buf ? buf.readableBytes()
          : msg instanceof ByteBufHolder holder ? holder.content().readableBytes() : 0;
      if (bytes > 0) {
        bytesSent.increment(bytes);
      }
      ctx.write(msg, promise);
    }
  }
}
