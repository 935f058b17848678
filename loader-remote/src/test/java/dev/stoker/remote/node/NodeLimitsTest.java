package dev.stoker.remote.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stoker.testkit.GradientImageFolder;
import dev.stoker.api.SampleSource;
import dev.stoker.api.TransformSpec;
import dev.stoker.api.TransformSpec.GaussianBlur;
import dev.stoker.api.TransformSpec.HorizontalFlip;
import dev.stoker.api.TransformSpec.PhotometricDistort;
import dev.stoker.api.TransformSpec.RandAugment;
import dev.stoker.api.TransformSpec.RandomErasing;
import dev.stoker.api.TransformSpec.TrivialAugmentWide;
import dev.stoker.api.TransformSpec.ZoomOut;
import dev.stoker.api.TransformSpec.Pad;
import dev.stoker.api.TransformSpec.RandomIoUCrop;
import dev.stoker.api.TransformSpec.Resize;
import dev.stoker.api.TransformSpec.ResizeShorter;
import dev.stoker.dataset.ImageFolderSource;
import dev.stoker.pipeline.SupplyPlan;
import dev.stoker.remote.node.NodeHandlerTest.ManualExecutor;
import dev.stoker.remote.protocol.DatasetIdentity;
import dev.stoker.remote.protocol.Message.Auth;
import dev.stoker.remote.protocol.Message.Chunk;
import dev.stoker.remote.protocol.Message.ChunkDone;
import dev.stoker.remote.protocol.Message.Credit;
import dev.stoker.remote.protocol.Message.Error;
import dev.stoker.remote.protocol.Message.Failed;
import dev.stoker.remote.protocol.Message.Hello;
import dev.stoker.remote.protocol.Message.Open;
import dev.stoker.remote.protocol.Message.Dataset;
import dev.stoker.remote.protocol.Message.Ready;
import dev.stoker.remote.protocol.Message.Sample;
import dev.stoker.remote.protocol.Message.Welcome;
import dev.stoker.remote.protocol.Message;
import dev.stoker.remote.protocol.PlanJson;
import dev.stoker.remote.protocol.Pipelines;
import dev.stoker.remote.protocol.Protocol;
import dev.stoker.remote.protocol.TokenAuth;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The node's limits on an EmbeddedChannel: the inbound frame limit at each stage of the
 * handshake, the handshake's cap and timeout, and every per-connection cap after READY (chunks,
 * indices, credits, samples in flight, plan values), each over its cap answered ERROR and closed
 * while another connection of the same node goes on.
 */
class NodeLimitsTest {
  private static final String PLAN = NodeHandlerTest.PLAN;

  @TempDir
  static Path root;
  static SampleSource source;
  static String identity;

  private final CountingAllocator pixels = new CountingAllocator();
  private final NodeContext.Stats stats = new NodeContext.Stats();
  private final List<EmbeddedChannel> channels = new ArrayList<>();

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

  private NodeContext context(Executor pool, DataNodeConfig.Limits limits) {
    return new NodeContext(source, identity, null, new PlanMakers(source, limits), pool,
        Protocol.DEFAULT_MAX_FRAME_BYTES, 8, limits, pixels, stats);
  }

  /** A node channel that reads and writes Messages (no codec). */
  private EmbeddedChannel node(NodeContext context) {
    EmbeddedChannel channel = new EmbeddedChannel(new NodeHandler(context));
    channels.add(channel);
    return channel;
  }

  /** A node channel behind the real codec, as DataNode builds it (without TLS): reads and writes bytes. */
  private EmbeddedChannel wired(NodeContext context) {
    EmbeddedChannel channel = new EmbeddedChannel(new ChannelInitializer<Channel>() {
      @Override
      protected void initChannel(Channel ch) {
        DataNode.addHandlers(ch.pipeline(), context);
      }
    });
    channels.add(channel);
    return channel;
  }

  private EmbeddedChannel ready(NodeContext context) {
    EmbeddedChannel channel = node(context);
    channel.writeInbound(new Hello(Protocol.VERSION, TokenAuth.nonce()), new Auth(new byte[0]), new Open("", PLAN));
    assertThat((Object) channel.readOutbound()).isInstanceOf(Welcome.class);
    assertThat((Object) channel.readOutbound()).isInstanceOf(Dataset.class);
    assertThat((Object) channel.readOutbound()).isInstanceOf(Ready.class);
    return channel;
  }

  /** The bytes of {@code message} as the codec frames it. */
  private static ByteBuf frame(Message message) {
    EmbeddedChannel encoder = new EmbeddedChannel();
    Pipelines.addCodec(encoder.pipeline(), Protocol.DEFAULT_MAX_FRAME_BYTES);
    encoder.writeOutbound(message);
    ByteBuf bytes = encoder.readOutbound();
    encoder.finishAndReleaseAll();
    return bytes;
  }

  /** The messages the node wrote, decoded from the wired channel's bytes. */
  private static List<Message> decoded(EmbeddedChannel wired) {
    EmbeddedChannel decoder = new EmbeddedChannel();
    Pipelines.addCodec(decoder.pipeline(), Protocol.DEFAULT_MAX_FRAME_BYTES);
    ByteBuf bytes;
    while ((bytes = wired.readOutbound()) != null) {
      decoder.writeInbound(bytes);
    }
    List<Message> out = new ArrayList<>();
    Message message;
    while ((message = decoder.readInbound()) != null) {
      out.add(message);
    }
    decoder.finishAndReleaseAll();
    return out;
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

  private static String kind(Message message) {
    return message instanceof Sample || message instanceof Failed ? "result"
        : message instanceof ChunkDone ? "done" : message.getClass().getSimpleName();
  }

  private static Error refusal(EmbeddedChannel channel) {
    List<Message> out = outbound(channel);
    assertThat(out).as("an ERROR was sent").isNotEmpty();
    out.subList(0, out.size() - 1).forEach(ReferenceCountUtil::release);
    assertThat(out).last().isInstanceOf(Error.class);
    assertThat(channel.isOpen()).as("closed after the error").isFalse();
    return (Error) out.getLast();
  }

  // ---- item 1: before the handshake completes

  @Test
  void frameLimit_hugeLengthBeforeHello_refusedFromTheLengthPrefixAlone() {
    EmbeddedChannel channel = wired(context(Runnable::run, DataNodeConfig.Limits.defaults()));
    // 64 MiB - 4 announced: under the sample limit, so the old decoder waited for (and buffered) it
    channel.writeInbound(Unpooled.buffer().writeInt(Protocol.DEFAULT_MAX_FRAME_BYTES - 4).writeZero(100));
    List<Message> out = decoded(channel);
    assertThat(out).singleElement().isInstanceOfSatisfying(Error.class, e -> {
      assertThat(e.code()).isEqualTo(Error.PROTOCOL);
      assertThat(e.message()).isEqualTo("frame of 67108864 bytes exceeds the limit of 4096 bytes");
    });
    assertThat(channel.isOpen()).isFalse();
    assertThat(stats.preAuth.get()).as("its handshake place given back").isZero();
  }

  @Test
  void frameLimit_eachStage_handshakeThenOpenThenChunkLimits() {
    DataNodeConfig.Limits limits = DataNodeConfig.Limits.defaults();
    EmbeddedChannel channel = wired(context(Runnable::run, limits));
    assertThat(Pipelines.inboundLimit(channel.pipeline())).isEqualTo(Protocol.MAX_HANDSHAKE_FRAME_BYTES);
    channel.writeInbound(frame(new Hello(Protocol.VERSION, TokenAuth.nonce())));
    assertThat(Pipelines.inboundLimit(channel.pipeline())).as("after HELLO, not authenticated yet")
        .isEqualTo(Protocol.MAX_HANDSHAKE_FRAME_BYTES);
    channel.writeInbound(frame(new Auth(new byte[0])));
    assertThat(Pipelines.inboundLimit(channel.pipeline())).isEqualTo(limits.openFrameBytes())
        .isLessThan(200 << 10);
    // a plan padded past the handshake limit is fine in OPEN
    String padded = PLAN.substring(0, PLAN.length() - 1) + " ".repeat(10_000) + "}";
    channel.writeInbound(frame(new Open("", padded)));
    List<Message> out = decoded(channel);
    assertThat(out).extracting(m -> m.getClass().getSimpleName()).containsExactly("Welcome", "Dataset", "Ready");
    assertThat(Pipelines.inboundLimit(channel.pipeline())).isEqualTo(limits.chunkFrameBytes())
        .isEqualTo(4 + 2 + 12 + 4 * DataNodeConfig.Limits.DEFAULT_MAX_CHUNK_INDICES)
        .isLessThan(Protocol.DEFAULT_MAX_FRAME_BYTES / 64);
    assertThat(stats.preAuth.get()).as("READY leaves the handshake").isZero();

    channel.writeInbound(Unpooled.buffer().writeInt(limits.chunkFrameBytes() - 3));
    assertThat(decoded(channel)).singleElement().isInstanceOf(Error.class);
    assertThat(channel.isOpen()).isFalse();
  }

  @Test
  void preAuth_moreConnectionsThanTheCap_extraOneRefusedUntilAPlaceFrees() {
    NodeContext context = context(Runnable::run, DataNodeConfig.Limits.defaults().withPreAuth(2, Duration.ofSeconds(10)));
    EmbeddedChannel first = node(context);
    EmbeddedChannel second = node(context);
    EmbeddedChannel third = node(context);
    Error error = refusal(third);
    assertThat(error.code()).isEqualTo(Error.PROTOCOL);
    assertThat(error.message()).contains("2 connections in the handshake");
    assertThat(first.isOpen()).isTrue();
    assertThat(second.isOpen()).isTrue();

    first.writeInbound(new Hello(Protocol.VERSION, TokenAuth.nonce()), new Auth(new byte[0]), new Open("", PLAN));
    assertThat(outbound(first)).extracting(m -> m.getClass().getSimpleName()).containsExactly("Welcome", "Dataset", "Ready");
    EmbeddedChannel fourth = node(context); // the first reached READY: its place is free
    assertThat(fourth.isOpen()).isTrue();
    assertThat(outbound(fourth)).isEmpty();
    second.close();
    EmbeddedChannel fifth = node(context); // the second closed: its place is free
    assertThat(fifth.isOpen()).isTrue();
    assertThat(stats.preAuth.get()).isEqualTo(2);
  }

  @Test
  void preAuth_noHandshakeWithinTheTimeout_closed() {
    NodeContext context = context(Runnable::run, DataNodeConfig.Limits.defaults().withPreAuth(8, Duration.ofSeconds(3)));
    EmbeddedChannel silent = node(context);
    silent.freezeTime();
    EmbeddedChannel helloOnly = node(context);
    helloOnly.freezeTime();
    helloOnly.writeInbound(new Hello(Protocol.VERSION, TokenAuth.nonce()));
    for (EmbeddedChannel channel : List.of(silent, helloOnly)) {
      channel.advanceTimeBy(2900, TimeUnit.MILLISECONDS);
      channel.runScheduledPendingTasks();
      assertThat(channel.isOpen()).as("open before the timeout").isTrue();
      channel.advanceTimeBy(200, TimeUnit.MILLISECONDS);
      channel.runScheduledPendingTasks();
      Error error = refusal(channel);
      assertThat(error.message()).isEqualTo("no complete handshake within 3000 ms");
    }
    assertThat(stats.preAuth.get()).isZero();
  }

  // ---- item 2: after READY

  private static DataNodeConfig.Limits work(int chunkIndices, int pendingChunks, int pendingIndices, int credits,
      int inFlight) {
    return DataNodeConfig.Limits.defaults().withWork(chunkIndices, pendingChunks, pendingIndices, credits, inFlight);
  }

  /** Over its cap, {@code bad} is refused with PROTOCOL and closed; {@code good} on the same node is served. */
  private void overCap(DataNodeConfig.Limits limits, List<Message> misbehave, String reason) {
    NodeContext context = context(Runnable::run, limits);
    EmbeddedChannel good = ready(context);
    EmbeddedChannel bad = ready(context);
    bad.writeInbound(misbehave.toArray());
    Error error = refusal(bad);
    assertThat(error.code()).isEqualTo(Error.PROTOCOL);
    assertThat(error.message()).contains(reason);

    good.writeInbound(new Chunk(1, 0, new int[] {0, 1}), new Credit(2));
    List<Message> served = outbound(good);
    assertThat(served).extracting(NodeLimitsTest::kind).containsExactly("result", "result", "done");
    assertThat(good.isOpen()).isTrue();
    served.forEach(ReferenceCountUtil::release);
  }

  @Test
  void chunk_moreIndicesThanTheCap_errorProtocolOthersGoOn() {
    overCap(work(4, 100, 1000, 1000, 8), List.of(new Chunk(1, 0, new int[] {0, 1, 2, 3, 4})),
        "chunk 1 has 5 indices, more than this node's limit of 4");
  }

  @Test
  void chunk_morePendingChunksThanTheCap_errorProtocolOthersGoOn() {
    overCap(work(100, 2, 1000, 1000, 8), List.of(new Chunk(1, 0, new int[] {0}), new Chunk(2, 0, new int[] {1}),
        new Chunk(3, 0, new int[] {2})), "would make 3 unfinished chunks, more than this node's limit of 2");
  }

  @Test
  void chunk_morePendingIndicesThanTheCap_errorProtocolOthersGoOn() {
    int[] six = IntStream.range(0, 6).toArray();
    overCap(work(100, 100, 10, 1000, 8), List.of(new Chunk(1, 0, six), new Chunk(2, 0, six)),
        "would make 12 unfinished indices, more than this node's limit of 10");
  }

  @Test
  void chunk_indicesOfFinishedChunks_countNoMore() {
    EmbeddedChannel channel = ready(context(Runnable::run, work(100, 100, 10, 1000, 8)));
    int[] six = IntStream.range(0, 6).toArray();
    for (int id = 0; id < 5; id++) { // 30 indices in all, at most 6 held at once
      channel.writeInbound(new Chunk(id, 0, six), new Credit(6));
      List<Message> out = outbound(channel);
      assertThat(out).hasSize(7).last().isInstanceOf(ChunkDone.class);
      out.forEach(ReferenceCountUtil::release);
    }
    assertThat(channel.isOpen()).isTrue();
  }

  @Test
  void credit_moreUnusedCreditsThanTheCap_errorProtocolOthersGoOn() {
    overCap(work(100, 100, 1000, 16, 8), List.of(new Credit(10), new Credit(7)),
        "would leave 17 credits unused, more than this node's limit of 16");
  }

  @Test
  void credit_hugeGrantWithNothingToDo_errorProtocol() {
    overCap(DataNodeConfig.Limits.defaults(), List.of(new Credit(Integer.MAX_VALUE)),
        "more than this node's limit of " + DataNodeConfig.Limits.DEFAULT_MAX_CREDITS);
  }

  @Test
  void samplesInFlight_slowHeadOfTheQueue_noMoreStartedThanTheCap() {
    ManualExecutor pool = new ManualExecutor();
    EmbeddedChannel channel = ready(context(pool, work(100, 100, 1000, 1000, 4)));
    channel.writeInbound(new Chunk(1, 0, IntStream.range(0, 9).toArray()), new Credit(9));
    assertThat(pool.tasks).hasSize(4);
    Runnable head = pool.tasks.pollFirst();
    settle(pool, channel); // positions 1..3 finish; position 0 (a slow image) does not
    assertThat(pool.tasks).as("nothing more starts while 4 are held").isEmpty();
    assertThat(stats.started.get()).isEqualTo(4);
    assertThat(outbound(channel)).isEmpty();

    head.run();
    List<Message> out = outbound(channel);
    assertThat(out).hasSize(4);
    assertThat(pool.tasks).as("written: four more start").hasSize(4);
    out.forEach(ReferenceCountUtil::release);
    settle(pool, channel);
    List<Message> rest = outbound(channel);
    assertThat(rest).hasSize(6).last().isInstanceOf(ChunkDone.class);
    rest.forEach(ReferenceCountUtil::release);
  }

  @Test
  void samplesInFlight_negativeControl_aLargeCapLetsTheReorderBufferGrow() {
    ManualExecutor pool = new ManualExecutor();
    EmbeddedChannel channel = ready(context(pool, work(100, 100, 1000, 1000, 64)));
    channel.writeInbound(new Chunk(1, 0, IntStream.range(0, 9).toArray()), new Credit(9));
    Runnable head = pool.tasks.pollFirst();
    settle(pool, channel); // with maxRunning (8) on the pool at once, every position but the head finishes
    assertThat(stats.started.get()).isEqualTo(9);
    head.run();
    List<Message> out = outbound(channel);
    assertThat(out).hasSize(10);
    out.forEach(ReferenceCountUtil::release);
  }

  /** Runs the pool's tasks and the completions they hand to the event loop until nothing is left. */
  private static void settle(ManualExecutor pool, EmbeddedChannel channel) {
    channel.runPendingTasks();
    while (!pool.tasks.isEmpty()) {
      pool.runAll();
      channel.runPendingTasks();
    }
  }

  private static String plan(TransformSpec... specs) {
    return PlanJson.write(new SupplyPlan(List.of(specs), 1));
  }

  @Test
  void open_planValueOverEachLimit_errorPlanNamingTheLimit() {
    List<TransformSpec> manyFlips = new ArrayList<>(Collections.nCopies(40, new HorizontalFlip(0.5)));
    manyFlips.add(new Resize(8, 8));
    String tooLong = PLAN.substring(0, PLAN.length() - 1) + " ".repeat(DataNodeConfig.Limits.DEFAULT_MAX_PLAN_BYTES)
        + "}";
    Map<String, String> plans = Map.of(
        PlanJson.write(new SupplyPlan(manyFlips, 1)), "the plan has 41 steps, more than this node's limit of 32",
        plan(new Resize(10_000, 8)), "step 0 (Resize): a size of 10000, more than this node's limit of 8192",
        plan(new Resize(5000, 5000)), "an output of 5000x5000 pixels, more than this node's limit of 16777216",
        plan(new ResizeShorter(100_000), new Resize(8, 8)), "step 0 (ResizeShorter): a size of 100000",
        plan(new Resize(8, 8), new Pad(9000, 0, 0, 0, 0)), "step 1 (Pad): a size of 9000",
        plan(new Resize(8000, 8), new Pad(100, 0, 100, 0, 0)), "step 1 (Pad) output: a size of 8200",
        plan(new RandomIoUCrop(0.3, 1, 0.5, 2, List.of(0.5), 1_000_000), new Resize(8, 8)),
        "step 0 (RandomIoUCrop): 1000000 trials, more than this node's limit of 1000",
        plan(new RandomIoUCrop(0.3, 1, 0.5, 2, Collections.nCopies(100, 0.5), 50), new Resize(8, 8)),
        "step 0 (RandomIoUCrop): 100 IoU thresholds, more than this node's limit of 64",
        tooLong, "more than this node's limit of " + DataNodeConfig.Limits.DEFAULT_MAX_PLAN_BYTES);
    NodeContext context = context(Runnable::run, DataNodeConfig.Limits.defaults());
    EmbeddedChannel good = ready(context);
    for (Map.Entry<String, String> plan : plans.entrySet()) {
      EmbeddedChannel channel = node(context);
      channel.writeInbound(new Hello(Protocol.VERSION, TokenAuth.nonce()), new Auth(new byte[0]),
          new Open("", plan.getKey()));
      Error error = refusal(channel);
      assertThat(error.code()).as(plan.getValue()).isEqualTo(Error.PLAN);
      assertThat(error.message()).contains(plan.getValue());
    }
    assertThat(context.makers().size()).as("nothing built for a refused plan").isEqualTo(1);
    good.writeInbound(new Chunk(1, 0, new int[] {0}), new Credit(1));
    List<Message> served = outbound(good);
    assertThat(served).hasSize(2).first().isInstanceOfAny(Sample.class, Failed.class);
    served.forEach(ReferenceCountUtil::release);
  }

  @Test
  void open_planAtEveryLimit_accepted() {
    EmbeddedChannel channel = node(context(Runnable::run, DataNodeConfig.Limits.defaults()));
    channel.writeInbound(new Hello(Protocol.VERSION, TokenAuth.nonce()), new Auth(new byte[0]),
        new Open("", plan(new RandomIoUCrop(0.3, 1, 0.5, 2, Collections.nCopies(64, 0.5), 1000),
            new Resize(4096, 4096))));
    assertThat(outbound(channel)).extracting(m -> m.getClass().getSimpleName()).containsExactly("Welcome", "Dataset", "Ready");
  }

  @Test
  void open_newStepsOverTheirLimits_errorPlanNamingTheLimit() {
    Map<String, String> plans = Map.of(
        plan(new Resize(64, 64), new GaussianBlur(65)),
        "step 1 (GaussianBlur): a kernel of 65 taps, more than this node's limit of 63",
        plan(new Resize(64, 64), new RandAugment(9, 9)),
        "step 1 (RandAugment): 9 operations per sample, more than this node's limit of 8",
        plan(new Resize(4096, 2048), new ZoomOut(1, 2.01, 0.5, 0), new Resize(64, 64)),
        "step 1 (ZoomOut) canvas: a size of 8233, more than this node's limit of 8192",
        plan(new Resize(4096, 4096), new ZoomOut(1, 1.5, 0.5, 0), new Resize(64, 64)),
        "step 1 (ZoomOut): an output of 6144x6144 pixels, more than this node's limit of 16777216",
        plan(new Resize(2048, 2048), new ZoomOut(1, 2, 0.5, 0), new Pad(1, 0, 0, 0, 0), new Resize(64, 64)),
        "step 2 (Pad): an output of 4097x4096 pixels");
    NodeContext context = context(Runnable::run, DataNodeConfig.Limits.defaults());
    SoftAssertions soft = new SoftAssertions();   // every plan checked, each refusal seen on its own
    for (Map.Entry<String, String> plan : plans.entrySet()) {
      EmbeddedChannel channel = node(context);
      channel.writeInbound(new Hello(Protocol.VERSION, TokenAuth.nonce()), new Auth(new byte[0]),
          new Open("", plan.getKey()));
      Error error = refusal(channel);
      soft.assertThat(error.code()).as(plan.getValue()).isEqualTo(Error.PLAN);
      soft.assertThat(error.message()).contains(plan.getValue());
    }
    soft.assertAll();
    assertThat(context.makers().size()).as("nothing built for a refused plan").isZero();
  }

  @Test
  void check_newStepsAtTheirLimits_passes() {
    DataNodeConfig.Limits limits = DataNodeConfig.Limits.defaults();
    PlanLimits.check(new SupplyPlan(List.of(new Resize(64, 64), new GaussianBlur(63), new RandAugment(8, 9),
        new TrivialAugmentWide(1024, 0), new RandomErasing(0.5), new PhotometricDistort()), 1), limits);
    PlanLimits.check(new SupplyPlan(List.of(new Resize(4096, 1024), new ZoomOut(1, 2, 0.5, 0), new Resize(8, 8)), 1),
        limits);
    PlanLimits.check(new SupplyPlan(List.of(new ZoomOut(1, 16, 1, 0), new Resize(8, 8)), 1), limits);
    PlanLimits.check(new SupplyPlan(List.of(new Resize(64, 64), new GaussianBlur(255), new RandAugment(16, 9)), 1),
        limits.withAugmentations(255, 16));
    assertThat(limits.withAugmentations(3, 2)).extracting(DataNodeConfig.Limits::maxBlurKernel,
        DataNodeConfig.Limits::maxAugmentOps).containsExactly(3, 2);
  }
}
