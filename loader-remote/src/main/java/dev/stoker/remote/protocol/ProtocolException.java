package dev.stoker.remote.protocol;

import io.netty.handler.codec.CorruptedFrameException;

/**
 * A frame broke the wire protocol (see {@link Protocol}): too long, unknown type, other version,
 * truncated payload, trailing bytes, impossible counts, invalid UTF-8. The message is the reason
 * in words; {@link #code()} is the {@link Message.Error} code to answer with.
 *
 * <pre>{@code
 * throw new ProtocolException(Message.Error.PLAN, "cannot apply the plan: " + why);
 * }</pre>
 */
public final class ProtocolException extends CorruptedFrameException {
  private static final long serialVersionUID = 1L;

  private final int code;

  /** A violation answered with {@link Message.Error#PROTOCOL}. */
  public ProtocolException(String reason) {
    this(Message.Error.PROTOCOL, reason);
  }

  /** A violation answered with {@code code}. */
  public ProtocolException(int code, String reason) {
    super(reason);
    this.code = code;
  }

  /** A violation answered with {@link Message.Error#PROTOCOL}, caused by {@code cause}. */
  public ProtocolException(String reason, Throwable cause) {
    super(reason, cause);
    this.code = Message.Error.PROTOCOL;
  }

  /** The {@link Message.Error} code to send to the peer. */
  public int code() {
    return code;
  }
}
