package dev.stoker.remote.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stoker.api.SampleSource;
import dev.stoker.pipeline.Presets;
import dev.stoker.pipeline.ProcessedSample;
import dev.stoker.pipeline.SampleResult;
import dev.stoker.pipeline.SupplyPlan;
import dev.stoker.remote.protocol.LeakRecorder;
import dev.stoker.remote.protocol.TestImages;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

/**
 * A node that says LEAVING: the client sends it no new chunk, lets it finish the chunks it holds
 * (granting the credits they need), then closes the connection itself; every position arrives
 * once, in order. The negative control: a node that did not say LEAVING keeps getting chunks in the
 * same run.
 *
 * <p>Demand is stepped by hand (a chunk is cut only when the subscriber's demand reaches it), so
 * when LEAVING is sent no CHUNK is on its way to the node, and the chunk counts are exact. With
 * chunks of 4 and nodes [A, B], the first chunk goes to A and the second to B (least work, then
 * round robin).
 */
@Timeout(120)
class RemoteSourceLeavingTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir
  static Path root;

  private static SampleSource local;
  private static int[] order;

  private final List<FakeNode> nodes = new ArrayList<>();

  @BeforeAll
  static void dataset() {
    local = TestImages.open(TestImages.make(root));
    order = IntStream.range(0, local.size()).map(i -> local.size() - 1 - i).toArray();
  }

  @AfterEach
  void stopNodesAndCheckLeaks() throws InterruptedException {
    nodes.forEach(FakeNode::close);
    assertThat(LeakRecorder.collect("ByteBuf")).isEmpty();
  }

  /** Two fake nodes A and B; reconnection far off, so a node the client closed stays closed here. */
  private RemoteSource connect() {
    List<InetSocketAddress> addresses = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      FakeNode node = FakeNode.serving(local).start();
      nodes.add(node);
      addresses.add(node.address());
    }
    RemoteSource remote = RemoteSource.connect(addresses, RemoteOptions.defaults().withChunkSize(4)
        .withTimings(Duration.ofSeconds(5), Duration.ofMinutes(10)));
    remote.configure(new SupplyPlan(Presets.imagenetTrain(24), 5));
    return remote;
  }

  private static Flux<Integer> indices(Flux<SampleResult> samples) {
    return samples.map(s -> switch (s) {
      case ProcessedSample ok -> {
        ok.release();
        yield ok.index();
      }
      case SampleResult.Failed f -> f.failure().index();
    });
  }

  private static Integer[] positions(int from, int to) {
    return IntStream.range(from, to).mapToObj(p -> order[p]).toArray(Integer[]::new);
  }

  private static void awaitTrue(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as(what).isLessThan(deadline);
      Thread.onSpinWait();
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
    }
  }

  @Test
  void leaving_nodeHoldingAChunk_finishesItGetsNothingNewAndIsClosedByTheClient() {
    try (RemoteSource remote = connect()) {
      FakeNode a = nodes.get(0);
      FakeNode b = nodes.get(1);
      StepVerifier.create(indices(remote.samples(0, order, 0)), 0)
          .thenRequest(2)                                      // chunk [0,4) to A, 2 credits
          .expectNext(positions(0, 2))
          .then(() -> {
            a.leave(30_000);                                    // A holds [0,4) with 2 positions to go
            awaitTrue("the client saw LEAVING", () -> remote.state().contains(" leaving"));
            assertThat(a.ended()).as("A holds a chunk: not closed yet").isZero();
          })
          .thenRequest(order.length)
          .expectNext(positions(2, order.length))
          .expectComplete()
          .verify(WAIT);
      awaitTrue("the client closes A once its chunk is done", () -> a.ended() == 1);
      assertThat(a.chunks()).as("no new chunk after LEAVING").isEqualTo(1);
      assertThat(a.samples()).as("A finished its chunk").isEqualTo(4);
      assertThat(b.samples()).isEqualTo(order.length - 4);
      assertThat(b.ended()).isZero();
    }
  }

  @Test
  void leaving_nodeHoldingNothing_closedAtOnceAndTheRestGoesToTheOther() {
    try (RemoteSource remote = connect()) {
      FakeNode a = nodes.get(0);
      FakeNode b = nodes.get(1);
      StepVerifier.create(indices(remote.samples(0, order, 0)), 0)
          .thenRequest(8)                                      // [0,4) to A, [4,8) to B, both done
          .expectNext(positions(0, 8))
          .then(() -> {
            a.leave(30_000);
            awaitTrue("the client closes A, which holds nothing", () -> a.ended() == 1);
          })
          .thenRequest(order.length)
          .expectNext(positions(8, order.length))
          .expectComplete()
          .verify(WAIT);
      assertThat(a.chunks()).isEqualTo(1);
      assertThat(a.samples()).isEqualTo(4);
      assertThat(b.samples()).isEqualTo(order.length - 4);
    }
  }

  @Test
  void noLeaving_sameSteps_nodeKeepsGettingChunks() { // negative control: only LEAVING keeps A out
    try (RemoteSource remote = connect()) {
      FakeNode a = nodes.get(0);
      StepVerifier.create(indices(remote.samples(0, order, 0)), 0)
          .thenRequest(8)
          .expectNext(positions(0, 8))
          .thenRequest(order.length)
          .expectNext(positions(8, order.length))
          .expectComplete()
          .verify(WAIT);
      assertThat(a.chunks()).isGreaterThan(1);
      assertThat(a.ended()).isZero();
    }
  }

  @Test
  void leavingThenClosedByTheNode_unfinishedChunkGoesToTheOtherAtOnce() {
    try (RemoteSource remote = connect()) {
      FakeNode a = nodes.get(0);
      FakeNode b = nodes.get(1);
      StepVerifier.create(indices(remote.samples(0, order, 0)), 0)
          .thenRequest(2)
          .expectNext(positions(0, 2))
          .then(() -> {
            a.leave(100);
            awaitTrue("the client saw LEAVING", () -> remote.state().contains(" leaving"));
            a.kill();                                           // the grace is over: A closes with [2,4) undone
          })
          .thenRequest(order.length)
          .expectNext(positions(2, order.length))
          .expectComplete()
          .verify(WAIT);
      assertThat(a.samples()).isEqualTo(2);
      assertThat(b.samples()).as("the rest of A's chunk and everything after").isEqualTo(order.length - 2);
    }
  }
}
