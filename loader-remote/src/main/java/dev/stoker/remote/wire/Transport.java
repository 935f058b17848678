package dev.stoker.remote.wire;

/**
 * Which socket implementation carries a connection. {@link #AUTO} takes the fastest the machine
 * offers (io_uring, then epoll, then NIO); naming one that the machine lacks fails with the reason.
 *
 * <pre>{@code
 * DataNodeConfig config = DataNodeConfig.loopback(source).withWire(WireOptions.defaults().withTransport(Transport.NIO));
 * }</pre>
 */
public enum Transport {
  /** The best the machine offers: io_uring, else epoll, else NIO. */
  AUTO,
  /** Java NIO: everywhere. */
  NIO,
  /** Linux epoll (Netty's native transport). */
  EPOLL,
  /** Linux io_uring (Netty's native transport; kernel 5.14 or later, and not blocked by seccomp). */
  IO_URING
}
