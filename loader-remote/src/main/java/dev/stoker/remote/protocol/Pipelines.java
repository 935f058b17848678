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
    pipeline.addLast(FRAME_DECODER, new FrameDecoder(maxFrameBytes))
        .addLast(MESSAGE_DECODER, DECODER)
        .addLast(MESSAGE_ENCODER, new MessageEncoder(maxFrameBytes))
        .addLast(PROTOCOL_ERRORS, new ProtocolErrorHandler());
  }
}
