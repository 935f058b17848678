package dev.stoker.remote.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoker.remote.protocol.Message.Error;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.function.Consumer;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;

/** Frames that break the protocol, decoded directly (the channel side is in ProtocolErrorHandlerTest). */
class MessageDecoderTest {
  private static final byte[] NONCE = new byte[Protocol.NONCE_BYTES];

  @Test
  void decode_unknownType_namesTheType() {
    assertFails(Messages.frame(42, b -> {})).hasMessageContaining("unknown message type 42");
  }

  @Test
  void decode_otherVersion_failsWithTheVersionCode() {
    byte[] frame = Messages.frame(Protocol.VERSION + 1, Protocol.CREDIT, b -> b.writeInt(1));
    assertFails(frame).hasMessageContaining("version " + (Protocol.VERSION + 1)).extracting(e -> ((ProtocolException) e).code())
        .isEqualTo(Error.VERSION);
  }

  @Test
  void decode_errorOfAnotherVersion_isStillUnderstood() {
    byte[] frame = Messages.frame(9, Protocol.ERROR, b -> b.writeShort(Error.VERSION).writeShort(3).writeBytes("v9!".getBytes()));
    assertThat(decode(frame)).isEqualTo(new Error(Error.VERSION, "v9!"));
  }

  @Test
  void decode_frameShorterThanItsHeader_fails() {
    assertFails(new byte[] {0, 0, 0, 1, 1}).hasMessageContaining("shorter than its 2-byte header");
  }

  @Test
  void decode_truncatedPayload_namesTheField() {
    assertFails(Messages.frame(Protocol.CHUNK_DONE, b -> b.writeShort(7)))
        .hasMessageContaining("CHUNK_DONE frame: truncated at chunkId");
  }

  @Test
  void decode_trailingBytes_fail() {
    assertFails(Messages.frame(Protocol.CANCEL, b -> b.writeInt(7).writeByte(0)))
        .hasMessageContaining("1 trailing bytes");
  }

  @Test
  void decode_hugeArrayCount_failsWithoutAllocating() {
    // 2^31 - 1 ints would be 8 GiB; the count is checked against the 8 bytes left first
    assertFails(Messages.frame(Protocol.CHUNK, b -> b.writeInt(1).writeInt(0).writeInt(Integer.MAX_VALUE).writeLong(0)))
        .hasMessageContaining("indices count is 2147483647 but only 8 bytes remain");
  }

  @Test
  void decode_countAboveSignedRange_fails() {
    assertFails(Messages.frame(Protocol.CHUNK, b -> b.writeInt(1).writeInt(0).writeInt(0x8000_0000)))
        .hasMessageContaining("indices count is 2147483648, more than the limit");
  }

  @Test
  void decode_hugeBoxCount_failsWithoutAllocating() {
    assertFails(Messages.frame(Protocol.SAMPLE, b -> b.writeInt(1).writeInt(2).writeInt(3).writeInt(4).writeInt(0)
        .writeInt(0x4000_0000).writeInt(0)))
        .hasMessageContaining("boxCount is 1073741824 but only 4 bytes remain");
  }

  @Test
  void decode_samplePixelLengthDisagreeingWithTheFrame_failsAndLeaksNothing() {
    assertSampleWithPixelBytesFails(10, "pixelBytes is 10 but only 9 bytes remain");
    assertSampleWithPixelBytesFails(8, "pixelBytes is 8 but 9 bytes remain");
  }

  private static void assertSampleWithPixelBytesFails(int pixelBytes, String reason) {
    ByteBuf frame = Unpooled.wrappedBuffer(Messages.frame(Protocol.SAMPLE, b -> b.writeInt(1).writeInt(2).writeInt(3)
        .writeInt(4).writeInt(0).writeInt(0).writeByte(Protocol.ENCODING_RAW).writeInt(pixelBytes).writeZero(9)))
        .skipBytes(4);
    assertThatThrownBy(() -> MessageDecoder.decode(frame)).isInstanceOf(ProtocolException.class)
        .hasMessageContaining(reason);
    assertThat(frame.refCnt()).isOne();
  }

  @Test
  void decode_unknownEncodings_fail() {
    assertFails(Messages.frame(Protocol.SAMPLE, b -> b.writeInt(1).writeInt(2).writeInt(3).writeInt(4).writeInt(0)
        .writeInt(0).writeByte(Protocol.MAX_ENCODING + 1).writeInt(1).writeZero(1)))
        .hasMessageContaining("encoding must be at most " + Protocol.MAX_ENCODING);
    assertFails(Messages.frame(Protocol.READY, b -> b.writeLong(10).writeInt(0).writeByte(Protocol.MAX_ENCODING + 1)))
        .hasMessageContaining("compression must be at most " + Protocol.MAX_ENCODING);
    assertFails(Messages.frame(Protocol.LEAVING, b -> b.writeInt(-1)))
        .hasMessageContaining("graceMillis must not be negative");
  }

  @Test
  void decode_negativeField_fails() {
    assertFails(Messages.frame(Protocol.CREDIT, b -> b.writeInt(-5))).hasMessageContaining("credits must not be negative");
    assertFails(Messages.frame(Protocol.READY, b -> b.writeLong(-1).writeInt(0)))
        .hasMessageContaining("sampleBytes must not be negative");
  }

  @Test
  void decode_wrongMagic_saysThePeerIsNotStoker() {
    assertFails(Messages.frame(Protocol.HELLO, b -> b.writeInt(0x48545450).writeByte(16).writeBytes(NONCE)))
        .hasMessageContaining("does not speak the Stoker protocol");
  }

  @Test
  void decode_nonceOfTheWrongSize_fails() {
    assertFails(Messages.frame(Protocol.HELLO, b -> b.writeInt(Protocol.MAGIC).writeByte(0)))
        .hasMessageContaining("clientNonce has 0 bytes, expected 16");
  }

  @Test
  void decode_proofOfTheWrongSize_fails() {
    assertFails(Messages.frame(Protocol.AUTH, b -> b.writeByte(31).writeZero(31)))
        .hasMessageContaining("proof has 31 bytes, expected 0 or 32");
  }

  @Test
  void decode_booleanOtherThanZeroOrOne_fails() {
    assertFails(welcome(b -> b.writeByte(2))).hasMessageContaining("tokenRequired must be 0 or 1");
  }

  @Test
  void decode_datasetClassCountBeyondTheFrame_failsWithoutAllocating() {
    assertFails(Messages.frame(Protocol.DATASET, b -> b.writeByte(0)
        .writeShort(0).writeInt(0).writeInt(Integer.MAX_VALUE).writeByte(0).writeInt(0)))
        .hasMessageContaining("classes count is 2147483647 but only 5 bytes remain");
  }

  @Test
  void decode_datasetWithNegativeMaxBoxCount_fails() {
    assertFails(Messages.frame(Protocol.DATASET, b -> b.writeByte(0)
        .writeShort(0).writeInt(0).writeInt(1).writeShort(1).writeByte('a').writeByte(1).writeInt(-1)))
        .hasMessageContaining("maxBoxCount must not be negative");
  }

  @Test
  void decode_invalidUtf8_fails() {
    assertFails(Messages.frame(Protocol.OPEN, b -> b.writeShort(2).writeByte(0xC3).writeByte(0x28).writeInt(0)))
        .hasMessageContaining("datasetIdentity is not valid UTF-8");
    // a UTF-16 surrogate encoded on its own (CESU-8) is not UTF-8 either
    assertFails(Messages.frame(Protocol.OPEN, b -> b.writeShort(3).writeByte(0xED).writeByte(0xA0).writeByte(0x80).writeInt(0)))
        .hasMessageContaining("not valid UTF-8");
  }

  @Test
  void decode_planLongerThanTheLimit_failsWithoutAllocating() {
    assertFails(Messages.frame(Protocol.OPEN, b -> b.writeShort(0).writeInt(Protocol.MAX_PLAN_BYTES + 1)))
        .hasMessageContaining("planJson length is 1048577, more than the limit of 1048576");
  }

  private static byte[] welcome(Consumer<ByteBuf> tokenRequired) {
    return Messages.frame(Protocol.WELCOME, b -> {
      b.writeInt(Protocol.MAGIC).writeByte(16).writeBytes(NONCE);
      tokenRequired.accept(b);
    });
  }

  private static Message decode(byte[] frame) {
    return MessageDecoder.decode(Unpooled.wrappedBuffer(frame).skipBytes(Protocol.LENGTH_BYTES));
  }

  private static AbstractThrowableAssert<?, ? extends Throwable> assertFails(byte[] frame) {
    return assertThatThrownBy(() -> decode(frame)).isInstanceOf(ProtocolException.class);
  }
}
