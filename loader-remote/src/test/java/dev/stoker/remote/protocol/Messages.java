package dev.stoker.remote.protocol;

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
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.stream.Stream;

/** Example and random messages, and raw frames, for the codec tests. */
final class Messages {
  private Messages() {}

  /** One message of every type, two of those with arrays (empty and full); samples are new. */
  static List<Message> everyType(SplittableRandom random) {
    List<Message> all = new ArrayList<>();
    all.add(new Hello(Protocol.VERSION, bytes(random, Protocol.NONCE_BYTES)));
    all.add(new Welcome(Protocol.VERSION, bytes(random, Protocol.NONCE_BYTES), true));
    all.add(new Dataset(bytes(random, Protocol.PROOF_BYTES), "imagefolder:/data/train#9f2c", 1_281_167,
        List.of("cat", "dog", "ü😀"), true, 42));
    all.add(new Dataset(new byte[0], "x", 0, List.of(), false, 0));
    all.add(new Auth(bytes(random, Protocol.PROOF_BYTES)));
    all.add(new Auth(new byte[0]));
    all.add(new Open("imagefolder:/data/train#9f2c", "{\"size\":[224,224],\"seed\":42,\"note\":\"é…😀\"}"));
    all.add(new Open("sha256:0123/7", "{}", 1 << Protocol.ENCODING_ZSTD));
    all.add(new Ready(224L * 224 * 3, 20));
    all.add(new Ready(224L * 224 * 3, 0, Protocol.ENCODING_ZSTD));
    all.add(new Leaving(30_000));
    all.add(new Chunk(7, 3, random.ints(1000, 0, 1_281_167).toArray()));
    all.add(new Chunk(8, 3, new int[0]));
    all.add(new Credit(64));
    all.add(new Cancel(7));
    all.add(sample(random, 3, 150 * 1024));
    all.add(sample(random, 0, 1));
    Sample raw = sample(random, 1, 300);
    all.add(new Sample(raw.chunkId(), raw.position(), raw.index(), raw.label(), raw.keptBoxes(), raw.boxes(),
        raw.boxLabels(), Protocol.ENCODING_ZSTD, raw.pixels()));
    all.add(new Failed(7, 3, 43, "train/n01440764/x.JPEG", "Unsupported JPEG process: SOF type 0xcb"));
    all.add(new ChunkDone(7));
    all.add(new Error(Error.AUTH, "wrong token proof"));
    return all;
  }

  /** A sample with {@code boxCount} random boxes and {@code pixelBytes} random pixels (unpooled). */
  static Sample sample(SplittableRandom random, int boxCount, int pixelBytes) {
    float[] boxes = new float[4 * boxCount];
    for (int i = 0; i < boxes.length; i++) {
      boxes[i] = (float) random.nextDouble(0, 224);
    }
    int[] labels = random.ints(boxCount, 0, 80).toArray();
    return new Sample(random.nextInt(), random.nextInt(1000), random.nextInt(1_000_000), random.nextInt(1000),
        boxCount + random.nextInt(3), boxes, labels, Unpooled.wrappedBuffer(bytes(random, pixelBytes)));
  }

  /** A random valid message; samples have at most {@code maxPixels} pixel bytes. */
  static Message random(SplittableRandom r, int maxPixels) {
    return switch (r.nextInt(14)) {
      case 0 -> new Hello(Protocol.VERSION, bytes(r, Protocol.NONCE_BYTES));
      case 1 -> new Welcome(Protocol.VERSION, bytes(r, Protocol.NONCE_BYTES), r.nextBoolean());
      case 11 -> new Dataset(bytes(r, r.nextBoolean() ? 0 : Protocol.PROOF_BYTES), text(r, 40),
          r.nextInt(Integer.MAX_VALUE), Stream.generate(() -> text(r, 12)).limit(r.nextInt(5)).toList(),
          r.nextBoolean(), r.nextInt(100));
      case 2 -> new Auth(bytes(r, r.nextBoolean() ? 0 : Protocol.PROOF_BYTES));
      case 3 -> new Open(text(r, 40), text(r, 200), r.nextInt(0x100));
      case 4 -> new Ready(r.nextLong(Long.MAX_VALUE), r.nextInt(100), r.nextInt(Protocol.MAX_ENCODING + 1));
      case 12 -> new Leaving(r.nextInt(Integer.MAX_VALUE));
      case 5 -> new Chunk(r.nextInt(), r.nextInt(), r.ints(r.nextInt(50)).toArray());
      case 6 -> new Credit(r.nextInt(Integer.MAX_VALUE));
      case 7 -> new Cancel(r.nextInt());
      case 8 -> sample(r, r.nextInt(5), r.nextInt(maxPixels + 1));
      case 9 -> new Failed(r.nextInt(), r.nextInt(), r.nextInt(), text(r, 30), text(r, 60));
      case 10 -> new ChunkDone(r.nextInt());
      default -> new Error(r.nextInt(0x10000), text(r, 60));
    };
  }

  /** Random text of up to {@code maxCodePoints} code points, with some outside the BMP. */
  static String text(SplittableRandom r, int maxCodePoints) {
    StringBuilder text = new StringBuilder();
    int n = r.nextInt(maxCodePoints + 1);
    for (int i = 0; i < n; i++) {
      int cp = switch (r.nextInt(4)) {
        case 0 -> r.nextInt(0x20, 0x7F);
        case 1 -> r.nextInt(0xA0, 0x800);
        case 2 -> r.nextInt(0xE000, 0xFFFE);
        default -> r.nextInt(0x10000, 0x110000);
      };
      text.appendCodePoint(cp);
    }
    return text.toString();
  }

  static byte[] bytes(SplittableRandom random, int n) {
    byte[] bytes = new byte[n];
    for (int i = 0; i < n; i++) {
      bytes[i] = (byte) random.nextInt(256);
    }
    return bytes;
  }

  /** The encoded frame of {@code message}; does not release it. */
  static byte[] encode(Message message, int maxFrameBytes) {
    ByteBuf frame = MessageEncoder.encode(UnpooledByteBufAllocator.DEFAULT, message, maxFrameBytes);
    try {
      return ByteBufUtil.getBytes(frame);
    } finally {
      frame.release();
    }
  }

  /** A raw frame: length prefix, version, type, and what {@code payload} writes. */
  static byte[] frame(int version, int type, Consumer<ByteBuf> payload) {
    ByteBuf body = Unpooled.buffer();
    body.writeByte(version).writeByte(type);
    payload.accept(body);
    ByteBuf frame = Unpooled.buffer().writeInt(body.readableBytes()).writeBytes(body);
    return ByteBufUtil.getBytes(frame);
  }

  /** A raw frame of this version. */
  static byte[] frame(int type, Consumer<ByteBuf> payload) {
    return frame(Protocol.VERSION, type, payload);
  }
}
