package dev.stoker.remote.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoker.api.SampleSource;
import dev.stoker.dataset.ImageFolderSource;
import dev.stoker.remote.node.NodeHandlerTest.ManualExecutor;
import dev.stoker.remote.protocol.DatasetIdentity;
import dev.stoker.remote.protocol.Message;
import dev.stoker.remote.protocol.Message.Auth;
import dev.stoker.remote.protocol.Message.Chunk;
import dev.stoker.remote.protocol.Message.ChunkDone;
import dev.stoker.remote.protocol.Message.Credit;
import dev.stoker.remote.protocol.Message.Hello;
import dev.stoker.remote.protocol.Message.Leaving;
import dev.stoker.remote.protocol.Message.Open;
import dev.stoker.remote.protocol.Message.Ready;
import dev.stoker.remote.protocol.Message.Sample;
import dev.stoker.remote.protocol.Message.Welcome;
import dev.stoker.remote.protocol.Protocol;
import dev.stoker.remote.protocol.TokenAuth;
import dev.stoker.testkit.GradientImageFolder;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A draining node: LEAVING on each ready connection, the chunks it holds (one that crossed LEAVING
 * included) finished as credits allow, then the connection closed; a connection in the handshake
 * closed at once; and {@link DataNode#drain} over loopback (stops listening, waits for its
 * connections, closes the rest at the grace deadline, not ready from the start).
 */
@Timeout(60)
class NodeDrainTest {
  @TempDir
  static Path root;
  static SampleSource source;
  static String identity;

  private final CountingAllocator pixels = new CountingAllocator();
  private final NodeContext.Stats stats = new NodeContext.Stats();
  private final List<EmbeddedChannel> channels = new ArrayList<>();

  @BeforeAll
  static void dataset() throws IOException {
    source = ImageFolderSource.open(GradientImageFolder.of(9).writeTo(root.resolve("data")));
    identity = DatasetIdentity.of(source);
  }

  @AfterEach
  void nothingHeld() {
    for (EmbeddedChannel channel : channels) {
      channel.finishAndReleaseAll();
    }
    assertThat(pixels.live()).as("sample buffers not released").isZero();
  }

  private EmbeddedChannel node(ManualExecutor pool) {
    DataNodeConfig.Limits limits = DataNodeConfig.Limits.defaults();
    NodeContext context = new NodeContext(source, identity, null, new PlanMakers(source, limits), pool,
        Protocol.DEFAULT_MAX_FRAME_BYTES, 8, limits, pixels, stats);
    EmbeddedChannel channel = new EmbeddedChannel(new NodeHandler(context));
    channels.add(channel);
    return channel;
  }

  private EmbeddedChannel ready(ManualExecutor pool) {
    EmbeddedChannel channel = node(pool);
    channel.writeInbound(new Hello(Protocol.VERSION, TokenAuth.nonce()), new Auth(new byte[0]),
        new Open("", NodeHandlerTest.PLAN));
    assertThat((Object) channel.readOutbound()).isInstanceOf(Welcome.class);
    assertThat((Object) channel.readOutbound()).isInstanceOf(Message.Dataset.class);
    assertThat((Object) channel.readOutbound()).isInstanceOf(Ready.class);
    return channel;
  }

  private static void drain(EmbeddedChannel channel, int graceMillis) {
    ChannelHandlerContext ctx = channel.pipeline().context(NodeHandler.class);
    ((NodeHandler) ctx.handler()).drain(ctx, graceMillis);
  }

  /** What the node sent, as type names (SAMPLE, CHUNK_DONE(id), LEAVING(ms)), samples released. */
  private static List<String> sent(EmbeddedChannel channel) {
    channel.runPendingTasks();
    List<String> out = new ArrayList<>();
    Object message;
    while ((message = channel.readOutbound()) != null) {
      out.add(switch (message) {
        case Sample s -> "SAMPLE " + s.chunkId() + ":" + s.position();
        case ChunkDone d -> "CHUNK_DONE " + d.chunkId();
        case Leaving l -> "LEAVING " + l.graceMillis();
        default -> message.getClass().getSimpleName();
      });
      ReferenceCountUtil.release(message);
    }
    return out;
  }

  @Test
  void drain_chunkInFlightAndOneCrossingLeaving_leavingThenBothFinishedThenClosed() {
    ManualExecutor pool = new ManualExecutor();
    EmbeddedChannel channel = ready(pool);
    channel.writeInbound(new Chunk(1, 0, new int[] {0, 1, 2}), new Credit(2));
    pool.runAll();
    assertThat(sent(channel)).containsExactly("SAMPLE 1:0", "SAMPLE 1:1");

    drain(channel, 5000);
    assertThat(sent(channel)).containsExactly("LEAVING 5000");
    assertThat(channel.isOpen()).as("open while it holds chunk 1").isTrue();

    channel.writeInbound(new Chunk(2, 0, new int[] {3, 4}), new Credit(3)); // crossed LEAVING on the wire
    pool.runAll();
    assertThat(sent(channel)).containsExactly("SAMPLE 1:2", "CHUNK_DONE 1", "SAMPLE 2:0", "SAMPLE 2:1", "CHUNK_DONE 2");
    assertThat(channel.isOpen()).as("closed once its chunks are done").isFalse();
  }

  @Test
  void drain_chunkWaitingForCredits_staysOpenUntilTheCreditsCome() {
    ManualExecutor pool = new ManualExecutor();
    EmbeddedChannel channel = ready(pool);
    channel.writeInbound(new Chunk(1, 0, new int[] {0, 1}));
    drain(channel, 100);
    assertThat(sent(channel)).containsExactly("LEAVING 100");
    assertThat(channel.isOpen()).isTrue();

    channel.writeInbound(new Credit(2));
    pool.runAll();
    assertThat(sent(channel)).containsExactly("SAMPLE 1:0", "SAMPLE 1:1", "CHUNK_DONE 1");
    assertThat(channel.isOpen()).isFalse();
  }

  @Test
  void drain_readyAndHoldingNothing_leavingThenClosed() {
    EmbeddedChannel channel = ready(new ManualExecutor());
    drain(channel, 30_000);
    assertThat(sent(channel)).containsExactly("LEAVING 30000");
    assertThat(channel.isOpen()).isFalse();
  }

  @Test
  void noDrain_chunksDone_connectionStaysOpen() { // negative control: only a drain closes a finished connection
    ManualExecutor pool = new ManualExecutor();
    EmbeddedChannel channel = ready(pool);
    channel.writeInbound(new Chunk(1, 0, new int[] {0, 1}), new Credit(2));
    pool.runAll();
    assertThat(sent(channel)).containsExactly("SAMPLE 1:0", "SAMPLE 1:1", "CHUNK_DONE 1");
    assertThat(channel.isOpen()).isTrue();
  }

  @Test
  void drain_twice_oneLeaving() {
    EmbeddedChannel channel = ready(new ManualExecutor());
    channel.writeInbound(new Chunk(1, 0, new int[] {0}));
    drain(channel, 10);
    drain(channel, 10);
    assertThat(sent(channel)).containsExactly("LEAVING 10");
  }

  @Test
  void drain_inTheHandshake_closedAtOnceWithoutLeaving() {
    EmbeddedChannel channel = node(new ManualExecutor());
    channel.writeInbound(new Hello(Protocol.VERSION, TokenAuth.nonce()));
    assertThat(sent(channel)).containsExactly("Welcome");
    drain(channel, 5000);
    assertThat(sent(channel)).isEmpty();
    assertThat(channel.isOpen()).isFalse();
  }

  @Test
  void connectionActive_whileDraining_closedBeforeTheHandshake() {
    stats.draining = true;
    EmbeddedChannel channel = node(new ManualExecutor());
    assertThat(channel.isOpen()).isFalse();
    assertThat(stats.preAuth.get()).as("no handshake place taken").isZero();
  }

  // DataNode.drain over loopback

  private static DataNode loopbackNode() {
    return DataNode.start(DataNodeConfig.loopback(source).withWorkers(1));
  }

  @Test
  void drain_clientFinishesItsChunk_returnsOnceTheConnectionClosedAndStopsListening() throws Exception {
    DataNode node = loopbackNode();
    int port = node.address().getPort();
    try (TestClient client = TestClient.ready(node.address(), null, null, "", NodeHandlerTest.PLAN)) {
      client.send(new Chunk(7, 0, new int[] {0, 1, 2}));
      client.send(new Credit(1));
      ReferenceCountUtil.release(client.next(Sample.class));
      assertThat(node.isReady()).isTrue();

      CompletableFuture<Void> draining = CompletableFuture.runAsync(() -> node.drain(Duration.ofSeconds(60)));
      assertThat(client.next(Leaving.class).graceMillis()).isBetween(1, 60_000);
      assertThat(node.isReady()).as("not ready while draining").isFalse();
      assertThat(draining).as("waits for the chunk").isNotDone();
      assertThatThrownBy(() -> new Socket(node.address().getAddress(), port).close())
          .as("no longer listening").isInstanceOf(ConnectException.class);

      client.send(new Credit(2));
      ReferenceCountUtil.release(client.next(Sample.class));
      ReferenceCountUtil.release(client.next(Sample.class));
      assertThat(client.next()).isEqualTo(new ChunkDone(7));
      assertThat(client.awaitClosed()).as("the node closes a finished connection").isTrue();
      draining.get();
      node.drain(Duration.ZERO); // idempotent: returns at once
    } finally {
      node.close();
    }
  }

  @Test
  void drain_clientGrantsNoCredits_connectionClosedAtTheGraceDeadline() {
    DataNode node = loopbackNode();
    try (TestClient client = TestClient.ready(node.address(), null, null, "", NodeHandlerTest.PLAN)) {
      client.send(new Chunk(1, 0, new int[] {0, 1}));
      client.send(new Credit(1));
      ReferenceCountUtil.release(client.next(Sample.class));

      node.drain(Duration.ofMillis(300)); // returns at the deadline: the chunk can never finish

      assertThat(client.next(Leaving.class).graceMillis()).isEqualTo(300);
      assertThat(client.drainNow()).as("no CHUNK_DONE: the chunk was not finished").isEmpty();
      assertThat(client.awaitClosed()).isTrue();
      assertThat(node.isReady()).isFalse();
    } finally {
      node.close();
    }
  }
}
