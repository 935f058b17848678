package dev.stoker.remote.protocol;

import io.netty.buffer.ByteBuf;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Reads the fields of one frame's payload (see {@link Protocol}), failing with a
 * {@link ProtocolException} that names the message type and the field instead of reading past the
 * end or allocating what a hostile count claims.
 */
final class FrameReader {
  private final ByteBuf in;
  private final String type;

  FrameReader(ByteBuf in, int type) {
    this.in = in;
    this.type = Protocol.typeName(type);
  }

  int i32(String field) {
    need(Integer.BYTES, field);
    return in.readInt();
  }

  /** An i32 that must not be negative. */
  int nonNegative(String field) {
    int value = i32(field);
    if (value < 0) {
      throw fail(field + " must not be negative, got " + value);
    }
    return value;
  }

  long nonNegativeI64(String field) {
    need(Long.BYTES, field);
    long value = in.readLong();
    if (value < 0) {
      throw fail(field + " must not be negative, got " + value);
    }
    return value;
  }

  int u16(String field) {
    need(Short.BYTES, field);
    return in.readUnsignedShort();
  }

  /** An unsigned byte no greater than {@code max}. */
  int u8(String field, int max) {
    need(1, field);
    int value = in.readUnsignedByte();
    if (value > max) {
      throw fail(field + " must be at most " + max + ", got " + value);
    }
    return value;
  }

  boolean bool(String field) {
    need(1, field);
    int value = in.readUnsignedByte();
    if (value > 1) {
      throw fail(field + " must be 0 or 1, got " + value);
    }
    return value == 1;
  }

  /** A bytes8 field whose length must be one of {@code allowed}. */
  byte[] bytes8(String field, int... allowed) {
    need(1, field + " length");
    int length = in.readUnsignedByte();
    boolean ok = false;
    for (int a : allowed) {
      ok |= a == length;
    }
    if (!ok) {
      throw fail(field + " has " + length + " bytes, expected " + describe(allowed));
    }
    need(length, field);
    byte[] bytes = new byte[length];
    in.readBytes(bytes);
    return bytes;
  }

  String string16(String field) {
    return utf8(u16(field + " length"), field);
  }

  String string32(String field, int maxBytes) {
    return utf8(count(field + " length", 1, maxBytes), field);
  }

  /**
   * A u32 count of elements of {@code elementBytes} each, checked against the bytes left in the
   * frame (and {@code max}) before anyone allocates for it.
   */
  int count(String field, int elementBytes, int max) {
    need(Integer.BYTES, field);
    long count = in.readUnsignedInt();
    if (count > max) {
      throw fail(field + " is " + count + ", more than the limit of " + max);
    }
    if (count * elementBytes > in.readableBytes()) {
      throw fail(field + " is " + count + " but only " + in.readableBytes() + " bytes remain, "
          + count * elementBytes + " needed");
    }
    return (int) count;
  }

  int[] ints(int count) {
    int[] values = new int[count];
    for (int i = 0; i < count; i++) {
      values[i] = in.readInt();
    }
    return values;
  }

  float[] floats(int count) {
    float[] values = new float[count];
    for (int i = 0; i < count; i++) {
      values[i] = in.readFloat();
    }
    return values;
  }

  /** The bytes not read yet. */
  int remaining() {
    return in.readableBytes();
  }

  /** Fails unless the payload was consumed exactly. */
  void end() {
    if (in.isReadable()) {
      throw fail(in.readableBytes() + " trailing bytes after the payload");
    }
  }

  ProtocolException fail(String reason) {
    return new ProtocolException(type + " frame: " + reason);
  }

  private void need(int bytes, String field) {
    if (in.readableBytes() < bytes) {
      throw fail("truncated at " + field + ", " + bytes + " bytes needed, " + in.readableBytes()
          + " remain");
    }
  }

  private String utf8(int length, String field) {
    need(length, field);
    var decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    try {
      String value = decoder.decode(in.nioBuffer(in.readerIndex(), length)).toString();
      in.skipBytes(length);
      return value;
    } catch (CharacterCodingException e) {
      throw fail(field + " is not valid UTF-8");
    }
  }

  private static String describe(int[] allowed) {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < allowed.length; i++) {
      text.append(i == 0 ? "" : i == allowed.length - 1 ? " or " : ", ").append(allowed[i]);
    }
    return text.toString();
  }
}
