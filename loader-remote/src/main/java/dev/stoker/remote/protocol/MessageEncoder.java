package dev.stoker.remote.protocol;

import dev.stoker.api.internal.Checks;
import dev.stoker.remote.protocol.Message.Auth;
import dev.stoker.remote.protocol.Message.Cancel;
import dev.stoker.remote.protocol.Message.Chunk;
import dev.stoker.remote.protocol.Message.ChunkDone;
import dev.stoker.remote.protocol.Message.Credit;
import dev.stoker.remote.protocol.Message.Dataset;
import dev.stoker.remote.protocol.Message.Error;
import dev.stoker.remote.protocol.Message.Failed;
import dev.stoker.remote.protocol.Message.Hello;
import dev.stoker.remote.protocol.Message.Leaving;
import dev.stoker.remote.protocol.Message.Open;
import dev.stoker.remote.protocol.Message.Ready;
import dev.stoker.remote.protocol.Message.Sample;
import dev.stoker.remote.protocol.Message.Welcome;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.EncoderException;
import io.netty.handler.codec.MessageToMessageEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Turns a {@link Message} into one whole frame of {@link Protocol}, length prefix included.
 *
 * <p>A {@link Sample}'s pixels are not copied: the frame is a {@link CompositeByteBuf} of a small
 * header buffer and a retained slice of the pixels. The encoder releases every message it
 * encodes (a sample's pixels once), whether encoding succeeds or not, as Netty's encoders do.
 * A message that cannot be encoded (a nonce of the wrong size, a frame over the limit) fails the
 * write's promise with an {@link EncoderException}; nothing is sent.
 */
@Sharable
final class MessageEncoder extends MessageToMessageEncoder<Message> {
  private static final int TRUNCATED_MARK_BYTES = 3; // "…" in UTF-8

  private final int maxFrameBytes;

  MessageEncoder(int maxFrameBytes) {
    super(Message.class);
    Checks.argument(maxFrameBytes >= Protocol.MIN_MAX_FRAME_BYTES, "maxFrameBytes",
        "must be at least " + Protocol.MIN_MAX_FRAME_BYTES + ", got " + maxFrameBytes);
    this.maxFrameBytes = maxFrameBytes;
  }

  @Override
  protected void encode(ChannelHandlerContext ctx, Message message, List<Object> out) {
    out.add(encode(ctx.alloc(), message, maxFrameBytes));
  }

  /**
   * Encodes {@code message} into a new buffer from {@code alloc} (the caller owns it); does not
   * release the message (a sample's pixels are retained once more for the frame).
   *
   * @throws EncoderException if the message cannot be encoded within {@code maxFrameBytes}
   */
  static ByteBuf encode(ByteBufAllocator alloc, Message message, int maxFrameBytes) {
    ByteBuf head = alloc.buffer(64);
    try {
      head.writeInt(0); // the length, set below
      body(message, head, maxFrameBytes);
      if (message instanceof Sample sample) {
        return withPixels(alloc, head, sample.pixels(), maxFrameBytes);
      }
      checkSize(head.readableBytes(), maxFrameBytes, message.getClass().getSimpleName());
      head.setInt(0, head.readableBytes() - Protocol.LENGTH_BYTES);
      return head;
    } catch (RuntimeException e) {
      head.release();
      throw e instanceof EncoderException ee ? ee : new EncoderException(e.getMessage(), e);
    }
  }

  private static ByteBuf withPixels(ByteBufAllocator alloc, ByteBuf head, ByteBuf pixels, int maxFrameBytes) {
    long frameBytes = (long) head.readableBytes() + pixels.readableBytes();
    checkSize(frameBytes, maxFrameBytes, "Sample");
    head.setInt(0, (int) frameBytes - Protocol.LENGTH_BYTES);
    CompositeByteBuf frame = alloc.compositeBuffer(2);
    frame.addComponents(true, head, pixels.retainedSlice());
    return frame;
  }

  private static void body(Message message, ByteBuf out, int maxFrameBytes) {
    switch (message) {
      case Hello m -> {
        header(out, m.version(), Protocol.HELLO);
        out.writeInt(Protocol.MAGIC);
        bytes8(out, m.clientNonce(), "clientNonce", Protocol.NONCE_BYTES);
      }
      case Welcome m -> {
        header(out, m.version(), Protocol.WELCOME);
        out.writeInt(Protocol.MAGIC);
        bytes8(out, m.nodeNonce(), "nodeNonce", Protocol.NONCE_BYTES);
        out.writeByte(m.tokenRequired() ? 1 : 0);
      }
      case Dataset m -> {
        header(out, Protocol.VERSION, Protocol.DATASET);
        bytes8(out, m.nodeProof(), "nodeProof", 0, Protocol.PROOF_BYTES);
        string16(out, m.datasetIdentity(), "datasetIdentity", false);
        out.writeInt(Checks.notNegative(m.datasetSize(), "datasetSize"));
        out.writeInt(m.classes().size());
        for (String name : m.classes()) {
          string16(out, name, "classes", false);
        }
        out.writeByte(m.hasBoxes() ? 1 : 0);
        out.writeInt(Checks.notNegative(m.maxBoxCount(), "maxBoxCount"));
      }
      case Auth m -> {
        header(out, Protocol.VERSION, Protocol.AUTH);
        bytes8(out, m.proof(), "proof", 0, Protocol.PROOF_BYTES);
      }
      case Open m -> {
        header(out, Protocol.VERSION, Protocol.OPEN);
        string16(out, m.datasetIdentity(), "datasetIdentity", false);
        byte[] plan = Checks.notNull(m.planJson(), "planJson").getBytes(StandardCharsets.UTF_8);
        Checks.argument(plan.length <= Protocol.MAX_PLAN_BYTES, "planJson",
            "has " + plan.length + " UTF-8 bytes, more than " + Protocol.MAX_PLAN_BYTES);
        out.writeInt(plan.length).writeBytes(plan);
        Checks.argument(m.compressions() >= 0 && m.compressions() <= 0xFF, "compressions",
            "must fit in u8, got " + m.compressions());
        out.writeByte(m.compressions());
      }
      case Ready m -> {
        header(out, Protocol.VERSION, Protocol.READY);
        Checks.argument(m.sampleBytes() >= 0, "sampleBytes", "must not be negative, got " + m.sampleBytes());
        out.writeLong(m.sampleBytes());
        out.writeInt(Checks.notNegative(m.maxBoxes(), "maxBoxes"));
        Checks.argument(m.compression() >= 0 && m.compression() <= Protocol.MAX_ENCODING, "compression",
            "must be an encoding in [0, " + Protocol.MAX_ENCODING + "], got " + m.compression());
        out.writeByte(m.compression());
      }
      case Chunk m -> {
        header(out, Protocol.VERSION, Protocol.CHUNK);
        int[] indices = Checks.notNull(m.indices(), "indices");
        checkSize(out.readableBytes() + 12 + (long) Integer.BYTES * indices.length, maxFrameBytes, "Chunk");
        out.ensureWritable(12 + Integer.BYTES * indices.length);
        out.writeInt(m.chunkId()).writeInt(m.epoch()).writeInt(indices.length);
        for (int index : indices) {
          out.writeInt(index);
        }
      }
      case Credit m -> {
        header(out, Protocol.VERSION, Protocol.CREDIT);
        out.writeInt(Checks.notNegative(m.credits(), "credits"));
      }
      case Cancel m -> {
        header(out, Protocol.VERSION, Protocol.CANCEL);
        out.writeInt(m.chunkId());
      }
      case Sample m -> sampleHead(out, m);
      case Failed m -> {
        header(out, Protocol.VERSION, Protocol.FAILED);
        out.writeInt(m.chunkId()).writeInt(m.position()).writeInt(m.index());
        string16(out, m.source(), "source", true);
        string16(out, m.error(), "error", true);
      }
      case Leaving m -> {
        header(out, Protocol.VERSION, Protocol.LEAVING);
        out.writeInt(Checks.notNegative(m.graceMillis(), "graceMillis"));
      }
      case ChunkDone m -> {
        header(out, Protocol.VERSION, Protocol.CHUNK_DONE);
        out.writeInt(m.chunkId());
      }
      case Error m -> {
        header(out, Protocol.VERSION, Protocol.ERROR);
        Checks.argument(m.code() >= 0 && m.code() <= 0xFFFF, "code", "must fit in u16, got " + m.code());
        out.writeShort(m.code());
        string16(out, m.message(), "message", true);
      }
    }
  }

  /** Everything of a SAMPLE frame but the pixels themselves. */
  private static void sampleHead(ByteBuf out, Sample m) {
    header(out, Protocol.VERSION, Protocol.SAMPLE);
    float[] boxes = Checks.notNull(m.boxes(), "boxes");
    int[] boxLabels = Checks.notNull(m.boxLabels(), "boxLabels");
    Checks.notNull(m.pixels(), "pixels");
    Checks.argument(boxes.length == 4 * boxLabels.length, "boxes",
        "must hold 4 floats per box label, got " + boxes.length + " for " + boxLabels.length + " labels");
    out.ensureWritable(32 + 4 * boxes.length + 4 * boxLabels.length);
    out.writeInt(m.chunkId()).writeInt(m.position()).writeInt(m.index()).writeInt(m.label());
    out.writeInt(Checks.notNegative(m.keptBoxes(), "keptBoxes"));
    out.writeInt(boxLabels.length);
    for (float value : boxes) {
      out.writeFloat(value);
    }
    for (int label : boxLabels) {
      out.writeInt(label);
    }
    Checks.argument(m.encoding() >= 0 && m.encoding() <= Protocol.MAX_ENCODING, "encoding",
        "must be in [0, " + Protocol.MAX_ENCODING + "], got " + m.encoding());
    out.writeByte(m.encoding());
    out.writeInt(m.pixels().readableBytes());
  }

  private static void header(ByteBuf out, int version, int type) {
    Checks.argument(version >= 0 && version <= 0xFF, "version", "must fit in u8, got " + version);
    out.writeByte(version).writeByte(type);
  }

  private static void bytes8(ByteBuf out, byte[] bytes, String field, int... allowed) {
    Checks.notNull(bytes, field);
    Checks.argument(Arrays.stream(allowed).anyMatch(n -> n == bytes.length), field,
        "must have " + Arrays.toString(allowed) + " bytes, got " + bytes.length);
    out.writeByte(bytes.length).writeBytes(bytes);
  }

  /** A string16; free text longer than the limit is cut at a character boundary and marked. */
  private static void string16(ByteBuf out, String value, String field, boolean freeText) {
    byte[] bytes = Checks.notNull(value, field).getBytes(StandardCharsets.UTF_8);
    int length = bytes.length;
    if (length > Protocol.MAX_STRING16_BYTES) {
      Checks.argument(freeText, field, "has " + length + " UTF-8 bytes, more than "
          + Protocol.MAX_STRING16_BYTES);
      length = Protocol.MAX_STRING16_BYTES - TRUNCATED_MARK_BYTES;
      while ((bytes[length] & 0xC0) == 0x80) { // never cut inside a character
        length--;
      }
      out.writeShort(length + TRUNCATED_MARK_BYTES).writeBytes(bytes, 0, length);
      out.writeBytes("…".getBytes(StandardCharsets.UTF_8));
      return;
    }
    out.writeShort(length).writeBytes(bytes);
  }

  private static void checkSize(long frameBytes, int maxFrameBytes, String name) {
    if (frameBytes > maxFrameBytes) {
      throw new EncoderException(name + " frame of " + frameBytes + " bytes exceeds maxFrameBytes "
          + maxFrameBytes);
    }
  }
}
