package dev.stoker.remote.protocol;

import dev.stoker.api.internal.Checks;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.TooLongFrameException;
import java.util.List;

/**
 * Cuts the byte stream into frames of {@link Protocol}: reads the u32 length prefix and emits the
 * rest of the frame (version, type, payload) as a retained slice, once it has fully arrived.
 *
 * <p>A length over {@code maxFrameBytes} fails with a {@link ProtocolException} as soon as the
 * prefix is read, before any buffer of the claimed size exists. A connection that ends in the
 * middle of a frame fails with one too, when the channel goes inactive.
 */
final class FrameDecoder extends LengthFieldBasedFrameDecoder {
  private final int maxFrameBytes;

  FrameDecoder(int maxFrameBytes) {
    super(checked(maxFrameBytes), 0, Protocol.LENGTH_BYTES, 0, Protocol.LENGTH_BYTES, true);
    this.maxFrameBytes = maxFrameBytes;
  }

  @Override
  protected Object decode(ChannelHandlerContext ctx, ByteBuf in) throws Exception {
    long claimed = in.readableBytes() >= Protocol.LENGTH_BYTES
        ? in.getUnsignedInt(in.readerIndex()) + Protocol.LENGTH_BYTES : -1;
    try {
      return super.decode(ctx, in);
    } catch (TooLongFrameException e) {
      throw new ProtocolException("frame of " + claimed + " bytes exceeds the limit of "
          + maxFrameBytes + " bytes", e);
    }
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
