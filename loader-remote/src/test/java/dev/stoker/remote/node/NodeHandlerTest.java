package dev.stoker.remote.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stoker.api.SampleSource;
import dev.stoker.dataset.ImageFolderSource;
import dev.stoker.pipeline.Presets;
import dev.stoker.pipeline.SupplyPlan;
import dev.stoker.remote.protocol.DatasetIdentity;
import dev.stoker.remote.protocol.Message.Auth;
import dev.stoker.remote.protocol.Message.Cancel;
import dev.stoker.remote.protocol.Message.Chunk;
import dev.stoker.remote.protocol.Message.ChunkDone;
import dev.stoker.remote.protocol.Message.Credit;
import dev.stoker.remote.protocol.Message.Error;
import dev.stoker.remote.protocol.Message.Hello;
import dev.stoker.remote.protocol.Message.Open;
import dev.stoker.remote.protocol.Message.Ready;
import dev.stoker.remote.protocol.Message.Sample;
import dev.stoker.remote.protocol.Message.Welcome;
import dev.stoker.remote.protocol.Message;
import dev.stoker.remote.protocol.PlanJson;
import dev.stoker.remote.protocol.Protocol;
import dev.stoker.remote.protocol.TokenAuth;
import dev.stoker.testkit.GradientImageFolder;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The node's handler on an EmbeddedChannel: the handshake's rules, credits, order, cancel and cleanup. */
class NodeHandlerTest {
  static final String PLAN = PlanJson.write(new SupplyPlan(Presets.imagenetTrain(32), 9));
  private static final byte[] TOKEN = "s3cret".getBytes(StandardCharsets.US_ASCII);

  @TempDir
  static Path root;
  static SampleSource source;
  static String identity;

  private final CountingAllocator pixels = new CountingAllocator();
  private final NodeContext.Stats stats = new NodeContext.Stats();
  private final List<EmbeddedChannel> channels = new ArrayList<>();

  /** Runs the pool's tasks when the test says, in the order it says. */
  static final class ManualExecutor implements Executor {
    final Deque<Runnable> tasks = new ArrayDeque<>();

    @Override
    public void execute(Runnable task) {
      tasks.addLast(task);
    }

    void runAll() {
      while (!tasks.isEmpty()) {
        tasks.pollFirst().run();
      }
    }

    void runNewestFirst() {
      while (!tasks.isEmpty()) {
        tasks.pollLast().run();
      }
    }
  }

  @BeforeAll
  static void dataset() throws IOException {
    source = ImageFolderSource.open(GradientImageFolder.of(9).withBroken().writeTo(root));
    identity = DatasetIdentity.of(source);
  }

  @AfterEach
  void nothingHeld() {
    for (EmbeddedChannel channel : channels) {
      channel.finishAndReleaseAll();
    }
    assertThat(pixels.live()).as("sample buffers not released").isZero();
  }

  private EmbeddedChannel node(Executor pool, byte[] token) {
    return node(pool, token, DataNodeConfig.Limits.defaults());
  }

  private EmbeddedChannel node(Executor pool, byte[] token, DataNodeConfig.Limits limits) {
    NodeContext context = new NodeContext(source, identity, token, new PlanMakers(source, limits), pool,
        Protocol.DEFAULT_MAX_FRAME_BYTES, 8, limits, pixels, stats);
    EmbeddedChannel channel = new EmbeddedChannel(new NodeHandler(context));
    channels.add(channel);
    return channel;
  }

  /** A node channel after a completed handshake (READY read). */
  private EmbeddedChannel ready(Executor pool) {
    EmbeddedChannel channel = node(pool, null);
    channel.writeInbound(new Hello(Protocol.VERSION, TokenAuth.nonce()), new Auth(new byte[0]), new Open("", PLAN));
    assertThat((Object) channel.readOutbound()).isInstanceOf(Welcome.class);
    assertThat((Object) channel.readOutbound()).isInstanceOf(Message.Dataset.class);
    assertThat((Object) channel.readOutbound()).isInstanceOf(Ready.class);
    return channel;
  }

  private static List<Message> outbound(EmbeddedChannel channel) {
    channel.runPendingTasks();
    List<Message> out = new ArrayList<>();
    Message message;
    while ((message = channel.readOutbound()) != null) {
      out.add(message);
    }
    return out;
  }

  private static void release(List<Message> messages) {
    messages.forEach(ReferenceCountUtil::release);
  }

  private static Error refusal(EmbeddedChannel channel) {
    List<Message> out = outbound(channel);
    assertThat(out).last().isInstanceOf(Error.class);
    assertThat(channel.isOpen()).as("closed after the error").isFalse();
    return (Error) out.getLast();
  }

  @Test
  void handshake_inOrder_welcomeThenTheDatasetAfterAuthThenReady() {
    EmbeddedChannel channel = node(Runnable::run, null);
    channel.writeInbound(new Hello(Protocol.VERSION, TokenAuth.nonce()));
    Welcome welcome = channel.readOutbound();
    assertThat(welcome.tokenRequired()).isFalse();
    assertThat((Object) channel.readOutbound()).as("nothing about the dataset before AUTH").isNull();

    channel.writeInbound(new Auth(new byte[0]));
    Message.Dataset dataset = channel.readOutbound();
    assertThat(dataset.datasetIdentity()).isEqualTo(identity);
    assertThat(dataset.datasetSize()).isEqualTo(source.size()).isEqualTo(10);
    assertThat(dataset.classes()).containsExactly("class0", "class1", "class2");
    assertThat(dataset.hasBoxes()).isFalse();
    assertThat(dataset.maxBoxCount()).isZero();
    assertThat(dataset.nodeProof()).isEmpty();

    channel.writeInbound(new Open(identity, PLAN));
    Ready ready = channel.readOutbound();
    assertThat(ready.sampleBytes()).isEqualTo(32 * 32 * 3);
    assertThat(ready.maxBoxes()).isZero();
    assertThat(channel.isOpen()).isTrue();
  }

  @Test
  void handshake_withTheRightToken_datasetCarriesTheNodeProof() {
    EmbeddedChannel channel = node(Runnable::run, TOKEN);
    byte[] clientNonce = TokenAuth.nonce();
    channel.writeInbound(new Hello(Protocol.VERSION, clientNonce));
    Welcome welcome = channel.readOutbound();
    assertThat(welcome.tokenRequired()).isTrue();
    channel.writeInbound(new Auth(TokenAuth.clientProof(TOKEN, welcome.nodeNonce(), clientNonce)), new Open("", PLAN));
    Message.Dataset dataset = channel.readOutbound();
    assertThat(dataset.nodeProof()).isEqualTo(TokenAuth.nodeProof(TOKEN, clientNonce, welcome.nodeNonce()));
    assertThat((Object) channel.readOutbound()).isInstanceOf(Ready.class);
  }

  @Test
  void auth_wrongToken_errorAuthAndClose() {
    EmbeddedChannel channel = node(Runnable::run, TOKEN);
    byte[] clientNonce = TokenAuth.nonce();
    channel.writeInbound(new Hello(Protocol.VERSION, clientNonce));
    Welcome welcome = channel.readOutbound();
    byte[] wrong = "guess".getBytes(StandardCharsets.US_ASCII);
    channel.writeInbound(new Auth(TokenAuth.clientProof(wrong, welcome.nodeNonce(), clientNonce)));
    Error error = refusal(channel);
    assertThat(error.code()).isEqualTo(Error.AUTH);
    assertThat(error.message()).isEqualTo("wrong token");
  }

  @Test
  void auth_noProofWhenATokenIsRequired_errorAuthAndClose() {
    EmbeddedChannel channel = node(Runnable::run, TOKEN);
    channel.writeInbound(new Hello(Protocol.VERSION, TokenAuth.nonce()), new Auth(new byte[0]));
    Error error = refusal(channel);
    assertThat(error.code()).isEqualTo(Error.AUTH);
    assertThat(error.message()).contains("requires a token");
  }

  @Test
  void open_otherDataset_errorDatasetNamingBothIdentities() {
    EmbeddedChannel channel = node(Runnable::run, null);
    channel.writeInbound(new Hello(Protocol.VERSION, TokenAuth.nonce()), new Auth(new byte[0]),
        new Open("sha256:000000000000000000000000/3", PLAN));
    Error error = refusal(channel);
    assertThat(error.code()).isEqualTo(Error.DATASET);
    assertThat(error.message()).isEqualTo("node serves " + identity
        + ", client expects sha256:000000000000000000000000/3");
  }

  @Test
  void open_unknownTransform_errorPlan() {
    EmbeddedChannel channel = node(Runnable::run, null);
    channel.writeInbound(new Hello(Protocol.VERSION, TokenAuth.nonce()), new Auth(new byte[0]),
        new Open("", "{\"seed\":1,\"transforms\":[{\"type\":\"Sharpen\"}]}"));
    Error error = refusal(channel);
    assertThat(error.code()).isEqualTo(Error.PLAN);
    assertThat(error.message()).contains("Sharpen");
  }

  @Test
  void open_planWithoutAFixedSize_errorPlan() {
    EmbeddedChannel channel = node(Runnable::run, null);
    channel.writeInbound(new Hello(Protocol.VERSION, TokenAuth.nonce()), new Auth(new byte[0]),
        new Open("", "{\"seed\":1,\"transforms\":[]}"));
    Error error = refusal(channel);
    assertThat(error.code()).isEqualTo(Error.PLAN);
    assertThat(error.message()).startsWith("cannot apply the plan");
  }

  @Test
  void open_beforeHello_errorProtocol() {
    EmbeddedChannel channel = node(Runnable::run, null);
    channel.writeInbound(new Open("", PLAN));
    Error error = refusal(channel);
    assertThat(error.code()).isEqualTo(Error.PROTOCOL);
    assertThat(error.message()).isEqualTo("expected HELLO, got OPEN");
  }

  @Test
  void chunk_beforeReady_errorProtocol() {
    EmbeddedChannel channel = node(Runnable::run, null);
    channel.writeInbound(new Hello(Protocol.VERSION, TokenAuth.nonce()), new Chunk(1, 0, new int[] {0}));
    Error error = refusal(channel);
    assertThat(error.message()).isEqualTo("expected AUTH, got CHUNK");
  }

  @Test
  void hello_otherVersion_errorVersion() {
    EmbeddedChannel channel = node(Runnable::run, null);
    channel.writeInbound(new Hello(Protocol.VERSION + 1, TokenAuth.nonce()));
    Error error = refusal(channel);
    assertThat(error.code()).isEqualTo(Error.VERSION);
  }

  @Test
  void error_fromThePeer_closesWithoutAnswer() {
    EmbeddedChannel channel = ready(Runnable::run);
    channel.writeInbound(new Error(Error.INTERNAL, "client is going away"));
    assertThat(outbound(channel)).isEmpty();
    assertThat(channel.isOpen()).isFalse();
  }

  @Test
  void chunk_indexOutsideTheDataset_errorProtocol() {
    EmbeddedChannel channel = ready(Runnable::run);
    channel.writeInbound(new Credit(4), new Chunk(3, 0, new int[] {1, 10}));
    Error error = refusal(channel);
    assertThat(error.code()).isEqualTo(Error.PROTOCOL);
    assertThat(error.message()).isEqualTo("chunk 3: index 10 at position 1 is outside the dataset [0, 10)");
    assertThat(stats.started.get()).isZero();
  }

  @Test
  void chunk_idAlreadyInProgress_errorProtocol() {
    EmbeddedChannel channel = ready(Runnable::run);
    channel.writeInbound(new Chunk(3, 0, new int[] {1}), new Chunk(3, 0, new int[] {2}));
    assertThat(refusal(channel).message()).contains("chunk 3 is already in progress");
  }

  @Test
  void credits_nGranted_exactlyNSamplesThenMoreCreditsResume() {
    EmbeddedChannel channel = ready(Runnable::run);
    channel.writeInbound(new Chunk(1, 0, new int[] {0, 1, 2, 3, 4, 5}), new Credit(4));
    List<Message> first = outbound(channel);
    assertThat(first).hasSize(4).allMatch(m -> m instanceof Sample || m instanceof Message.Failed);
    assertThat(stats.started.get()).isEqualTo(4);

    channel.writeInbound(new Credit(1));
    List<Message> second = outbound(channel);
    assertThat(second).hasSize(1);
    channel.writeInbound(new Credit(10));
    List<Message> rest = outbound(channel);
    assertThat(rest).extracting(NodeHandlerTest::describe).containsExactly("1/5/5", "done 1");
    release(first);
    release(second);
    release(rest);
  }

  @Test
  void chunks_poolFinishesOutOfOrder_sentInArrivalThenPositionOrder() {
    ManualExecutor pool = new ManualExecutor();
    EmbeddedChannel channel = ready(pool);
    channel.writeInbound(new Chunk(7, 0, new int[] {4, 2, 0}), new Chunk(8, 1, new int[] {5, 6}),
        new Chunk(9, 1, new int[0]), new Credit(100));
    assertThat(pool.tasks).hasSize(5);
    pool.runNewestFirst();
    List<Message> out = outbound(channel);
    assertThat(out).extracting(NodeHandlerTest::describe)
        .containsExactly("7/0/4", "7/1/2", "7/2/0", "done 7", "8/0/5", "8/1/6", "done 8", "done 9");
    release(out);
  }

  @Test
  void cancel_dropsUnstartedPositions_startedOnesThenChunkDoneStillSent() {
    ManualExecutor pool = new ManualExecutor();
    EmbeddedChannel channel = ready(pool);
    channel.writeInbound(new Chunk(1, 0, new int[] {0, 1, 2, 3, 4, 5, 6, 7}), new Chunk(2, 0, new int[] {8}),
        new Credit(3));
    channel.writeInbound(new Cancel(1));
    pool.runAll();
    List<Message> afterCancel = outbound(channel);
    assertThat(afterCancel).extracting(NodeHandlerTest::describe).containsExactly("1/0/0", "1/1/1", "1/2/2", "done 1");

    channel.writeInbound(new Credit(10), new Cancel(1), new Cancel(42)); // done or unknown: ignored
    pool.runAll();
    List<Message> next = outbound(channel);
    assertThat(next).extracting(NodeHandlerTest::describe).containsExactly("2/0/8", "done 2");
    assertThat(stats.started.get()).isEqualTo(4);
    release(afterCancel);
    release(next);
  }

  @Test
  void writability_channelNotWritable_startsNothingUntilWritableAgain() {
    EmbeddedChannel channel = ready(Runnable::run);
    channel.unsafe().outboundBuffer().setUserDefinedWritability(1, false);
    channel.runPendingTasks(); // the writability event is delivered as a task
    channel.writeInbound(new Credit(5), new Chunk(1, 0, new int[] {0, 1, 2}));
    assertThat(outbound(channel)).isEmpty();
    assertThat(stats.started.get()).isZero();

    channel.unsafe().outboundBuffer().setUserDefinedWritability(1, true);
    channel.runPendingTasks();
    List<Message> out = outbound(channel);
    assertThat(out).extracting(NodeHandlerTest::describe).containsExactly("1/0/0", "1/1/1", "1/2/2", "done 1");
    release(out);
  }

  @Test
  void close_withResultsHeldAndWorkQueued_releasesEveryBuffer() {
    ManualExecutor pool = new ManualExecutor();
    EmbeddedChannel channel = ready(pool);
    channel.writeInbound(new Credit(6), new Chunk(1, 0, IntStream.range(0, 6).toArray()));
    Runnable first = pool.tasks.pollFirst();
    Runnable second = pool.tasks.pollFirst();
    second.run(); // finished, but held in the reorder buffer behind position 0
    channel.runPendingTasks();
    assertThat(pixels.live()).isEqualTo(1);

    channel.close();
    first.run(); // cancelled by the close: never allocates
    pool.runAll();
    channel.runPendingTasks();
    assertThat(outbound(channel)).isEmpty();
    assertThat(pixels.allocated()).isEqualTo(1);
    assertThat(pixels.live()).isZero();
  }

  @Test
  void maker_samePlanFormattedDifferently_sharedFromTheCache() {
    PlanMakers cache = new PlanMakers(source, DataNodeConfig.Limits.defaults());
    assertThat(cache.maker(PLAN)).isSameAs(cache.maker(PLAN.replace(",", ", ")));
    assertThat(cache.size()).isOne();
  }

  private static String describe(Message message) {
    return switch (message) {
      case Sample s -> s.chunkId() + "/" + s.position() + "/" + s.index();
      case Message.Failed f -> f.chunkId() + "/" + f.position() + "/" + f.index();
      case ChunkDone d -> "done " + d.chunkId();
      default -> message.toString();
    };
  }

  @Test
  void writability_unwritableForTheStallTimeout_closesTheConnection() {
    EmbeddedChannel channel = ready(Runnable::run);
    channel.freezeTime();
    channel.unsafe().outboundBuffer().setUserDefinedWritability(1, false);
    channel.runPendingTasks(); // the writability event is delivered as a task

    channel.advanceTimeBy(NodeHandler.STALL_TIMEOUT_SECONDS - 1, TimeUnit.SECONDS);
    channel.runScheduledPendingTasks();
    assertThat(channel.isOpen()).as("open before the timeout").isTrue();
    channel.advanceTimeBy(2, TimeUnit.SECONDS);
    channel.runScheduledPendingTasks();

    assertThat(channel.isOpen()).as("closed once stalled for the timeout").isFalse();
  }

  @Test
  void writability_writableAgainBeforeTheTimeout_keepsTheConnection() {
    EmbeddedChannel channel = ready(Runnable::run);
    channel.freezeTime();
    channel.unsafe().outboundBuffer().setUserDefinedWritability(1, false);
    channel.runPendingTasks(); // the writability event is delivered as a task
    channel.advanceTimeBy(NodeHandler.STALL_TIMEOUT_SECONDS / 2, TimeUnit.SECONDS);
    channel.unsafe().outboundBuffer().setUserDefinedWritability(1, true);
    channel.runPendingTasks();

    channel.advanceTimeBy(NodeHandler.STALL_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    channel.runScheduledPendingTasks();

    assertThat(channel.isOpen()).isTrue();
  }
}
