package dev.stoker.remote.protocol;

import io.netty.channel.ChannelPipeline;

/**
 * Installs the wire codec of {@link Protocol} in a pipeline, the same on the node and the client.
 *
 * <pre>{@code
 * ch.pipeline().addLast(sslContext.newHandler(ch.alloc()));   // optional, first
 * Pipelines.addCodec(ch.pipeline(), Protocol.DEFAULT_MAX_FRAME_BYTES);
 * ch.pipeline().addLast(new NodeHandler(...));                // receives Message, writes Message
 * }</pre>
 *
 * <p>After the codec, handlers read and write {@link Message}s; protocol violations never reach
 * them: {@link ProtocolErrorHandler} answers with an ERROR frame and closes the channel.
 */
public final class Pipelines {
  public static final String FRAME_DECODER = "stoker-frame-decoder";
  public static final String MESSAGE_DECODER = "stoker-message-decoder";
  public static final String MESSAGE_ENCODER = "stoker-message-encoder";
  public static final String PROTOCOL_ERRORS = "stoker-protocol-errors";

  private static final MessageDecoder DECODER = new MessageDecoder();

  private Pipelines() {}

  /**
   * Appends, in order: {@link FrameDecoder}, {@link MessageDecoder}, {@link MessageEncoder} and
   * {@link ProtocolErrorHandler}, under the names of this class's constants.
   *
   * @param maxFrameBytes the largest frame accepted or sent, length prefix included
   * @throws IllegalArgumentException if {@code maxFrameBytes < Protocol.MIN_MAX_FRAME_BYTES}
   */
  public static void addCodec(ChannelPipeline pipeline, int maxFrameBytes) {
    addCodec(pipeline, maxFrameBytes, maxFrameBytes);
  }

  /**
   * As {@link #addCodec(ChannelPipeline, int)}, with separate limits for the frames received and
   * the frames sent: a node starts with {@link Protocol#MAX_HANDSHAKE_FRAME_BYTES} inbound and
   * raises it with {@link #limitInbound} as the conversation allows.
   *
   * @param maxInboundFrameBytes the largest frame accepted, length prefix included, until changed
   * @param maxOutboundFrameBytes the largest frame sent, length prefix included
   * @throws IllegalArgumentException if a limit is below {@code Protocol.MIN_MAX_FRAME_BYTES}
   */
  public static void addCodec(ChannelPipeline pipeline, int maxInboundFrameBytes, int maxOutboundFrameBytes) {
    pipeline.addLast(FRAME_DECODER, new FrameDecoder(maxInboundFrameBytes))
        .addLast(MESSAGE_DECODER, DECODER)
        .addLast(MESSAGE_ENCODER, new MessageEncoder(maxOutboundFrameBytes))
        .addLast(PROTOCOL_ERRORS, new ProtocolErrorHandler());
  }

  /**
   * Sets the largest frame the codec of {@code pipeline} accepts from the next length prefix on
   * (call on the channel's event loop, between frames: from a handler reading a message). Does
   * nothing if the pipeline has no codec (a handler tested on its own).
   *
   * @param maxFrameBytes the largest frame, length prefix included
   * @throws IllegalArgumentException if {@code maxFrameBytes < Protocol.MIN_MAX_FRAME_BYTES}
   */
  public static void limitInbound(ChannelPipeline pipeline, int maxFrameBytes) {
    if (pipeline.get(FRAME_DECODER) instanceof FrameDecoder decoder) {
      decoder.limit(maxFrameBytes);
    }
  }

  /** The largest frame the codec of {@code pipeline} accepts now, or -1 if it has no codec. */
  public static int inboundLimit(ChannelPipeline pipeline) {
    return pipeline.get(FRAME_DECODER) instanceof FrameDecoder decoder ? decoder.limit() : -1;
  }
}
