package dev.stoker.remote.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoker.api.LoaderException;
import dev.stoker.api.SampleSource;
import dev.stoker.pipeline.Presets;
import dev.stoker.pipeline.ProcessedSample;
import dev.stoker.pipeline.SampleResult;
import dev.stoker.pipeline.SupplyPlan;
import dev.stoker.remote.protocol.LeakRecorder;
import dev.stoker.remote.protocol.Protocol;
import dev.stoker.remote.protocol.Message;
import dev.stoker.remote.protocol.TestImages;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a hostile node can do to a client: every field it sends is checked against what the
 * client asked for and bounded by the client's own limits, a node that breaks a rule is dropped
 * with one log line naming it and the field, its buffers are released, its chunks go to the honest
 * node (every position exactly once), and the text it sends reaches no log or exception verbatim.
 */
@Timeout(120)
class RemoteSourceHostileTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir
  static Path root;

  private static SampleSource local;
  private static int[] order;

  private final List<FakeNode> nodes = new ArrayList<>();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private PrintStream savedErr;

  @BeforeAll
  static void dataset() {
    local = TestImages.open(TestImages.make(root));
    order = IntStream.range(0, local.size()).map(i -> (7 * i + 3) % local.size()).toArray();
  }

  @BeforeEach
  void captureLog() {
    savedErr = System.err; // slf4j-simple writes to whatever System.err is now
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @AfterEach
  void stopNodesAndCheckLeaks() throws InterruptedException {
    System.setErr(savedErr);
    nodes.forEach(FakeNode::close);
    assertThat(LeakRecorder.collect("ByteBuf")).isEmpty();
  }

  private FakeNode node(FakeNode node) {
    nodes.add(node);
    return node.start();
  }

  private static String name(FakeNode node) {
    InetSocketAddress a = node.address();
    return a.getHostString() + ":" + a.getPort();
  }

  private static RemoteOptions options(int chunkSize) {
    return RemoteOptions.defaults().withChunkSize(chunkSize).withTimings(Duration.ofSeconds(5), Duration.ofMillis(50));
  }

  private static RemoteSource open(RemoteOptions options, FakeNode... nodes) {
    RemoteSource remote = RemoteSource.connect(Stream.of(nodes).map(FakeNode::address).toList(), options);
    remote.configure(new SupplyPlan(Presets.imagenetTrain(24), 5));
    return remote;
  }

  /** Releases each sample as a loader would once it copied it; passes on its index. */
  private static Flux<Integer> indices(Flux<SampleResult> samples) {
    return samples.map(s -> switch (s) {
      case ProcessedSample ok -> {
        ok.release();
        yield ok.index();
      }
      case SampleResult.Failed f -> f.failure().index();
    });
  }

  private String log() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void samples_nodeSendsASamplePastItsChunksEnd_droppedAndEveryPositionOnceFromTheOther() {
    FakeNode hostile = node(FakeNode.serving(local).samplePastEnd(order));
    FakeNode honest = node(FakeNode.serving(local));
    try (RemoteSource remote = open(options(3), hostile, honest)) {
      StepVerifier.create(indices(remote.samples(0, order, 0)))
          .expectNextSequence(IntStream.of(order).boxed().toList())
          .expectComplete()
          .verify(WAIT);
    }
    assertThat(log()).contains("node " + name(hostile) + " broke the protocol: SAMPLE.position 3 of chunk")
        .contains("is past the end of its 3 positions; dropping it")
        .doesNotContain("node " + name(honest) + " broke");
  }

  @Test
  void samples_nodeSendsOneSampleOverItsCredits_droppedNamingTheCredits() {
    // two requested positions of a chunk of four: two credits; the node sends a third sample
    FakeNode hostile = node(FakeNode.serving(local).overspendOnce());
    try (RemoteSource remote = open(options(4), hostile)) {
      StepVerifier.create(indices(remote.samples(0, order, 0)), 0)
          .thenRequest(2)
          .expectNext(order[0], order[1])
          .then(() -> awaitLog("sent more samples than it was granted credits"))
          .thenCancel()
          .verify(WAIT);
    }
    assertThat(hostile.samples()).isEqualTo(3);
    assertThat(log()).contains("node " + name(hostile)
        + " broke the protocol: sent more samples than it was granted credits; dropping it");
  }

  @Test
  void samples_nodeSendsExactlyItsCredits_negativeControl_notDropped() throws InterruptedException {
    FakeNode honest = node(FakeNode.serving(local));
    try (RemoteSource remote = open(options(4), honest)) {
      StepVerifier.create(indices(remote.samples(0, order, 0)), 0)
          .thenRequest(2)
          .expectNext(order[0], order[1])
          .expectNoEvent(Duration.ofMillis(300))
          .thenRequest(2)
          .expectNext(order[2], order[3])
          .thenCancel()
          .verify(WAIT);
    }
    assertThat(honest.overspent()).isFalse();
    assertThat(log()).doesNotContain("broke the protocol");
  }

  private void awaitLog(String text) {
    try {
      dev.stoker.testkit.Await.until(() -> log().contains(text), "the log to say: " + text);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  @Test
  void samples_pastEndOnlyDetectedAtTheEnd_negativeControl_honestNodesNeverDropped() {
    FakeNode a = node(FakeNode.serving(local));
    FakeNode b = node(FakeNode.serving(local));
    try (RemoteSource remote = open(options(3), a, b)) {
      StepVerifier.create(indices(remote.samples(0, order, 0)))
          .expectNextSequence(IntStream.of(order).boxed().toList())
          .expectComplete()
          .verify(WAIT);
    }
    assertThat(a.sessions() + b.sessions()).isEqualTo(2);
    assertThat(log()).doesNotContain("broke the protocol");
  }

  static Stream<Arguments> tampers() {
    int classes = 3;
    return Stream.of(
        Arguments.of(Named.of("label = number of classes", sample(s -> copy(s, classes, s.boxes(), s.boxLabels()))),
            "SAMPLE.label"),
        Arguments.of(Named.of("label = -2", sample(s -> copy(s, -2, s.boxes(), s.boxLabels()))), "SAMPLE.label"),
        Arguments.of(Named.of("a box beyond maxBoxes 0", sample(s -> copy(s, s.label(), new float[4], new int[1]))),
            "SAMPLE.boxCount"),
        Arguments.of(Named.of("one pixel byte short", sample(s -> {
          s.pixels().writerIndex(s.pixels().writerIndex() - 1);
          return s;
        })), "SAMPLE.pixelBytes"),
        Arguments.of(Named.of("another index", sample(s -> copy(s, s.index() + 1, s.label()))), "SAMPLE.index"),
        Arguments.of(Named.of("a FAILED for the next position", (UnaryOperator<Message>) m -> {
          if (m instanceof Message.Sample s) {
            s.release();
            return new Message.Failed(s.chunkId(), s.position() + 1, order[0], "x.jpg", "failed");
          }
          return m;
        }), "FAILED.position"));
  }

  @Test
  void samples_frameLongerThanASampleAfterReady_refusedFromItsLengthAndEveryPositionOnceFromTheOther() {
    int oversize = UpstreamSession.MIN_READY_FRAME_BYTES + 1024;
    FakeNode hostile = node(FakeNode.serving(local).tamper(sample(s -> {
      s.pixels().writeZero(oversize); // far more pixel bytes than OPEN asked for, in one frame
      return s;
    })));
    FakeNode honest = node(FakeNode.serving(local));
    try (RemoteSource remote = open(options(3), hostile, honest)) {
      StepVerifier.create(indices(remote.samples(0, order, 0)))
          .expectNextSequence(IntStream.of(order).boxed().toList())
          .expectComplete()
          .verify(WAIT);
    }
    assertThat(log()).contains("exceeds the limit of " + UpstreamSession.MIN_READY_FRAME_BYTES + " bytes")
        .doesNotContain("SAMPLE.pixelBytes");
  }

  @Test
  void readyFrameLimit_sampleSizesAndBoxes_roomForTheLargestSampleWithinTheCodecLimit() {
    assertThat(UpstreamSession.readyFrameLimit(1728, 0)).isEqualTo(UpstreamSession.MIN_READY_FRAME_BYTES);
    assertThat(UpstreamSession.readyFrameLimit(224 * 224 * 3, 10)).isEqualTo(224 * 224 * 3 + 64 + 200);
    assertThat(UpstreamSession.readyFrameLimit(1L << 40, 0)).isEqualTo(Protocol.DEFAULT_MAX_FRAME_BYTES);
  }

  private static UnaryOperator<Message> sample(UnaryOperator<Message.Sample> change) {
    return m -> m instanceof Message.Sample s ? change.apply(s) : m;
  }

  private static Message.Sample copy(Message.Sample s, int label, float[] boxes, int[] boxLabels) {
    return new Message.Sample(s.chunkId(), s.position(), s.index(), label, boxLabels.length, boxes, boxLabels,
        s.pixels());
  }

  private static Message.Sample copy(Message.Sample s, int index, int label) {
    return new Message.Sample(s.chunkId(), s.position(), index, label, s.keptBoxes(), s.boxes(), s.boxLabels(),
        s.pixels());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("tampers")
  void samples_nodeBreaksAFieldRule_droppedNamingItAndTheFieldAndEveryPositionOnceFromTheOther(
      UnaryOperator<Message> tamper, String field) {
    FakeNode hostile = node(FakeNode.serving(local).tamper(tamper));
    FakeNode honest = node(FakeNode.serving(local));
    try (RemoteSource remote = open(options(3), hostile, honest)) {
      StepVerifier.create(indices(remote.samples(0, order, 0)))
          .expectNextSequence(IntStream.of(order).boxed().toList())
          .expectComplete()
          .verify(WAIT);
    }
    assertThat(log()).contains("node " + name(hostile) + " broke the protocol: " + field)
        .doesNotContain("node " + name(honest) + " broke");
  }

  @Test
  void connect_nodeClaimsMoreSamplesThanTheClientAllows_refusedNamingTheNodeAndTheField() {
    FakeNode hostile = node(FakeNode.serving(local).claim(Integer.MAX_VALUE, 0));
    assertThatThrownBy(() -> RemoteSource.connect(List.of(hostile.address()), options(3)))
        .isInstanceOf(LoaderException.class)
        .hasMessageContaining("node " + name(hostile) + " broke the protocol: datasetSize " + Integer.MAX_VALUE)
        .hasMessageContaining("maxDatasetSize " + RemoteOptions.Limits.DEFAULT_MAX_DATASET_SIZE);
  }

  @Test
  void connect_nodeClaimsMoreBoxesThanTheClientAllows_refusedNamingTheNodeAndTheField() {
    FakeNode hostile = node(FakeNode.serving(local).claim(local.size(), Integer.MAX_VALUE));
    assertThatThrownBy(() -> RemoteSource.connect(List.of(hostile.address()), options(3)))
        .isInstanceOf(LoaderException.class)
        .hasMessageContaining("node " + name(hostile) + " broke the protocol: maxBoxCount " + Integer.MAX_VALUE)
        .hasMessageContaining("maxBoxes " + RemoteOptions.Limits.DEFAULT_MAX_BOXES);
  }

  @Test
  void connect_limitsRaisedByTheClient_largerClaimAccepted() {
    FakeNode node = node(FakeNode.serving(local).claim(200_000_000, 0));
    RemoteOptions options = options(3).withLimits(new RemoteOptions.Limits(1 << 28, 10, 100));
    try (RemoteSource remote = RemoteSource.connect(List.of(node.address()), options)) {
      assertThat(remote.size()).isEqualTo(200_000_000);
    }
  }

  @Test
  void connect_errorTextWithEscapesAndNewlines_neitherInTheExceptionNorInTheLog() {
    String evil = "\u001b[2J\u001b]0;owned\u0007\r\n12:00:00 [main] INFO forged line\u009b31m" + "x".repeat(5000);
    FakeNode hostile = node(FakeNode.serving(local).refuseWith(Message.Error.INTERNAL, evil));
    assertThatThrownBy(() -> RemoteSource.connect(List.of(hostile.address()), options(3)))
        .isInstanceOf(LoaderException.class)
        .hasMessageContaining("node " + name(hostile) + " failed (node says: ?[2J?]0;owned???12:00:00 [main] INFO forged")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\u001b", "\r", "\n", "\u0007", "\u009b")
            .hasSizeLessThan(1000));
    assertThat(log()).doesNotContain("\u001b", "forged line\u009b");
  }

  @Test
  void samples_failedTextWithEscapesAndNewlines_cleanedInTheSampleFailure() {
    FakeNode hostile = node(FakeNode.serving(local).tamper(m -> {
      if (m instanceof Message.Sample s) {
        s.release();
        return new Message.Failed(s.chunkId(), s.position(), s.index(), "img\u001b[31m.jpg\nforged",
            "bad\r\n[ERROR] forged\u2028line" + "y".repeat(5000));
      }
      return m;
    }));
    try (RemoteSource remote = open(options(6), hostile)) {
      StepVerifier.create(remote.samples(0, order, 0).cast(SampleResult.Failed.class).map(f -> f.failure()))
          .thenConsumeWhile(f -> true, f -> {
            if (f.source().contains("broken.jpg")) {
              return; // the one real failure, sent as a FAILED already
            }
            assertThat(f.source()).isEqualTo("img?[31m.jpg?forged");
            assertThat(f.cause().getMessage()).startsWith("bad??[ERROR] forged?line").hasSizeLessThan(1000)
                .doesNotContain("\r", "\n", "\u2028");
          })
          .expectComplete()
          .verify(WAIT);
    }
  }
}
