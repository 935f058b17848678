package dev.stoker.remote.protocol;

import static dev.stoker.remote.protocol.Protocol.NONCE_BYTES;
import static dev.stoker.remote.protocol.Protocol.PROOF_BYTES;

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
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageDecoder;
import java.util.List;

/**
 * Turns one frame, as cut by {@link FrameDecoder} (version, type and payload, without the length
 * prefix), into a {@link Message}; anything that breaks {@link Protocol} fails with a
 * {@link ProtocolException} naming the reason.
 *
 * <p>A {@link Sample}'s pixels are a retained slice of the frame, not a copy: the receiver must
 * release the sample.
 */
@Sharable
final class MessageDecoder extends MessageToMessageDecoder<ByteBuf> {
  MessageDecoder() {
    super(ByteBuf.class);
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf frame, List<Object> out) {
    out.add(decode(frame));
  }

  /**
   * Decodes {@code frame} from its reader index to its end; does not release it.
   *
   * @throws ProtocolException if the frame breaks the protocol
   */
  static Message decode(ByteBuf frame) {
    if (frame.readableBytes() < Protocol.HEADER_BYTES) {
      throw new ProtocolException("frame of " + frame.readableBytes()
          + " bytes is shorter than its " + Protocol.HEADER_BYTES + "-byte header");
    }
    int version = frame.readUnsignedByte();
    int type = frame.readUnsignedByte();
    if (version != Protocol.VERSION && type != Protocol.ERROR) {
      throw new ProtocolException(Error.VERSION, "peer speaks protocol version " + version
          + ", this side speaks " + Protocol.VERSION);
    }
    FrameReader in = new FrameReader(frame, type);
    Message message = switch (type) {
      case Protocol.HELLO -> new Hello(version, handshake(in, "clientNonce"));
      case Protocol.WELCOME -> new Welcome(version, handshake(in, "nodeNonce"), in.bool("tokenRequired"));
      case Protocol.DATASET -> new Dataset(in.bytes8("nodeProof", 0, PROOF_BYTES), in.string16("datasetIdentity"),
          in.nonNegative("datasetSize"), classes(in), in.bool("hasBoxes"), in.nonNegative("maxBoxCount"));
      case Protocol.AUTH -> new Auth(in.bytes8("proof", 0, PROOF_BYTES));
      case Protocol.OPEN -> new Open(in.string16("datasetIdentity"),
          in.string32("planJson", Protocol.MAX_PLAN_BYTES), in.u8("compressions", 0xFF));
      case Protocol.READY -> new Ready(in.nonNegativeI64("sampleBytes"), in.nonNegative("maxBoxes"),
          in.u8("compression", Protocol.MAX_ENCODING));
      case Protocol.CHUNK -> new Chunk(in.i32("chunkId"), in.i32("epoch"),
          in.ints(in.count("indices count", Integer.BYTES, Integer.MAX_VALUE)));
      case Protocol.CREDIT -> new Credit(in.nonNegative("credits"));
      case Protocol.CANCEL -> new Cancel(in.i32("chunkId"));
      case Protocol.SAMPLE -> sample(in, frame);
      case Protocol.FAILED -> new Failed(in.i32("chunkId"), in.i32("position"), in.i32("index"),
          in.string16("source"), in.string16("error"));
      case Protocol.CHUNK_DONE -> new ChunkDone(in.i32("chunkId"));
      case Protocol.LEAVING -> new Leaving(in.nonNegative("graceMillis"));
      case Protocol.ERROR -> new Error(in.u16("code"), in.string16("message"));
      default -> throw new ProtocolException("unknown message " + Protocol.typeName(type));
    };
    in.end(); // a SAMPLE consumed its frame exactly, so nothing can leak past this point
    return message;
  }

  private static byte[] handshake(FrameReader in, String nonceField) {
    int magic = in.i32("magic");
    if (magic != Protocol.MAGIC) {
      throw in.fail(String.format("magic is 0x%08X, not 0x%08X (\"STKR\"): the peer does not speak"
          + " the Stoker protocol", magic, Protocol.MAGIC));
    }
    return in.bytes8(nonceField, NONCE_BYTES);
  }

  /** An array of string16 class names; each takes at least its 2-byte length. */
  private static List<String> classes(FrameReader in) {
    int count = in.count("classes count", Short.BYTES, Integer.MAX_VALUE);
    String[] names = new String[count];
    for (int i = 0; i < count; i++) {
      names[i] = in.string16("classes[" + i + "]");
    }
    return List.of(names);
  }

  /** Reads every field and checks the pixel length before slicing, so a failure leaks nothing. */
  private static Sample sample(FrameReader in, ByteBuf frame) {
    int chunkId = in.i32("chunkId");
    int position = in.i32("position");
    int index = in.i32("index");
    int label = in.i32("label");
    int keptBoxes = in.nonNegative("keptBoxes");
    int boxCount = in.count("boxCount", 5 * Float.BYTES, Integer.MAX_VALUE);
    float[] boxes = in.floats(4 * boxCount);
    int[] boxLabels = in.ints(boxCount);
    int encoding = in.u8("encoding", Protocol.MAX_ENCODING);
    int pixelBytes = in.count("pixelBytes", 1, Integer.MAX_VALUE);
    if (pixelBytes != in.remaining()) {
      throw in.fail("pixelBytes is " + pixelBytes + " but " + in.remaining() + " bytes remain");
    }
    return new Sample(chunkId, position, index, label, keptBoxes, boxes, boxLabels, encoding,
        frame.readRetainedSlice(pixelBytes));
  }
}
