package dev.stoker.remote.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stoker.remote.protocol.Message.Sample;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ResourceLeakDetector;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Random and mutated frames through the whole inbound codec. The oracle: the messages delivered,
 * encoded again, are exactly the bytes that were sent up to the first bad frame; the channel stays
 * open if and only if every complete frame was good; the only exceptions are ProtocolExceptions;
 * no buffer leaks.
 */
class CodecFuzzTest {
  private static final int MAX = 8192;
  private static final int RUNS = 4000;

  @BeforeAll
  static void leakDetectionIsParanoidAndRecorded() {
    LeakRecorder.install(); // normally done already by LeakRecorderSession
    assertThat(ResourceLeakDetector.getLevel()).isEqualTo(ResourceLeakDetector.Level.PARANOID);
  }

  @Test
  void decode_randomAndMutatedFrames_closeOnEveryBadFrameAndLeakNothing() throws InterruptedException {
    SplittableRandom random = new SplittableRandom(20261121);
    int[] outcomes = new int[2];
    for (int run = 0; run < RUNS; run++) {
      outcomes[runOnce(random.split(), run) ? 1 : 0]++;
    }
    assertThat(outcomes[0]).as("runs that closed the channel").isGreaterThan(RUNS / 4);
    assertThat(outcomes[1]).as("runs that stayed open").isGreaterThan(RUNS / 4);
    assertThat(LeakRecorder.watchesByteBufs()).as("ByteBuf leaks are recorded").isTrue();
    assertThat(LeakRecorder.collect("ByteBuf")).isEmpty();
  }

  /** Returns whether the channel stayed open. */
  private static boolean runOnce(SplittableRandom r, int run) {
    List<byte[]> frames = new ArrayList<>();
    int count = 1 + r.nextInt(3);
    for (int i = 0; i < count; i++) {
      Message message = Messages.random(r, 3000);
      frames.add(Messages.encode(message, MAX));
      if (message instanceof Sample s) {
        s.release();
      }
    }
    int mutation = r.nextInt(10);
    byte[] input = mutate(r, concat(frames), mutation);

    TrackingAllocator alloc = new TrackingAllocator();
    EmbeddedChannel channel = new EmbeddedChannel();
    channel.config().setAllocator(alloc);
    Pipelines.addCodec(channel.pipeline(), MAX);
    FailureSpy spy = new FailureSpy();
    channel.pipeline().addBefore(Pipelines.PROTOCOL_ERRORS, "spy", spy);

    for (int at = 0; at < input.length && channel.isOpen(); ) {
      int n = Math.min(input.length - at, 1 + r.nextInt(Math.max(1, input.length / (1 + r.nextInt(4)))));
      channel.writeInbound(alloc.wrap(Arrays.copyOfRange(input, at, at + n)));
      at += n;
    }
    boolean open = channel.isOpen();
    List<Sample> samples = new ArrayList<>();
    byte[] delivered = reencodeAndRelease(channel, input, samples);
    String context = "run " + run + ", mutation " + mutation + ", input " + ByteBufUtil.hexDump(input, 0, Math.min(64, input.length));

    assertThat(Arrays.equals(input, 0, Math.min(delivered.length, input.length), delivered, 0, delivered.length))
        .as("%s: delivered messages re-encode to the bytes sent", context).isTrue();
    byte[] rest = Arrays.copyOfRange(input, delivered.length, input.length);
    if (open) {
      assertThat(isIncompleteFrame(rest)).as("%s: an open channel holds only part of a frame", context).isTrue();
      assertThat(channel.outboundMessages()).as(context).isEmpty();
    } else {
      assertThat(rest).as("%s: a closed channel saw bad bytes", context).isNotEmpty();
      assertThat(sentErrorCode(channel)).as(context).isIn(Message.Error.PROTOCOL, Message.Error.VERSION);
    }
    if (mutation == 0) {
      assertThat(open).as("%s: valid frames keep the channel open", context).isTrue();
    }
    channel.finish(); // rethrows anything that reached the end of the pipeline
    assertThat(spy.failures).as(context).allMatch(e -> e instanceof ProtocolException);
    assertThat(open || !spy.failures.isEmpty()).as(context).isTrue();
    channel.finishAndReleaseAll();
    assertThat(alloc.unreleased()).as(context).isEmpty();
    assertThat(samples).as("%s: decoded samples released", context).allMatch(s -> s.refCnt() == 0);
    return open;
  }

  private static byte[] mutate(SplittableRandom r, byte[] bytes, int mutation) {
    byte[] out = bytes.clone();
    switch (mutation) {
      case 0 -> { } // valid
      case 1 -> {
        for (int i = 0, n = 1 + r.nextInt(3); i < n; i++) {
          out[r.nextInt(out.length)] ^= (byte) (1 + r.nextInt(255));
        }
      }
      case 2 -> out = Arrays.copyOf(out, r.nextInt(out.length));
      case 3 -> {
        int at = r.nextInt(out.length + 1);
        byte[] inserted = Messages.bytes(r, 1 + r.nextInt(8));
        out = concat(List.of(Arrays.copyOf(out, at), inserted, Arrays.copyOfRange(bytes, at, bytes.length)));
      }
      case 4 -> Unpooled.wrappedBuffer(out).setInt(0, r.nextBoolean() ? r.nextInt() : r.nextInt(-8, 9) + lengthOf(out));
      case 5 -> out[4] = (byte) r.nextInt(256);
      case 6 -> out[5] = (byte) r.nextInt(256);
      case 7 -> out = Messages.bytes(r, 1 + r.nextInt(200));
      case 8 -> out = concat(List.of(out, Messages.bytes(r, 1 + r.nextInt(50))));
      default -> out[4 + r.nextInt(Math.min(out.length - 4, 40))] = (byte) r.nextInt(256);
    }
    return out;
  }

  /**
   * The delivered messages encoded again (canonical encoding), each released after. An ERROR
   * frame is understood whatever its version byte, so that byte is taken from the input.
   */
  private static byte[] reencodeAndRelease(EmbeddedChannel channel, byte[] input, List<Sample> samples) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Object m; (m = channel.readInbound()) != null; ) {
      Message message = (Message) m;
      byte[] frame = Messages.encode(message, MAX);
      int versionAt = out.size() + Protocol.LENGTH_BYTES;
      if (message instanceof Message.Error && versionAt < input.length) {
        frame[Protocol.LENGTH_BYTES] = input[versionAt];
      }
      out.writeBytes(frame);
      if (message instanceof Sample s) {
        s.release();
        samples.add(s);
      }
    }
    return out.toByteArray();
  }

  private static boolean isIncompleteFrame(byte[] rest) {
    if (rest.length < Protocol.LENGTH_BYTES) {
      return true;
    }
    long frame = Unpooled.wrappedBuffer(rest).getUnsignedInt(0) + Protocol.LENGTH_BYTES;
    return frame > rest.length && frame <= MAX;
  }

  private static int sentErrorCode(EmbeddedChannel channel) {
    ByteBuf frame = channel.readOutbound();
    assertThat(frame).as("an ERROR frame was sent").isNotNull();
    try {
      return ((Message.Error) MessageDecoder.decode(frame.skipBytes(Protocol.LENGTH_BYTES))).code();
    } finally {
      frame.release();
    }
  }

  private static int lengthOf(byte[] frame) {
    return Unpooled.wrappedBuffer(frame).getInt(0);
  }

  private static byte[] concat(List<byte[]> parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    parts.forEach(out::writeBytes);
    return out.toByteArray();
  }
}
