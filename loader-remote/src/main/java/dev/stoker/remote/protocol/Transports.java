package dev.stoker.remote.protocol;

import dev.stoker.api.LoaderException;
import dev.stoker.api.internal.Checks;
import dev.stoker.remote.wire.Transport;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;

/**
 * What a {@link Transport} means in Netty: the {@link IoHandlerFactory} of the event loops and the
 * classes of the channels, the same for the node and the client. {@link Transport#AUTO} takes
 * io_uring if Netty can use it here, else epoll, else NIO; a transport named explicitly that this
 * machine cannot use fails, with Netty's reason (no native library for this platform, a kernel too
 * old, io_uring blocked by a seccomp filter...).
 *
 * <pre>{@code
 * Transports.Choice t = Transports.choose(Transport.AUTO);
 * EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, t.ioHandlerFactory());
 * new Bootstrap().group(group).channel(t.socketChannel());
 * }</pre>
 */
public final class Transports {
  private Transports() {}

  /**
   * A transport that works on this machine.
   *
   * @param transport the concrete transport (never {@link Transport#AUTO})
   * @param socketChannel the class of client channels
   * @param serverSocketChannel the class of listening channels
   */
  public record Choice(Transport transport, Class<? extends SocketChannel> socketChannel,
      Class<? extends ServerSocketChannel> serverSocketChannel) {
    /**
     * A new factory for the I/O handlers of an event loop group.
     *
     * @return a factory for this transport's handlers
     */
    public IoHandlerFactory ioHandlerFactory() {
      return switch (transport) {
        case IO_URING -> IoUringIoHandler.newFactory();
        case EPOLL -> EpollIoHandler.newFactory();
        default -> NioIoHandler.newFactory();
      };
    }

    /**
     * The name for logs, e.g. {@code "epoll"}.
     *
     * @return the transport's name in lower case
     */
    public String label() {
      return transport.name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /**
   * The transport to use for {@code wanted}.
   *
   * @param wanted the transport asked for, not null
   * @return the transport to use
   * @throws LoaderException if {@code wanted} names a transport this machine cannot use, with the reason
   */
  public static Choice choose(Transport wanted) {
    return choose(wanted, NETTY);
  }

  /** Whether a native transport can be used, and why not: Netty's checks, or a test's. */
  interface Probe {
    /** Null if {@code transport} (EPOLL or IO_URING) can be used, else why not. */
    Throwable unavailability(Transport transport);
  }

  /** Netty's own checks (they load the native library; a platform without one is a cause too). */
  static final Probe NETTY = transport -> {
    try {
      return switch (transport) {
        case EPOLL -> Epoll.isAvailable() ? null : nonNull(Epoll.unavailabilityCause());
        case IO_URING -> IoUring.isAvailable() ? null : nonNull(IoUring.unavailabilityCause());
        default -> null;
      };
    } catch (LinkageError e) {
      return e;
    }
  };

  /** {@link #choose(Transport)} with availability from {@code probe}. */
  static Choice choose(Transport wanted, Probe probe) {
    Checks.notNull(wanted, "wanted");
    return switch (wanted) {
      case AUTO -> probe.unavailability(Transport.IO_URING) == null ? ioUring()
          : probe.unavailability(Transport.EPOLL) == null ? epoll() : nio();
      case NIO -> nio();
      case EPOLL, IO_URING -> {
        Throwable cause = probe.unavailability(wanted);
        if (cause != null) {
          throw new LoaderException("transport " + wanted.name().toLowerCase(java.util.Locale.ROOT)
              + " is not available on this machine: " + describe(cause)
              + "; use --transport auto (the best available) or nio", cause);
        }
        yield wanted == Transport.EPOLL ? epoll() : ioUring();
      }
    };
  }

  private static Throwable nonNull(Throwable cause) {
    return cause != null ? cause : new IllegalStateException("no reason given");
  }

  /**
   * Whether this machine can use {@code transport} ({@link Transport#AUTO} and {@link Transport#NIO}: always).
   *
   * @param transport the transport, not null
   * @return true if {@link #choose} would accept it
   */
  public static boolean isAvailable(Transport transport) {
    return unavailabilityReason(transport) == null;
  }

  /**
   * Why this machine cannot use {@code transport}, or null if it can.
   *
   * @param transport the transport, not null
   * @return the reason in words, or null
   */
  public static String unavailabilityReason(Transport transport) {
    Checks.notNull(transport, "transport");
    Throwable cause = transport == Transport.AUTO || transport == Transport.NIO ? null : NETTY.unavailability(transport);
    return cause == null ? null : describe(cause);
  }

  private static Choice nio() {
    return new Choice(Transport.NIO, NioSocketChannel.class, NioServerSocketChannel.class);
  }

  private static Choice epoll() {
    return new Choice(Transport.EPOLL, EpollSocketChannel.class, EpollServerSocketChannel.class);
  }

  private static Choice ioUring() {
    return new Choice(Transport.IO_URING, IoUringSocketChannel.class, IoUringServerSocketChannel.class);
  }

  /** A cause and its causes in one line. */
  private static String describe(Throwable cause) {
    if (cause == null) {
      return "no reason given";
    }
    StringBuilder text = new StringBuilder();
    for (Throwable t = cause; t != null && text.length() < 600; t = t.getCause()) {
      if (!text.isEmpty()) {
        text.append(" <- ");
      }
      text.append(t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName());
    }
    return text.toString();
  }
}
