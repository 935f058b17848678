package dev.stoker.remote.wire;

import dev.stoker.api.internal.Checks;

/**
 * How one end of a loader–node connection uses the wire: its {@link Transport}, the
 * {@link Compression} it offers (a client) or allows (a node), and a cap on the bytes it sends
 * per second ({@code 0}: none), e.g. to leave room on a shared link.
 *
 * <pre>{@code
 * WireOptions wire = WireOptions.defaults().withCompression(Compression.NONE).withSendLimit(125_000_000L); // 1 Gb/s
 * }</pre>
 *
 * @param transport the socket implementation
 * @param compression the sample compression offered (client) or allowed (node)
 * @param sendBytesPerSecond the most bytes sent per second over all connections, 0 for no limit
 */
public record WireOptions(Transport transport, Compression compression, long sendBytesPerSecond) {
  /** Validates. */
  public WireOptions {
    Checks.notNull(transport, "transport");
    Checks.notNull(compression, "compression");
    Checks.argument(sendBytesPerSecond >= 0, "sendBytesPerSecond", "must not be negative, got " + sendBytesPerSecond);
  }

  /**
   * The defaults: {@link Transport#AUTO}, {@link Compression#NONE}, no send limit.
   *
   * @return the default wire options
   */
  public static WireOptions defaults() {
    return new WireOptions(Transport.AUTO, Compression.NONE, 0);
  }

  /**
   * These options with another transport.
   *
   * @param transport the transport, not null
   * @return new options; these are unchanged
   */
  public WireOptions withTransport(Transport transport) {
    return new WireOptions(transport, compression, sendBytesPerSecond);
  }

  /**
   * These options with another compression.
   *
   * @param compression the compression, not null
   * @return new options; these are unchanged
   */
  public WireOptions withCompression(Compression compression) {
    return new WireOptions(transport, compression, sendBytesPerSecond);
  }

  /**
   * These options with a send limit.
   *
   * @param bytesPerSecond the most bytes sent per second, 0 for no limit
   * @return new options; these are unchanged
   */
  public WireOptions withSendLimit(long bytesPerSecond) {
    return new WireOptions(transport, compression, bytesPerSecond);
  }
}
