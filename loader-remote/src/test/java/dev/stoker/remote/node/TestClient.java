package dev.stoker.remote.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stoker.remote.protocol.Message.Auth;
import dev.stoker.remote.protocol.Message.Hello;
import dev.stoker.remote.protocol.Message.Open;
import dev.stoker.remote.protocol.Message.Ready;
import dev.stoker.remote.protocol.Message.Welcome;
import dev.stoker.remote.protocol.Message;
import dev.stoker.remote.protocol.Pipelines;
import dev.stoker.remote.protocol.Protocol;
import dev.stoker.remote.protocol.TokenAuth;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A bare protocol client for the node tests: sends messages, queues what it receives, and knows
 * the handshake. Not the real client (that is {@code RemoteSource}); it lets tests break the rules.
 */
final class TestClient implements AutoCloseable {
  /** How long a test waits for the next message; only a hang ever reaches it. */
  static final long WAIT_SECONDS = 20;

  private static final EventLoopGroup LOOPS = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
  private static final Object CLOSED = new Object();

  private final BlockingQueue<Object> received = new LinkedBlockingQueue<>();
  final Channel channel;
  Welcome welcome;
  byte[] clientNonce;

  private TestClient(InetSocketAddress address, SslContext ssl) {
    ChannelFuture connected = new Bootstrap().group(LOOPS).channel(NioSocketChannel.class)
        .handler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            if (ssl != null) {
              ch.pipeline().addLast(ssl.newHandler(ch.alloc(), address.getHostString(), address.getPort()));
            }
            Pipelines.addCodec(ch.pipeline(), Protocol.DEFAULT_MAX_FRAME_BYTES);
            ch.pipeline().addLast(new SimpleChannelInboundHandler<Message>(false) {
              @Override
              protected void channelRead0(ChannelHandlerContext ctx, Message msg) {
                received.add(msg);
              }

              @Override
              public void channelInactive(ChannelHandlerContext ctx) {
                received.add(CLOSED);
              }

              @Override
              public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                ctx.close();
              }
            });
          }
        }).connect(address).syncUninterruptibly();
    this.channel = connected.channel();
  }

  static TestClient connect(InetSocketAddress address) {
    return new TestClient(address, null);
  }

  static TestClient connect(InetSocketAddress address, SslContext ssl) {
    return new TestClient(address, ssl);
  }

  /** Connects and completes the handshake (token may be null, identity "" for any dataset). */
  static TestClient ready(InetSocketAddress address, SslContext ssl, byte[] token, String identity, String planJson) {
    TestClient client = new TestClient(address, ssl);
    Message.Dataset dataset = client.handshake(token, identity, planJson).next(Message.Dataset.class);
    if (token != null) {
      assertThat(TokenAuth.verify(TokenAuth.nodeProof(token, client.clientNonce, client.welcome.nodeNonce()),
          dataset.nodeProof())).as("node proof").isTrue();
    }
    client.next(Ready.class);
    return client;
  }

  /** Hello, Welcome, Auth, Open; the caller reads what the node answers to AUTH (DATASET) and OPEN. */
  TestClient handshake(byte[] token, String identity, String planJson) {
    clientNonce = TokenAuth.nonce();
    send(new Hello(Protocol.VERSION, clientNonce));
    welcome = next(Welcome.class);
    send(new Auth(token == null ? new byte[0] : TokenAuth.clientProof(token, welcome.nodeNonce(), clientNonce)));
    send(new Open(identity, planJson));
    return this;
  }

  void send(Message message) {
    channel.writeAndFlush(message);
  }

  /** The next message, failing the test if the connection closed or nothing came. */
  Message next() {
    Object next;
    try {
      next = received.poll(WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
    if (next == null) {
      throw new AssertionError("no message within " + WAIT_SECONDS + " s");
    }
    if (next == CLOSED) {
      received.add(CLOSED);
      throw new AssertionError("the node closed the connection");
    }
    return (Message) next;
  }

  <T extends Message> T next(Class<T> type) {
    Message message = next();
    if (!type.isInstance(message)) {
      ReferenceCountUtil.release(message);
      throw new AssertionError("expected " + type.getSimpleName() + ", got " + message);
    }
    return type.cast(message);
  }

  /** Whether the connection closed, after any messages still queued (which are released). */
  boolean awaitClosed() {
    try {
      while (true) {
        Object next = received.poll(WAIT_SECONDS, TimeUnit.SECONDS);
        if (next == null || next == CLOSED) {
          return next == CLOSED;
        }
        ReferenceCountUtil.release(next);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** The messages received so far, without waiting (the caller releases them). */
  List<Message> drainNow() {
    List<Message> out = new ArrayList<>();
    Object next;
    while ((next = received.peek()) != null && next != CLOSED) {
      out.add((Message) received.poll());
    }
    return out;
  }

  @Override
  public void close() {
    channel.close().syncUninterruptibly();
    channel.eventLoop().submit(() -> { }).syncUninterruptibly(); // the inbound handler has seen the close
    Object next;
    while ((next = received.poll()) != null) {
      ReferenceCountUtil.release(next);
    }
  }
}
