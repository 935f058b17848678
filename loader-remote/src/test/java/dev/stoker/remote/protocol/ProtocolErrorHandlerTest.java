package dev.stoker.remote.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoker.remote.protocol.Message.Credit;
import dev.stoker.remote.protocol.Message.Error;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelConfig;
import io.netty.channel.DefaultChannelConfig;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ProtocolErrorHandlerTest {
  private final TrackingAllocator alloc = new TrackingAllocator();
  private final EmbeddedChannel channel = new EmbeddedChannel();

  ProtocolErrorHandlerTest() {
    channel.config().setAllocator(alloc);
    Pipelines.addCodec(channel.pipeline(), Protocol.DEFAULT_MAX_FRAME_BYTES);
  }

  @AfterEach
  void everythingReleased() {
    channel.finishAndReleaseAll();
    assertThat(alloc.unreleased()).isEmpty();
  }

  @Test
  void oversizedLength_answersErrorAndClosesWithoutAllocatingTheClaim() {
    ByteBuf claim = alloc.buffer().writeInt(Integer.MAX_VALUE).writeZero(100);
    channel.writeInbound(claim);
    assertThat(channel.isOpen()).isFalse();
    assertThat(sentError()).isEqualTo(new Error(Error.PROTOCOL,
        "frame of 2147483651 bytes exceeds the limit of 67108864 bytes"));
    assertThat(alloc.largestArray()).isLessThan(1 << 20);
    assertThat((Object) channel.readInbound()).isNull();
  }

  @Test
  void unsignedLengthAboveTwoGigabytes_isRefusedToo() {
    channel.writeInbound(alloc.buffer().writeInt(0xFFFF_FFFF));
    assertThat(channel.isOpen()).isFalse();
    assertThat(sentError().message()).contains("frame of 4294967299 bytes exceeds the limit");
  }

  @Test
  void garbageBytes_answerErrorAndClose() {
    channel.writeInbound(alloc.wrap("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
    assertThat(channel.isOpen()).isFalse();
    assertThat(sentError().code()).isEqualTo(Error.PROTOCOL);
  }

  @Test
  void otherVersion_answersErrorWithTheVersionCode() {
    channel.writeInbound(alloc.wrap(Messages.frame(7, Protocol.HELLO, b -> b.writeInt(Protocol.MAGIC))));
    assertThat(channel.isOpen()).isFalse();
    assertThat(sentError()).isEqualTo(new Error(Error.VERSION, "peer speaks protocol version 7, this side speaks " + Protocol.VERSION));
  }

  @Test
  void framesAfterABadOne_neverReachTheNextHandler() {
    byte[] bad = Messages.frame(99, b -> {});
    byte[] good = Messages.encode(new Credit(5), Protocol.DEFAULT_MAX_FRAME_BYTES);
    byte[] both = Arrays.copyOf(bad, bad.length + 2 * good.length);
    System.arraycopy(good, 0, both, bad.length, good.length);
    System.arraycopy(good, 0, both, bad.length + good.length, good.length);
    channel.writeInbound(alloc.wrap(both));
    assertThat(channel.isOpen()).isFalse();
    assertThat(sentError().message()).isEqualTo("unknown message type 99");
    assertThat((Object) channel.readInbound()).isNull();
  }

  @Test
  void goodFramesBeforeABadOne_areDelivered() {
    byte[] good = Messages.encode(new Credit(5), Protocol.DEFAULT_MAX_FRAME_BYTES);
    byte[] bad = Messages.frame(Protocol.CREDIT, b -> b.writeInt(-1));
    byte[] both = Arrays.copyOf(good, good.length + bad.length);
    System.arraycopy(bad, 0, both, good.length, bad.length);
    channel.writeInbound(alloc.wrap(both));
    assertThat((Object) channel.readInbound()).isEqualTo(new Credit(5));
    assertThat(channel.isOpen()).isFalse();
    assertThat(sentError().message()).contains("credits must not be negative");
  }

  @Test
  void connectionClosedInsideAFrame_deliversNothingAndRaisesNothing() {
    byte[] credit = Messages.encode(new Credit(5), Protocol.DEFAULT_MAX_FRAME_BYTES);
    channel.writeInbound(alloc.wrap(Arrays.copyOf(credit, credit.length - 1)));
    assertThat(channel.isOpen()).isTrue();
    assertThat(channel.finish()).as("no message, no escaped exception").isFalse();
    assertThat((Object) channel.readOutbound()).as("no ERROR on a closed channel").isNull();
  }

  @Test
  void closedInsideAFrame_isReportedAsAProtocolError() {
    FailureSpy spy = new FailureSpy();
    channel.pipeline().addBefore(Pipelines.PROTOCOL_ERRORS, "spy", spy);
    channel.writeInbound(alloc.wrap(new byte[] {0, 0, 0, 9, 1}));
    channel.close();
    assertThat(spy.failures).singleElement().isInstanceOf(ProtocolException.class)
        .extracting(Throwable::getMessage).isEqualTo("connection closed after 5 bytes of a 13-byte frame");
  }

  @Test
  void closedInsideAFrame_onAChannelThatCannotStopReadingOnceClosed_closesWithoutThrowing() {
    NioLikeChannel nio = new NioLikeChannel();
    nio.config().setAllocator(alloc);
    Pipelines.addCodec(nio.pipeline(), Protocol.DEFAULT_MAX_FRAME_BYTES);
    FailureSpy spy = new FailureSpy();
    nio.pipeline().addBefore(Pipelines.PROTOCOL_ERRORS, "spy", spy);
    nio.writeInbound(alloc.wrap(new byte[] {0, 0, 0, 9, 1}));
    nio.close();
    assertThat(spy.failures).singleElement().isInstanceOf(ProtocolException.class);
    assertThat(nio.isOpen()).isFalse();
    assertThat(nio.finishAndReleaseAll()).isFalse();
    assertThat(nio.autoReadClearedWhileClosed).as("auto-read switched off on the closed channel").isFalse();
    assertThat((Object) nio.readOutbound()).as("no ERROR on a closed channel").isNull();
  }

  @Test
  void otherExceptions_goOnDownThePipeline() {
    channel.pipeline().fireExceptionCaught(new IllegalStateException("not ours"));
    assertThat(channel.isOpen()).isTrue();
    assertThatThrownBy(channel::checkException).isInstanceOf(IllegalStateException.class).hasMessage("not ours");
  }

  /**
   * An embedded channel whose config fails as an NIO channel's does when auto-read is switched
   * off after the channel closed (Netty's NIO transport throws a NullPointerException there).
   */
  private static final class NioLikeChannel extends EmbeddedChannel {
    private ChannelConfig config;
    /** Whether anything switched auto-read off after the close (Netty only logs what it throws). */
    boolean autoReadClearedWhileClosed;

    @Override
    public ChannelConfig config() {
      if (config == null) { // called from EmbeddedChannel's constructor, before field initialisers run
        config = new DefaultChannelConfig(this) {
          @Override
          protected void autoReadCleared() {
            if (!isOpen()) {
              autoReadClearedWhileClosed = true;
              throw new NullPointerException("no registration: the channel is closed");
            }
          }
        };
      }
      return config;
    }
  }

  private Error sentError() {
    ByteBuf frame = channel.readOutbound();
    assertThat(frame).as("an ERROR frame was sent").isNotNull();
    try {
      return (Error) MessageDecoder.decode(frame.skipBytes(Protocol.LENGTH_BYTES));
    } finally {
      frame.release();
    }
  }
}
