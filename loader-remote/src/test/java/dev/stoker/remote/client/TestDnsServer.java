package dev.stoker.remote.client;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.handler.codec.dns.DatagramDnsQuery;
import io.netty.handler.codec.dns.DatagramDnsQueryDecoder;
import io.netty.handler.codec.dns.DatagramDnsResponse;
import io.netty.handler.codec.dns.DatagramDnsResponseEncoder;
import io.netty.handler.codec.dns.DefaultDnsQuestion;
import io.netty.handler.codec.dns.DefaultDnsRawRecord;
import io.netty.handler.codec.dns.DnsQuestion;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsResponseCode;
import io.netty.handler.codec.dns.DnsSection;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A tiny authoritative DNS server on UDP loopback for the discovery tests, written with Netty's DNS
 * codec: it answers A and AAAA questions for the names it was told ({@link #answer}), with TTL 0,
 * NXDOMAIN for any other name, and the test changes the answer whenever it likes (mid-epoch).
 *
 * <pre>{@code
 * try (TestDnsServer dns = TestDnsServer.start()) {
 *   dns.answer("nodes.stoker.test", InetAddress.getByName("127.0.0.2"));
 *   NodeDiscovery nodes = NodeDiscovery.dns("nodes.stoker.test", 7311, dns.address());
 * }
 * }</pre>
 */
final class TestDnsServer implements AutoCloseable {
  private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final Map<String, List<InetAddress>> answers = new ConcurrentHashMap<>();
  private final AtomicInteger queries = new AtomicInteger();
  private Channel channel;

  private TestDnsServer() {}

  static TestDnsServer start() {
    TestDnsServer server = new TestDnsServer();
    server.channel = new Bootstrap().group(server.group).channel(NioDatagramChannel.class)
        .handler(new ChannelInitializer<DatagramChannel>() {
          @Override
          protected void initChannel(DatagramChannel ch) {
            ch.pipeline().addLast(new DatagramDnsQueryDecoder(), new DatagramDnsResponseEncoder(), server.new Answerer());
          }
        })
        .bind(InetAddress.getLoopbackAddress(), 0).syncUninterruptibly().channel();
    return server;
  }

  /** Where it listens (UDP). */
  InetSocketAddress address() {
    return (InetSocketAddress) channel.localAddress();
  }

  /** From now on {@code name} resolves to {@code addresses} (none: NXDOMAIN). */
  void answer(String name, InetAddress... addresses) {
    answers.put(name.toLowerCase(Locale.ROOT), List.of(addresses));
  }

  /** Questions answered so far. */
  int queries() {
    return queries.get();
  }

  private final class Answerer extends SimpleChannelInboundHandler<DatagramDnsQuery> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramDnsQuery query) {
      queries.incrementAndGet();
      DatagramDnsResponse response = new DatagramDnsResponse(query.recipient(), query.sender(), query.id());
      response.setAuthoritativeAnswer(true).setRecursionDesired(query.isRecursionDesired());
      DnsQuestion question = query.recordAt(DnsSection.QUESTION);
      if (question == null) {
        ctx.writeAndFlush(response.setCode(DnsResponseCode.FORMERR));
        return;
      }
      String name = question.name().toLowerCase(Locale.ROOT);
      name = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
      response.addRecord(DnsSection.QUESTION, new DefaultDnsQuestion(question.name(), question.type()));
      List<InetAddress> addresses = answers.getOrDefault(name, List.of());
      if (addresses.isEmpty()) {
        ctx.writeAndFlush(response.setCode(DnsResponseCode.NXDOMAIN));
        return;
      }
      for (InetAddress a : addresses) {
        boolean match = question.type() == DnsRecordType.A ? a instanceof Inet4Address
            : question.type() == DnsRecordType.AAAA && a instanceof Inet6Address;
        if (match) {
          response.addRecord(DnsSection.ANSWER, new DefaultDnsRawRecord(question.name(), question.type(), 0,
              Unpooled.wrappedBuffer(a.getAddress())));
        }
      }
      ctx.writeAndFlush(response);
    }
  }

  @Override
  public void close() {
    channel.close().syncUninterruptibly();
    group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
  }
}
