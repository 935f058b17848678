package dev.stoker.remote.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.luben.zstd.ZstdCompressCtx;
import dev.stoker.api.LoaderException;
import dev.stoker.api.SampleSource;
import dev.stoker.pipeline.Loader;
import dev.stoker.pipeline.Presets;
import dev.stoker.pipeline.ProcessedSample;
import dev.stoker.pipeline.SampleResult;
import dev.stoker.pipeline.SupplyPlan;
import dev.stoker.remote.node.DataNode;
import dev.stoker.remote.node.DataNodeConfig;
import dev.stoker.remote.protocol.LeakRecorder;
import dev.stoker.remote.protocol.Message;
import dev.stoker.remote.protocol.Protocol;
import dev.stoker.remote.protocol.TestImages;
import dev.stoker.remote.protocol.Transports;
import dev.stoker.remote.wire.Compression;
import dev.stoker.remote.wire.Transport;
import dev.stoker.remote.wire.WireOptions;
import dev.stoker.testkit.BatchDigests;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.UnaryOperator;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

/**
 * Compression negotiated in the handshake, end to end: a run with zstd gives the batches of a
 * local run byte for byte (and of a run without), compression happens only when the client offers
 * it and the node allows it, and a node that sends a zstd frame the client must not trust (a size
 * other than the session's, none, garbage, a bomb, an encoding not agreed) is dropped naming the
 * node and the field, its chunks going to the honest node. Also: every transport this machine has
 * carries a run, and a send limit does not change what arrives.
 */
@Timeout(120)
class RemoteSourceCompressionTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir
  static Path root;

  private static SampleSource local;
  private static BatchDigests.Run localRun;
  private static int[] order;

  private final List<AutoCloseable> open = new ArrayList<>();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private PrintStream savedErr;

  @BeforeAll
  static void localBaseline() {
    local = TestImages.open(TestImages.make(root));
    try (Loader loader = TestImages.settings(local).build()) {
      localRun = BatchDigests.run(loader, 0, 2);
    }
    order = IntStream.range(0, local.size()).map(i -> (5 * i + 2) % local.size()).toArray();
  }

  @BeforeEach
  void captureLog() {
    savedErr = System.err; // slf4j-simple writes to whatever System.err is now
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @AfterEach
  void stopAndCheckLeaks() throws Exception {
    System.setErr(savedErr);
    for (AutoCloseable c : open) {
      c.close();
    }
    assertThat(LeakRecorder.collect("ByteBuf")).isEmpty();
  }

  private static RemoteOptions options(WireOptions wire) {
    return RemoteOptions.defaults().withChunkSize(3).withTimings(Duration.ofSeconds(5), Duration.ofMillis(50))
        .withWire(wire);
  }

  private DataNode node(WireOptions wire, MeterRegistry registry) {
    DataNode node = DataNode.start(DataNodeConfig.loopback(local).withWorkers(2).withWire(wire), registry);
    open.add(node);
    return node;
  }

  private BatchDigests.Run run(List<InetSocketAddress> nodes, WireOptions wire) {
    try (RemoteSource remote = RemoteSource.connect(nodes, options(wire));
        Loader loader = TestImages.settings(remote).build()) {
      return BatchDigests.run(loader, 0, 2);
    }
  }

  private static double count(MeterRegistry registry, String name) {
    return registry.get(name).counter().count();
  }

  static Stream<Arguments> negotiations() {
    return Stream.of(
        Arguments.of(Compression.ZSTD, Compression.ZSTD, true),
        Arguments.of(Compression.ZSTD, Compression.NONE, false),
        Arguments.of(Compression.NONE, Compression.ZSTD, false),
        Arguments.of(Compression.NONE, Compression.NONE, false));
  }

  @ParameterizedTest(name = "client offers {0}, node allows {1}: compressed {2}")
  @MethodSource("negotiations")
  void run_clientOffersTimesNodeAllows_sameBatchesAsLocalCompressedOnlyWhenBoth(Compression offered,
      Compression allowed, boolean compressed) {
    MeterRegistry registry = new SimpleMeterRegistry();
    DataNode node = node(WireOptions.defaults().withCompression(allowed), registry);
    BatchDigests.Run run = run(List.of(node.address()), WireOptions.defaults().withCompression(offered));

    assertThat(run.digests()).isEqualTo(localRun.digests());
    assertThat(run.summary().delivered()).isEqualTo(2L * TestImages.GOOD);
    double raw = count(registry, "stoker.node.pixels.raw");
    double sent = count(registry, "stoker.node.pixels.sent");
    assertThat(raw).isPositive();
    if (compressed) {
      assertThat(sent).isLessThan(raw);
    } else {
      assertThat(sent).isEqualTo(raw);
    }
    assertThat(err.toString(StandardCharsets.UTF_8)).doesNotContain("broke the protocol");
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void run_everyTransportThisMachineHas_sameBatchesAsLocal(Transport transport) {
    org.junit.jupiter.api.Assumptions.assumeTrue(Transports.isAvailable(transport),
        () -> transport + ": " + Transports.unavailabilityReason(transport));
    WireOptions wire = WireOptions.defaults().withTransport(transport).withCompression(Compression.ZSTD);
    DataNode node = node(wire, new SimpleMeterRegistry());
    assertThat(node.transport()).isNotEqualTo(Transport.AUTO);
    if (transport != Transport.AUTO) {
      assertThat(node.transport()).isEqualTo(transport);
    }
    assertThat(run(List.of(node.address()), wire).digests()).isEqualTo(localRun.digests());
  }

  @Test
  void run_sendLimitOnNodeAndClient_sameBatchesAsLocal() {
    WireOptions limited = WireOptions.defaults().withSendLimit(50_000_000L);
    DataNode node = node(limited, new SimpleMeterRegistry());
    assertThat(run(List.of(node.address()), limited).digests()).isEqualTo(localRun.digests());
  }

  // ---- hostile frames, from a FakeNode that agrees on zstd and then breaks its rules ----

  private FakeNode fake(FakeNode node) {
    open.add(node);
    return node.start();
  }

  private static String name(FakeNode node) {
    InetSocketAddress a = node.address();
    return a.getHostString() + ":" + a.getPort();
  }

  /** Replaces each SAMPLE's raw pixels with {@code encode(pixels)}, sent with {@code encoding}. */
  private static UnaryOperator<Message> encoded(int encoding, java.util.function.Function<byte[], byte[]> encode) {
    return m -> {
      if (!(m instanceof Message.Sample s)) {
        return m;
      }
      byte[] raw = new byte[s.pixels().readableBytes()];
      s.pixels().getBytes(s.pixels().readerIndex(), raw);
      s.release();
      ByteBuf pixels = Unpooled.directBuffer().writeBytes(encode.apply(raw));
      return new Message.Sample(s.chunkId(), s.position(), s.index(), s.label(), s.keptBoxes(), s.boxes(),
          s.boxLabels(), encoding, pixels);
    };
  }

  private static byte[] zstd(byte[] raw, boolean contentSize) {
    try (ZstdCompressCtx ctx = new ZstdCompressCtx().setLevel(1).setContentSize(contentSize)) {
      return ctx.compress(raw);
    }
  }

  /** Releases each sample as a loader would; passes on its index. */
  private static Flux<Integer> indices(Flux<SampleResult> samples) {
    return samples.map(s -> switch (s) {
      case ProcessedSample ok -> {
        ok.release();
        yield ok.index();
      }
      case SampleResult.Failed f -> f.failure().index();
    });
  }

  private static RemoteSource openZstd(FakeNode... nodes) {
    RemoteSource remote = RemoteSource.connect(Stream.of(nodes).map(FakeNode::address).toList(),
        options(WireOptions.defaults().withCompression(Compression.ZSTD)));
    remote.configure(new SupplyPlan(Presets.imagenetTrain(24), 5));
    return remote;
  }

  static Stream<Arguments> hostileFrames() {
    int z = Protocol.ENCODING_ZSTD;
    return Stream.of(
        Arguments.of(Named.of("a declared size one byte short", encoded(z,
            raw -> zstd(java.util.Arrays.copyOf(raw, raw.length - 1), true))), "SAMPLE pixels: the zstd frame declares"),
        Arguments.of(Named.of("no declared size", encoded(z, raw -> zstd(raw, false))),
            "SAMPLE pixels: the zstd frame does not declare its content size"),
        Arguments.of(Named.of("garbage", encoded(z, raw -> {
          byte[] g = new byte[200];
          new Random(raw.length).nextBytes(g);
          return g;
        })), "SAMPLE pixels: not a zstd frame"),
        Arguments.of(Named.of("a bomb: 32 times the size, declared as 1", encoded(z, raw -> {
          byte[] frame = zstd(new byte[raw.length * 32], true);
          int fhd = frame[4] & 0xFF;   // forge the size field: single segment, a 2-byte field (size - 256)
          if ((fhd >>> 6) != 1 || (fhd & 0x20) == 0 || (fhd & 3) != 0) {
            throw new IllegalStateException("another header layout: " + fhd);
          }
          frame[5] = (byte) (raw.length - 256);
          frame[6] = (byte) ((raw.length - 256) >>> 8);
          return frame;
        })), "SAMPLE pixels: the zstd frame does not decode to"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("hostileFrames")
  void samples_nodeSendsAZstdFrameToDistrust_droppedNamingItAndEveryPositionOnceFromTheOther(
      UnaryOperator<Message> tamper, String reason) {
    FakeNode hostile = fake(FakeNode.serving(local).readyCompression(-1).tamper(tamper));
    FakeNode honest = fake(FakeNode.serving(local).readyCompression(-1));
    try (RemoteSource remote = openZstd(hostile, honest)) {
      StepVerifier.create(indices(remote.samples(0, order, 0)))
          .expectNextSequence(IntStream.of(order).boxed().toList())
          .expectComplete()
          .verify(WAIT);
    }
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("node " + name(hostile) + " broke the protocol: " + reason)
        .doesNotContain("node " + name(honest) + " broke");
  }

  @Test
  void samples_honestZstdFramesFromAFakeNode_negativeControl_nobodyDropped() {
    FakeNode a = fake(FakeNode.serving(local).readyCompression(-1).tamper(encoded(Protocol.ENCODING_ZSTD,
        raw -> zstd(raw, true))));
    FakeNode b = fake(FakeNode.serving(local).readyCompression(-1));
    try (RemoteSource remote = openZstd(a, b)) {
      StepVerifier.create(indices(remote.samples(0, order, 0)))
          .expectNextSequence(IntStream.of(order).boxed().toList())
          .expectComplete()
          .verify(WAIT);
    }
    assertThat(err.toString(StandardCharsets.UTF_8)).doesNotContain("broke the protocol");
  }

  @Test
  void samples_zstdFrameWhenReadyChoseRaw_droppedAsNotAgreed() {
    FakeNode hostile = fake(FakeNode.serving(local).readyCompression(Protocol.ENCODING_RAW)
        .tamper(encoded(Protocol.ENCODING_ZSTD, raw -> zstd(raw, true))));
    FakeNode honest = fake(FakeNode.serving(local));
    try (RemoteSource remote = openZstd(hostile, honest)) {
      StepVerifier.create(indices(remote.samples(0, order, 0)))
          .expectNextSequence(IntStream.of(order).boxed().toList())
          .expectComplete()
          .verify(WAIT);
    }
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("node " + name(hostile)
        + " broke the protocol: SAMPLE.encoding 1 was not agreed for this session (READY.compression 0)");
  }

  @Test
  void configure_readyChoosesZstdTheClientDidNotOffer_refusedNamingTheNode() {
    FakeNode hostile = fake(FakeNode.serving(local).readyCompression(Protocol.ENCODING_ZSTD));
    try (RemoteSource remote = RemoteSource.connect(List.of(hostile.address()),
        options(WireOptions.defaults().withCompression(Compression.NONE)))) {
      assertThatThrownBy(() -> remote.configure(new SupplyPlan(Presets.imagenetTrain(24), 5)))
          .isInstanceOf(LoaderException.class)
          .hasMessageContaining("node " + name(hostile) + " broke the protocol: READY.compression 1 was not offered");
    }
  }
}
