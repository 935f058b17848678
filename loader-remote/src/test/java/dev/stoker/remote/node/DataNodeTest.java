package dev.stoker.remote.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoker.api.LoaderException;
import dev.stoker.api.SampleSource;
import dev.stoker.dataset.ImageFolderSource;
import dev.stoker.pipeline.Loader;
import dev.stoker.pipeline.Presets;
import dev.stoker.pipeline.ProcessedSample;
import dev.stoker.pipeline.SampleMaker;
import dev.stoker.remote.protocol.LeakRecorder;
import dev.stoker.remote.protocol.Message.Chunk;
import dev.stoker.remote.protocol.Message.ChunkDone;
import dev.stoker.remote.protocol.Message.Credit;
import dev.stoker.remote.protocol.Message.Error;
import dev.stoker.remote.protocol.Message.Failed;
import dev.stoker.remote.protocol.Message.Hello;
import dev.stoker.remote.protocol.Message.Open;
import dev.stoker.remote.protocol.Message.Sample;
import dev.stoker.remote.protocol.Message;
import dev.stoker.remote.protocol.Protocol;
import dev.stoker.remote.protocol.TokenAuth;
import dev.stoker.testkit.GradientImageFolder;
import io.netty.buffer.ByteBufUtil;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A node over real loopback sockets: samples, the handshake's refusals, credits, bad peers, start-up checks. */
class DataNodeTest {
  private static final byte[] TOKEN = "correct horse battery staple, twice over".getBytes(StandardCharsets.US_ASCII);
  private static final String PLAN = NodeHandlerTest.PLAN;

  @TempDir
  static Path root;
  static SampleSource source;
  static Path tokenFile;

  private final CountingAllocator pixels = new CountingAllocator();
  private DataNode node;

  @BeforeAll
  static void dataset() throws IOException {
    source = ImageFolderSource.open(GradientImageFolder.of(14).withBroken().writeTo(root.resolve("data")));
    tokenFile = Files.writeString(root.resolve("token"), new String(TOKEN, StandardCharsets.US_ASCII) + "\n");
  }

  @BeforeEach
  void startNode() {
    node = DataNode.start(DataNodeConfig.loopback(source).withToken(tokenFile).withWorkers(2), pixels);
  }

  @AfterEach
  void closeNode() {
    node.close();
    assertThat(pixels.live()).as("sample buffers still held after close").isZero();
  }

  @AfterAll
  static void noLeaks() throws InterruptedException {
    assertThat(LeakRecorder.watchesByteBufs()).isTrue();
    assertThat(LeakRecorder.collect("ByteBuf")).isEmpty();
  }

  private TestClient ready() {
    return TestClient.ready(node.address(), null, TOKEN, node.datasetIdentity(), PLAN);
  }

  @Test
  void chunk_overLoopback_samplesByteIdenticalToASampleMakerAndFailuresNamed() {
    SampleMaker local = Loader.builder().source(source).transforms(Presets.imagenetTrain(32)).seed(9).buildMaker();
    int[] indices = IntStream.range(0, source.size()).map(i -> source.size() - 1 - i).toArray();
    try (TestClient client = ready(); Arena arena = Arena.ofConfined()) {
      client.send(new Chunk(5, 3, indices));
      client.send(new Credit(indices.length));
      MemorySegment expected = arena.allocate(local.sampleBytes());
      int failed = 0;
      for (int p = 0; p < indices.length; p++) {
        ProcessedSample want;
        try {
          want = local.process(3, indices[p], expected);
        } catch (Exception e) {
          want = null;
        }
        Message message = client.next();
        try {
          if (want == null) {
            Failed failure = (Failed) message;
            assertThat(failure.position()).isEqualTo(p);
            assertThat(failure.source()).endsWith("broken.jpg").isEqualTo(local.sourceName(indices[p]));
            assertThat(failure.error()).isNotBlank();
            failed++;
          } else {
            Sample sample = (Sample) message;
            assertThat(sample.position()).isEqualTo(p);
            assertThat(sample.index()).isEqualTo(indices[p]);
            assertThat(sample.label()).isEqualTo(want.label());
            assertThat(ByteBufUtil.getBytes(sample.pixels())).isEqualTo(expected.toArray(ValueLayout.JAVA_BYTE));
          }
        } finally {
          ReferenceCountUtil.release(message);
        }
      }
      assertThat(failed).isOne();
      assertThat(client.next()).isEqualTo(new ChunkDone(5));
    }
  }

  @Test
  void handshake_eachRefusal_rightCodeThenCloseAndTheNodeKeepsServing() {
    String identity = node.datasetIdentity();
    byte[] wrongToken = "wrong".getBytes(StandardCharsets.US_ASCII);
    assertRefused(c -> c.send(new Hello(Protocol.VERSION + 1, TokenAuth.nonce())), Error.VERSION);
    assertRefused(c -> c.handshake(wrongToken, identity, PLAN), Error.AUTH);
    assertRefused(c -> c.handshake(null, identity, PLAN), Error.AUTH);
    assertRefused(c -> c.handshake(TOKEN, "sha256:ffffffffffffffffffffffff/14", PLAN), Error.DATASET);
    assertRefused(c -> c.handshake(TOKEN, identity, "{\"seed\":1}"), Error.PLAN);
    assertRefused(c -> c.send(new Open(identity, PLAN)), Error.PROTOCOL);
    assertThat(node.stats().refused.get()).isEqualTo(5); // VERSION is refused by the codec, before the handler

    try (TestClient client = ready()) {
      client.send(new Chunk(1, 0, new int[] {0}));
      client.send(new Credit(1));
      ReferenceCountUtil.release(client.next());
      assertThat(client.next()).isEqualTo(new ChunkDone(1));
    }
  }

  private void assertRefused(Consumer<TestClient> misbehave, int code) {
    try (TestClient client = TestClient.connect(node.address())) {
      misbehave.accept(client);
      Message answer = client.next();
      while (answer instanceof Message.Welcome || answer instanceof Message.Dataset) {
        answer = client.next();
      }
      assertThat(answer).isInstanceOf(Error.class);
      assertThat(((Error) answer).code()).as(answer.toString()).isEqualTo(code);
      assertThat(client.awaitClosed()).as("closed after " + answer).isTrue();
    }
  }

  @Test
  void stalledClient_eightCredits_nodeHoldsAtMostEightSamples() throws InterruptedException {
    int[] indices = IntStream.range(0, 400).map(i -> i % source.size()).toArray();
    try (TestClient stalled = ready(); TestClient other = ready()) {
      stalled.channel.config().setAutoRead(false); // never reads again
      stalled.send(new Chunk(1, 0, indices));
      stalled.send(new Credit(8));
      awaitTrue(() -> node.stats().started.get() >= 8);

      // another client is served meanwhile, and its samples end the wait for the stalled one's
      other.send(new Chunk(2, 0, new int[] {1, 2, 3}));
      other.send(new Credit(3));
      for (int i = 0; i < 3; i++) {
        ReferenceCountUtil.release(other.next());
      }
      assertThat(other.next()).isEqualTo(new ChunkDone(2));
      Thread.sleep(300); // room for work the node should not do
      assertThat(node.stats().started.get()).isEqualTo(8 + 3);
      assertThat(pixels.allocated()).isEqualTo(8 + 3);
      assertThat(pixels.peak()).isLessThanOrEqualTo(8 + 3);
    }
  }

  @Test
  void badFrame_onOneConnection_closesOnlyThatOne() throws IOException {
    try (TestClient good = ready()) {
      good.send(new Chunk(1, 0, new int[] {0, 1, 2, 3}));
      good.send(new Credit(2));
      ReferenceCountUtil.release(good.next());
      ReferenceCountUtil.release(good.next());

      try (Socket garbage = new Socket(node.address().getAddress(), node.address().getPort())) {
        OutputStream out = garbage.getOutputStream();
        out.write("GET / HTTP/1.1\r\nHost: node\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = garbage.getInputStream();
        garbage.setSoTimeout((int) TestClient.WAIT_SECONDS * 1000);
        while (in.read() >= 0) {
          // the node's ERROR frame, then end of stream
        }
      }

      good.send(new Credit(2));
      ReferenceCountUtil.release(good.next());
      ReferenceCountUtil.release(good.next());
      assertThat(good.next()).isEqualTo(new ChunkDone(1));
    }
  }

  @Test
  void close_whileAStalledClientHoldsSamples_releasesThemAndEndsTheConnection() {
    TestClient stalled = ready();
    stalled.channel.config().setAutoRead(false);
    stalled.send(new Chunk(1, 0, IntStream.range(0, 50).map(i -> i % source.size()).toArray()));
    stalled.send(new Credit(6));
    awaitTrue(() -> node.stats().started.get() >= 6);
    node.close(); // @AfterEach checks that nothing is held
    stalled.channel.config().setAutoRead(true);
    assertThat(stalled.awaitClosed()).isTrue();
    stalled.close();
  }

  @Test
  void start_portTaken_clearError() {
    DataNodeConfig same = new DataNodeConfig(source, node.address().getAddress(), node.address().getPort(), null,
        null, null, 1, DataNodeConfig.DEFAULT_MAX_FRAME_BYTES);
    assertThatThrownBy(() -> DataNode.start(same)).isInstanceOf(LoaderException.class)
        .hasMessageStartingWith("cannot listen on " + node.address().getAddress().getHostAddress() + ":"
            + node.address().getPort());
  }

  @Test
  void start_nonLoopbackWithoutTlsOrToken_refusesWithTheMessage() throws IOException {
    InetAddress any = InetAddress.getByName("0.0.0.0");
    DataNodeConfig plain = new DataNodeConfig(source, any, 0, null, null, null, 1,
        DataNodeConfig.DEFAULT_MAX_FRAME_BYTES);
    String message = "binding 0.0.0.0 requires --tls-cert/--tls-key and --token-file; loopback may run without";
    assertThatThrownBy(() -> DataNode.start(plain)).isInstanceOf(LoaderException.class).hasMessage(message);
    assertThatThrownBy(() -> DataNode.start(plain.withToken(tokenFile))).hasMessage(message);
    Path cert = Files.writeString(root.resolve("unused.crt"), "x");
    assertThatThrownBy(() -> DataNode.start(plain.withTls(cert, cert))).hasMessage(message);
  }

  @Test
  void start_missingTokenFile_namesTheFile() {
    Path missing = root.resolve("no-such-token");
    assertThatThrownBy(() -> DataNode.start(DataNodeConfig.loopback(source).withToken(missing)))
        .isInstanceOf(LoaderException.class).hasMessageContaining(missing.toString());
  }

  static void awaitTrue(BooleanSupplier condition) {
    long deadline = System.nanoTime() + TestClient.WAIT_SECONDS * 1_000_000_000L;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within " + TestClient.WAIT_SECONDS + " s");
      }
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }
}
