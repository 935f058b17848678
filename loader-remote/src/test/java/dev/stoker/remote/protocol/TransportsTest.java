package dev.stoker.remote.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.stoker.api.LoaderException;
import dev.stoker.remote.wire.Transport;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which transport a name stands for on this machine, and why one cannot be had. */
class TransportsTest {
  @Test
  void choose_auto_theFirstAvailableOfIoUringEpollNio() {
    Transport expected = Transports.isAvailable(Transport.IO_URING) ? Transport.IO_URING
        : Transports.isAvailable(Transport.EPOLL) ? Transport.EPOLL : Transport.NIO;
    Transports.Choice auto = Transports.choose(Transport.AUTO);
    assertThat(auto.transport()).isEqualTo(expected);
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, auto.ioHandlerFactory()); // it really starts
    group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
  }

  @Test
  void choose_nio_alwaysNio() {
    Transports.Choice nio = Transports.choose(Transport.NIO);
    assertThat(nio.transport()).isEqualTo(Transport.NIO);
    assertThat(nio.socketChannel()).isEqualTo(NioSocketChannel.class);
    assertThat(nio.label()).isEqualTo("nio");
    assertThat(Transports.unavailabilityReason(Transport.NIO)).isNull();
  }

  @Test
  void choose_availableNativeTransport_thatTransport() {
    List<Transport> available = Arrays.stream(new Transport[] {Transport.EPOLL, Transport.IO_URING})
        .filter(Transports::isAvailable).toList();
    for (Transport t : available) {
      assertThat(Transports.choose(t).transport()).isEqualTo(t);
      assertThat(Transports.unavailabilityReason(t)).isNull();
    }
  }

  @Test
  void choose_epollNamedButUnavailable_failsNamingItAndTheReason() {
    Transports.Probe noEpoll = t -> t == Transport.EPOLL ? new IllegalStateException("no epoll here",
        new UnsatisfiedLinkError("libnetty_transport_native_epoll_x86_64.so")) : null;
    assertThatThrownBy(() -> Transports.choose(Transport.EPOLL, noEpoll))
        .isInstanceOf(LoaderException.class)
        .hasMessage("transport epoll is not available on this machine: no epoll here <- "
            + "libnetty_transport_native_epoll_x86_64.so; use --transport auto (the best available) or nio");
    assertThat(Transports.choose(Transport.IO_URING, noEpoll).transport()).isEqualTo(Transport.IO_URING); // the control
  }

  @Test
  void choose_autoWithoutIoUring_epoll_andWithoutEither_nio() {
    Throwable no = new IllegalStateException("blocked by seccomp");
    assertThat(Transports.choose(Transport.AUTO, t -> null).transport()).isEqualTo(Transport.IO_URING);
    assertThat(Transports.choose(Transport.AUTO, t -> t == Transport.IO_URING ? no : null).transport())
        .isEqualTo(Transport.EPOLL);
    assertThat(Transports.choose(Transport.AUTO, t -> no).transport()).isEqualTo(Transport.NIO);
    assertThatThrownBy(() -> Transports.choose(Transport.IO_URING, t -> no))
        .hasMessageContaining("transport io_uring is not available on this machine: blocked by seccomp");
  }

  @Test
  void choose_unavailableNativeTransportHere_failsNamingItAndNettysReason() {
    Transport missing = Transports.isAvailable(Transport.IO_URING) ? Transport.EPOLL : Transport.IO_URING;
    assumeTrue(!Transports.isAvailable(missing), "every transport is available on this machine");
    String name = missing.name().toLowerCase();
    assertThatThrownBy(() -> Transports.choose(missing))
        .isInstanceOf(LoaderException.class)
        .hasMessageStartingWith("transport " + name + " is not available on this machine: "
            + Transports.unavailabilityReason(missing))
        .hasMessageEndingWith("; use --transport auto (the best available) or nio");
    assertThat(Transports.unavailabilityReason(missing)).isNotBlank();
  }
}
