package dev.stoker.remote.client;

import dev.stoker.api.SampleSource;
import dev.stoker.pipeline.Loader;
import dev.stoker.pipeline.SampleMaker;
import dev.stoker.pipeline.SupplyPlan;
import dev.stoker.pipeline.ProcessedSample;
import dev.stoker.remote.protocol.DatasetIdentity;
import dev.stoker.remote.protocol.Message;
import dev.stoker.remote.protocol.Pipelines;
import dev.stoker.remote.protocol.PlanJson;
import dev.stoker.remote.protocol.Protocol;
import dev.stoker.remote.protocol.TokenAuth;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;

/**
 * A scripted data-server node for the client's tests: a Netty server on loopback with the real
 * codec that answers the handshake and serves chunks through a {@link SampleMaker}, honouring
 * credits (a position is processed only with a credit in hand, and only while the channel is
 * writable). It can require a token, claim another dataset or protocol version, and die after a
 * number of samples (then it stays down until {@link #restart()}).
 *
 * <p>It can also be hostile, as a compromised node would be: claim a huge dataset or box count
 * ({@link #claim}), rewrite every SAMPLE or FAILED it sends ({@link #tamper}), send one SAMPLE
 * past the end of each chunk ({@link #samplePastEnd}), or answer HELLO with any ERROR
 * ({@link #refuseWith}), answer a token-requiring handshake with a forged proof without knowing
 * the token ({@link #forgeProof}), or send one sample more than its credits ({@link #overspendOnce}).
 * An ERROR from the client is ignored (whether its bytes arrive before the
 * client's close resets the connection is up to TCP, so tests look at the client's log instead).
 */
final class FakeNode implements AutoCloseable {
  private final SampleSource source;
  private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final ChannelGroup children = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
  private final AtomicInteger chunks = new AtomicInteger();
  private final AtomicInteger samples = new AtomicInteger();
  private final AtomicLong credits = new AtomicLong();
  private final AtomicInteger sessions = new AtomicInteger();
  private final AtomicInteger ended = new AtomicInteger();
  private final AtomicBoolean overspent = new AtomicBoolean();
  private byte[] token;
  private String identity;
  private int welcomeVersion = Protocol.VERSION;
  private boolean refuseVersion;
  private SslContext ssl;
  private volatile int killAfter = -1;
  private Integer claimedSize;
  private Integer claimedMaxBoxCount;
  private volatile UnaryOperator<Message> tamper = UnaryOperator.identity();
  private volatile int[] pastEnd;
  private Message.Error helloError;
  private byte[] forgedProof;
  private boolean reflectProof;
  private volatile boolean overspendOnce;
  /** READY.compression: -1 for zstd when OPEN offers it (as a real node allowing it), else this code. */
  private volatile int readyCompression = Protocol.ENCODING_RAW;
  private volatile Channel server;
  private int port;

  private FakeNode(SampleSource source) {
    this.source = source;
    this.identity = DatasetIdentity.of(source);
  }

  /** A node serving {@code source}; configure it, then {@link #start()}. */
  static FakeNode serving(SampleSource source) {
    return new FakeNode(source);
  }

  FakeNode token(byte[] token) {
    this.token = token;
    return this;
  }

  /** Claims to serve {@code identity}. */
  FakeNode identity(String identity) {
    this.identity = identity;
    return this;
  }

  /** Sends its WELCOME in frame version {@code version}. */
  FakeNode welcomeVersion(int version) {
    this.welcomeVersion = version;
    return this;
  }

  /** Answers HELLO with ERROR(VERSION), as a node of another version would. */
  FakeNode refuseVersion() {
    this.refuseVersion = true;
    return this;
  }

  /** Answers HELLO with {@code Error(code, text)}. */
  FakeNode refuseWith(int code, String text) {
    this.helloError = new Message.Error(code, text);
    return this;
  }

  /**
   * Claims a dataset of {@code size} samples (its identity ends in {@code /size} too) with at
   * most {@code maxBoxCount} boxes each.
   */
  FakeNode claim(int size, int maxBoxCount) {
    this.identity = identity.substring(0, identity.lastIndexOf('/') + 1) + size;
    this.claimedSize = size;
    this.claimedMaxBoxCount = maxBoxCount;
    return this;
  }

  /**
   * Passes every SAMPLE and FAILED through {@code tamper} before sending it; a tamper that makes
   * a new SAMPLE keeps (or releases) the pixels of the one it got.
   */
  FakeNode tamper(UnaryOperator<Message> tamper) {
    this.tamper = tamper;
    return this;
  }

  /**
   * After the last position of every chunk, sends one more SAMPLE at the position one past the
   * end, as soon as it holds a credit for it (the chunk's CHUNK_DONE waits for it), with the index that the epoch's {@code order} holds there
   * (so that only the position gives it away; after the epoch's last chunk, index 0).
   */
  FakeNode samplePastEnd(int[] order) {
    this.pastEnd = order.clone();
    return this;
  }

  /**
   * Asks for a token (WELCOME says one is required) but does not know it: takes any AUTH and
   * answers with {@code proof} as its own, as an impostor would.
   */
  FakeNode forgeProof(byte[] proof) {
    this.forgedProof = proof.clone();
    return this;
  }

  /** As {@link #forgeProof}, answering with the client's own proof from its AUTH (a reflection). */
  FakeNode reflectProof() {
    this.reflectProof = true;
    return forgeProof(new byte[0]);
  }

  /**
   * In each session, sends one SAMPLE without a credit for it: the first time it holds no credit
   * but a chunk still has positions, it sends the next position anyway (a valid position and
   * index, so only the credit count gives it away).
   */
  FakeNode overspendOnce() {
    this.overspendOnce = true;
    return this;
  }

  /**
   * Answers OPEN with READY.compression {@code code} whatever the client offered, or with zstd if
   * offered for {@code -1}. Its samples stay raw unless a {@link #tamper} encodes them.
   */
  FakeNode readyCompression(int code) {
    this.readyCompression = code;
    return this;
  }

  FakeNode tls(SslContext ssl) {
    this.ssl = ssl;
    return this;
  }

  /** After {@code n} more samples sent, closes every connection and stops listening. */
  FakeNode killAfter(int n) {
    this.killAfter = samples.get() + n;
    return this;
  }

  FakeNode start() {
    server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
        .childHandler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            children.add(ch);
            if (ssl != null) {
              ch.pipeline().addLast(ssl.newHandler(ch.alloc()));
            }
            Pipelines.addCodec(ch.pipeline(), Protocol.DEFAULT_MAX_FRAME_BYTES);
            ch.pipeline().addLast(new Session());
          }
        })
        .bind(InetAddress.getLoopbackAddress(), port).syncUninterruptibly().channel();
    port = ((InetSocketAddress) server.localAddress()).getPort();
    return this;
  }

  /** Listens again on the same port after a kill. */
  FakeNode restart() {
    return start();
  }

  InetSocketAddress address() {
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
  }

  /** CHUNK messages received over all sessions. */
  int chunks() {
    return chunks.get();
  }

  /** SAMPLE and FAILED messages sent over all sessions. */
  int samples() {
    return samples.get();
  }

  /** Credits received over all sessions. */
  long credits() {
    return credits.get();
  }

  /** Sessions that reached READY. */
  int sessions() {
    return sessions.get();
  }

  /** Whether it ever had to send without a credit (it never does: it would stop instead). */
  boolean overspent() {
    return overspent.get();
  }

  /**
   * Sends LEAVING on every connection past READY, as a draining node does; it goes on serving the
   * chunks it holds (and any it is sent) and, unlike a real node, never closes a connection itself.
   * Returns once LEAVING is written.
   */
  void leave(int graceMillis) {
    for (Channel child : children) {
      child.eventLoop().submit(() -> {
        Session session = child.pipeline().get(Session.class);
        if (session != null && session.maker != null) {
          child.writeAndFlush(new Message.Leaving(graceMillis));
        }
      }).syncUninterruptibly();
    }
  }

  /** Connections that ended (by the client, unless {@link #kill} or a kill-after ended them). */
  int ended() {
    return ended.get();
  }

  /** Closes every connection and stops listening. */
  void kill() {
    Channel s = server;
    if (s != null) {
      s.close().syncUninterruptibly();
      server = null;
    }
    children.close().syncUninterruptibly();
  }

  @Override
  public void close() {
    kill();
    group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
  }

  /** A chunk being served: its next offset. */
  private static final class Work {
    final Message.Chunk chunk;
    int offset;
    boolean pastEndSent;

    Work(Message.Chunk chunk) {
      this.chunk = chunk;
    }
  }

  /** One client connection. */
  private final class Session extends ChannelInboundHandlerAdapter {
    private final byte[] nodeNonce = TokenAuth.nonce();
    private final Deque<Work> queue = new ArrayDeque<>();
    private byte[] clientNonce;
    private SampleMaker maker;
    private long held;
    private boolean phantomSent;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      try {
        switch ((Message) msg) {
          case Message.Hello h -> hello(ctx, h);
          case Message.Auth a -> auth(ctx, a);
          case Message.Open o -> open(ctx, o);
          case Message.Credit c -> {
            held += c.credits();
            credits.addAndGet(c.credits());
            pump(ctx);
          }
          case Message.Chunk c -> {
            chunks.incrementAndGet();
            queue.add(new Work(c));
            pump(ctx);
          }
          case Message.Cancel c -> queue.removeIf(w -> w.chunk.chunkId() == c.chunkId());
          case Message.Error e -> { }
          default -> refuse(ctx, Message.Error.PROTOCOL, "unexpected " + msg.getClass().getSimpleName());
        }
      } finally {
        ReferenceCountUtil.release(msg);
      }
    }

    private void hello(ChannelHandlerContext ctx, Message.Hello h) {
      if (helloError != null) {
        ctx.writeAndFlush(helloError).addListener(ChannelFutureListener.CLOSE);
        return;
      }
      if (refuseVersion) {
        refuse(ctx, Message.Error.VERSION, "peer speaks protocol version 1, this side speaks 9");
        return;
      }
      clientNonce = h.clientNonce();
      ctx.writeAndFlush(new Message.Welcome(welcomeVersion, nodeNonce, token != null || forgedProof != null));
    }

    private void auth(ChannelHandlerContext ctx, Message.Auth a) {
      if (forgedProof != null) {
        ctx.writeAndFlush(new Message.Dataset(reflectProof ? a.proof() : forgedProof, identity, source.size(), source.classes(),
            source.hasBoxes(), source.maxBoxCount()));
        return;
      }
      if (token != null && !TokenAuth.verify(TokenAuth.clientProof(token, nodeNonce, clientNonce), a.proof())) {
        refuse(ctx, Message.Error.AUTH, "wrong token proof");
        return;
      }
      byte[] proof = token == null ? new byte[0] : TokenAuth.nodeProof(token, clientNonce, nodeNonce);
      ctx.writeAndFlush(new Message.Dataset(proof, identity, claimedSize != null ? claimedSize : source.size(),
          source.classes(), source.hasBoxes(), claimedMaxBoxCount != null ? claimedMaxBoxCount : source.maxBoxCount()));
    }

    private void open(ChannelHandlerContext ctx, Message.Open o) {
      if (!o.datasetIdentity().isEmpty() && !o.datasetIdentity().equals(identity)) {
        refuse(ctx, Message.Error.DATASET, "node serves " + identity + ", client expects " + o.datasetIdentity());
        return;
      }
      SupplyPlan plan = PlanJson.read(o.planJson());
      maker = Loader.builder().source(source).transforms(plan.transforms()).seed(plan.seed()).buildMaker();
      sessions.incrementAndGet();
      int compression = readyCompression >= 0 ? readyCompression
          : (o.compressions() & (1 << Protocol.ENCODING_ZSTD)) != 0 ? Protocol.ENCODING_ZSTD : Protocol.ENCODING_RAW;
      ctx.writeAndFlush(new Message.Ready(maker.sampleBytes(), maker.boxCapacity(), compression));
    }

    private void refuse(ChannelHandlerContext ctx, int code, String reason) {
      ctx.writeAndFlush(new Message.Error(code, reason)).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
      pump(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      ended.incrementAndGet();
      ctx.fireChannelInactive();
    }

    /** Sends what the credits allow, position by position, chunk after chunk. */
    private void pump(ChannelHandlerContext ctx) {
      while (!queue.isEmpty() && ctx.channel().isActive()) {
        Work work = queue.peek();
        if (work.offset == work.chunk.indices().length) {
          if (pastEnd != null && !work.pastEndSent) {
            if (held == 0) {
              break; // waits for a credit to send it with, as a node bent on it would
            }
            held--;
            work.pastEndSent = true;
            ctx.write(pastEnd(ctx, work.chunk));
          }
          queue.poll();
          ctx.write(new Message.ChunkDone(work.chunk.chunkId()));
          continue;
        }
        if (held == 0 && overspendOnce && !phantomSent && ctx.channel().isWritable() && maker != null) {
          phantomSent = true;
          held++; // a credit it was never granted
        }
        if (held == 0 || !ctx.channel().isWritable()) {
          break;
        }
        if (held < 0) {
          overspent.set(true);
        }
        held--;
        ctx.write(tamper.apply(process(ctx, work.chunk, work.offset++)));
        if (samples.incrementAndGet() == killAfter) {
          killAfter = -1;
          ctx.flush();
          die(); // at once, on this event loop: no other read may send another sample first
          return;
        }
      }
      ctx.flush();
    }

    private void die() {
      Channel s = server;
      server = null;
      if (s != null) {
        s.close();
      }
      children.close();
    }

    /** A well-formed SAMPLE at the position one past {@code chunk}'s end. */
    private Message pastEnd(ChannelHandlerContext ctx, Message.Chunk chunk) {
      int[] order = pastEnd;
      int[] indices = chunk.indices();
      int index = 0;
      for (int start = 0; start + indices.length < order.length; start++) {
        if (Arrays.equals(order, start, start + indices.length, indices, 0, indices.length)) {
          index = order[start + indices.length];
          break;
        }
      }
      int bytes = (int) maker.sampleBytes();
      ByteBuf pixels = ctx.alloc().directBuffer(bytes).writeZero(bytes);
      return new Message.Sample(chunk.chunkId(), chunk.indices().length, index, 0, 0, new float[0], new int[0], pixels);
    }

    private Message process(ChannelHandlerContext ctx, Message.Chunk chunk, int offset) {
      int index = chunk.indices()[offset];
      int bytes = (int) maker.sampleBytes();
      ByteBuf pixels = ctx.alloc().directBuffer(bytes);
      try {
        ProcessedSample done = maker.process(chunk.epoch(), index, MemorySegment.ofBuffer(pixels.nioBuffer(0, bytes)));
        pixels.writerIndex(bytes);
        return new Message.Sample(chunk.chunkId(), offset, index, done.label(), done.boxCount(),
            Arrays.copyOf(done.boxes(), 4 * done.boxCount()), Arrays.copyOf(done.boxLabels(), done.boxCount()),
            pixels);
      } catch (Exception e) {
        pixels.release();
        return new Message.Failed(chunk.chunkId(), offset, index, maker.sourceName(index), String.valueOf(e.getMessage()));
      }
    }
  }
}
