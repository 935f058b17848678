package dev.stoker.remote.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoker.remote.protocol.Message.Chunk;
import dev.stoker.remote.protocol.Message.Error;
import dev.stoker.remote.protocol.Message.Failed;
import dev.stoker.remote.protocol.Message.Hello;
import dev.stoker.remote.protocol.Message.Open;
import dev.stoker.remote.protocol.Message.Sample;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.ChannelFuture;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.EncoderException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MessageCodecTest {
  private static final int MAX = Protocol.DEFAULT_MAX_FRAME_BYTES;

  private final TrackingAllocator alloc = new TrackingAllocator();
  private final List<Sample> received = new ArrayList<>();

  @AfterEach
  void everythingReleased() {
    received.forEach(s -> assertThat(s.refCnt()).as("sample released by the test").isZero());
    assertThat(alloc.unreleased()).isEmpty();
  }

  @Test
  void roundTrip_everyMessageType_decodesEqualMessages() {
    EmbeddedChannel sender = channel();
    EmbeddedChannel receiver = channel();
    for (Message message : Messages.everyType(new SplittableRandom(1))) {
      Message expected = copyOf(message);
      assertThat(sender.writeOutbound(message)).isTrue();
      ByteBuf frame = sender.readOutbound();
      assertThat(receiver.writeInbound(frame)).isTrue();
      Message decoded = receiver.readInbound();
      assertSame(decoded, expected);
      release(decoded);
      release(expected);
      if (message instanceof Sample sent) {
        assertThat(sent.refCnt()).as("the encoder released the sent sample").isZero();
      }
    }
    assertThat(sender.finish()).isFalse();
    assertThat(receiver.finish()).isFalse();
  }

  @Test
  void encode_sample_releasesTheSampleOnceAndKeepsPixelsUncopied() {
    Sample sample = Messages.sample(new SplittableRandom(2), 2, 1000);
    ByteBuf pixels = sample.pixels();
    EmbeddedChannel sender = channel();
    sender.writeOutbound(sample.retain()); // the test keeps one reference to look at the pixels
    ByteBuf frame = sender.readOutbound();
    assertThat(sample.refCnt()).isEqualTo(2); // the test's and the frame's
    pixels.setByte(0, pixels.getByte(0) ^ 0xFF);
    assertThat(frame.getByte(frame.readableBytes() - 1000)).isEqualTo(pixels.getByte(0));
    frame.release();
    sample.release();
    assertThat(sample.refCnt()).isZero();
    sender.finish();
  }

  @Test
  void decode_sample_pixelsAreASliceOfTheFrame() {
    Sample original = Messages.sample(new SplittableRandom(3), 1, 500);
    byte[] bytes = Messages.encode(original, MAX);
    original.release();
    ByteBuf frame = alloc.wrap(bytes).skipBytes(Protocol.LENGTH_BYTES);
    Sample sample = (Sample) MessageDecoder.decode(frame);
    received.add(sample);
    frame.setByte(bytes.length - 500, 0x5A); // absolute index: the length prefix is still there
    frame.setByte(bytes.length - 500 + 1, 0xA5);
    assertThat(sample.pixels().getUnsignedByte(0)).isEqualTo((short) 0x5A);
    assertThat(sample.pixels().getUnsignedByte(1)).isEqualTo((short) 0xA5);
    frame.release();
    assertThat(sample.refCnt()).as("the slice keeps the frame alive").isOne();
    sample.release();
  }

  @Test
  void decode_framesFedOneByteAtATime_decodeEveryMessage() {
    for (Message message : Messages.everyType(new SplittableRandom(4))) {
      Message expected = copyOf(message);
      byte[] bytes = Messages.encode(message, MAX);
      release(message);
      EmbeddedChannel receiver = channel();
      for (int i = 0; i < bytes.length; i++) {
        receiver.writeInbound(Unpooled.wrappedBuffer(bytes, i, 1));
        if (i < bytes.length - 1) {
          assertThat((Object) receiver.readInbound()).as("nothing before byte %d of %d", i + 1, bytes.length).isNull();
        }
      }
      Message decoded = receiver.readInbound();
      assertSame(decoded, expected);
      release(decoded);
      release(expected);
      assertThat(receiver.finish()).isFalse();
    }
  }

  @Test
  void decode_severalFramesInOneBuffer_decodesThemInOrder() {
    List<Message> messages = Messages.everyType(new SplittableRandom(5));
    ByteBuf all = alloc.buffer();
    List<Message> expected = new ArrayList<>();
    for (Message message : messages) {
      expected.add(copyOf(message));
      all.writeBytes(Messages.encode(message, MAX));
      release(message);
    }
    EmbeddedChannel receiver = channel();
    receiver.writeInbound(all);
    for (Message e : expected) {
      Message decoded = receiver.readInbound();
      assertSame(decoded, e);
      release(decoded);
      release(e);
    }
    assertThat(receiver.finish()).isFalse();
  }

  @Test
  void encode_freeTextOverTheLimit_isCutAtACharacterBoundary() {
    String error = "a" + "é".repeat(40_000); // 80,001 bytes: the limit falls inside an "é"
    EmbeddedChannel channel = channel();
    channel.writeOutbound(new Failed(1, 2, 3, "x.jpg", error));
    channel.writeInbound((ByteBuf) channel.readOutbound());
    Failed failed = channel.readInbound();
    byte[] utf8 = failed.error().getBytes(StandardCharsets.UTF_8);
    assertThat(utf8.length).isLessThanOrEqualTo(Protocol.MAX_STRING16_BYTES);
    assertThat(failed.error()).endsWith("…").startsWith("aé").doesNotContain("\uFFFD");
    assertThat(failed.error().length()).isGreaterThan(32_000);
    channel.finish();
  }

  @Test
  void encode_identityOverTheLimit_failsTheWriteAndSendsNothing() {
    EmbeddedChannel channel = channel();
    ChannelFuture write = channel.writeOneOutbound(new Open("x".repeat(70_000), "{}"));
    channel.flushOutbound();
    assertThat(write.cause()).isInstanceOf(EncoderException.class).hasMessageContaining("datasetIdentity");
    assertThat((Object) channel.readOutbound()).isNull();
    channel.finish();
  }

  @Test
  void encode_chunkOverTheFrameLimit_failsBeforeAllocatingIt() {
    EmbeddedChannel channel = channel(Protocol.MIN_MAX_FRAME_BYTES);
    ChannelFuture write = channel.writeOneOutbound(new Chunk(1, 0, new int[10_000]));
    channel.flushOutbound();
    assertThat(write.cause()).isInstanceOf(EncoderException.class).hasMessageContaining("exceeds maxFrameBytes");
    assertThat(alloc.largestArray()).isLessThan(10_000);
    channel.finish();
  }

  @Test
  void encode_sampleOverTheFrameLimit_failsAndReleasesTheSample() {
    Sample sample = Messages.sample(new SplittableRandom(6), 0, 2 * Protocol.MIN_MAX_FRAME_BYTES);
    EmbeddedChannel channel = channel(Protocol.MIN_MAX_FRAME_BYTES);
    ChannelFuture write = channel.writeOneOutbound(sample);
    channel.flushOutbound();
    assertThat(write.cause()).isInstanceOf(EncoderException.class).hasMessageContaining("Sample frame of");
    assertThat(sample.refCnt()).isZero();
    channel.finish();
  }

  @Test
  void encode_badFields_failWithTheFieldNamed() {
    var a = UnpooledByteBufAllocator.DEFAULT;
    assertThatThrownBy(() -> MessageEncoder.encode(a, new Hello(1, new byte[3]), MAX))
        .isInstanceOf(EncoderException.class).hasMessageContaining("clientNonce");
    assertThatThrownBy(() -> MessageEncoder.encode(a, new Error(70_000, "x"), MAX))
        .isInstanceOf(EncoderException.class).hasMessageContaining("code");
    Sample sample = new Sample(1, 1, 1, 1, 0, new float[3], new int[1], Unpooled.buffer(1));
    assertThatThrownBy(() -> MessageEncoder.encode(a, sample, MAX))
        .isInstanceOf(EncoderException.class).hasMessageContaining("boxes");
    assertThat(sample.refCnt()).as("the static encode does not release").isOne();
    sample.release();
  }

  private EmbeddedChannel channel() {
    return channel(MAX);
  }

  private EmbeddedChannel channel(int maxFrameBytes) {
    EmbeddedChannel channel = new EmbeddedChannel();
    channel.config().setAllocator(alloc);
    Pipelines.addCodec(channel.pipeline(), maxFrameBytes);
    return channel;
  }

  /** A deep copy of a message that survives the encoder releasing the original. */
  private static Message copyOf(Message message) {
    return message instanceof Sample s
        ? new Sample(s.chunkId(), s.position(), s.index(), s.label(), s.keptBoxes(), s.boxes().clone(),
            s.boxLabels().clone(), s.encoding(), Unpooled.copiedBuffer(s.pixels()))
        : message;
  }

  private void release(Message message) {
    if (message instanceof Sample s) {
      s.release();
      received.add(s);
    }
  }

  private static void assertSame(Message decoded, Message expected) {
    assertThat(decoded).isNotNull().hasSameClassAs(expected);
    if (expected instanceof Sample e) {
      Sample d = (Sample) decoded;
      assertThat(d).usingRecursiveComparison().ignoringFields("pixels").isEqualTo(e);
      assertThat(ByteBufUtil.equals(d.pixels(), e.pixels())).as("pixels equal").isTrue();
      assertThat(d.pixels().readableBytes()).isEqualTo(e.pixels().readableBytes());
    } else {
      assertThat(decoded).usingRecursiveComparison().isEqualTo(expected);
    }
  }
}
