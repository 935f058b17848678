package dev.stoker.remote.protocol;

import dev.stoker.api.internal.Checks;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import java.util.List;

/**
 * Cuts the byte stream into frames of {@link Protocol}: reads the u32 length prefix and emits the
 * rest of the frame (version, type, payload) as a retained slice, once it has fully arrived.
 *
 * <p>A length over the current limit fails with a {@link ProtocolException} as soon as the prefix
 * is read, before any buffer of the claimed size exists; from then on every byte that still
 * arrives is dropped unread. The limit starts at the one given to the constructor and may be
 * changed between frames with {@link #limit(int)} (a node lowers it to a few KiB until the peer
 * has authenticated, see {@link Pipelines#limitInbound}); a change applies to the next length
 * prefix read. A connection that ends in the middle of a frame fails with a
 * {@link ProtocolException} too, when the channel goes inactive.
 *
 * <p>Confined to its channel's event loop, like every handler of a pipeline.
 */
final class FrameDecoder extends LengthFieldBasedFrameDecoder {
  private int limit;
  private boolean refused;

  FrameDecoder(int maxFrameBytes) {
    super(Integer.MAX_VALUE, 0, Protocol.LENGTH_BYTES, 0, Protocol.LENGTH_BYTES, true);
    this.limit = checked(maxFrameBytes);
  }

  /** Sets the largest frame, length prefix included, that the next length prefix may announce. */
  void limit(int maxFrameBytes) {
    this.limit = checked(maxFrameBytes);
  }

  /** The largest frame, length prefix included, accepted now. */
  int limit() {
    return limit;
  }

  @Override
  protected Object decode(ChannelHandlerContext ctx, ByteBuf in) throws Exception {
    if (refused) {
      in.skipBytes(in.readableBytes());
      return null;
    }
    if (in.readableBytes() >= Protocol.LENGTH_BYTES) {
      long claimed = in.getUnsignedInt(in.readerIndex()) + Protocol.LENGTH_BYTES;
      if (claimed > limit) {
        refused = true;
        in.skipBytes(in.readableBytes());
        throw new ProtocolException("frame of " + claimed + " bytes exceeds the limit of " + limit + " bytes");
      }
    }
    return super.decode(ctx, in);
  }

  @Override
  protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
    super.decodeLast(ctx, in, out);
    if (in.isReadable()) {
      int left = in.readableBytes();
      String expected = left >= Protocol.LENGTH_BYTES
          ? " of a " + (in.getUnsignedInt(in.readerIndex()) + Protocol.LENGTH_BYTES) + "-byte frame"
          : " of a length prefix";
      in.skipBytes(left);
      throw new ProtocolException("connection closed after " + left + " bytes" + expected);
    }
  }

  private static int checked(int maxFrameBytes) {
    Checks.argument(maxFrameBytes >= Protocol.MIN_MAX_FRAME_BYTES, "maxFrameBytes",
        "must be at least " + Protocol.MIN_MAX_FRAME_BYTES + ", got " + maxFrameBytes);
    return maxFrameBytes;
  }
}
