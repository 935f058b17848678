package dev.stoker.remote.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stoker.api.SampleSource;
import dev.stoker.pipeline.Presets;
import dev.stoker.pipeline.ProcessedSample;
import dev.stoker.pipeline.SampleResult;
import dev.stoker.pipeline.SupplyPlan;
import dev.stoker.remote.protocol.LeakRecorder;
import dev.stoker.remote.protocol.TestImages;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

/**
 * {@link RemoteSource#samples} on its own: nodes get credits only for what the subscriber asked
 * for, results come in position order from {@code from}, and cancelling releases every buffer.
 */
@Timeout(120)
class RemoteSourceCreditTest {
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

  private RemoteSource connect(int nodeCount, int chunkSize) {
    List<java.net.InetSocketAddress> addresses = new ArrayList<>();
    for (int i = 0; i < nodeCount; i++) {
      FakeNode node = FakeNode.serving(local).start();
      nodes.add(node);
      addresses.add(node.address());
    }
    RemoteSource remote = RemoteSource.connect(addresses, RemoteOptions.defaults().withChunkSize(chunkSize)
        .withTimings(Duration.ofSeconds(5), Duration.ofMillis(50)));
    remote.configure(new SupplyPlan(Presets.imagenetTrain(24), 5));
    return remote;
  }

  private static long granted(RemoteSource remote) {
    return remote.creditsGranted().values().stream().mapToLong(Long::longValue).sum();
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

  @Test
  void samples_requestsOfThreeThenTwo_nodeGrantedExactlyFiveCredits() {
    try (RemoteSource remote = connect(1, 4)) {
      StepVerifier.create(indices(remote.samples(0, order, 0)), 0)
          .thenRequest(3)
          .expectNext(order[0], order[1], order[2])
          .then(() -> assertThat(granted(remote)).isEqualTo(3))
          .thenRequest(2)
          .expectNext(order[3], order[4])
          .then(() -> assertThat(granted(remote)).isEqualTo(5))
          .thenCancel()
          .verify(WAIT);
      assertThat(nodes.get(0).credits()).isEqualTo(5);
      assertThat(nodes.get(0).samples()).isEqualTo(5);
    }
  }

  @Test
  void samples_noRequest_noCreditsAndNoChunks() {
    try (RemoteSource remote = connect(2, 4)) {
      StepVerifier.create(indices(remote.samples(0, order, 0)), 0)
          .expectSubscription()
          .then(() -> assertThat(granted(remote)).isZero())
          .thenCancel()
          .verify(WAIT);
      assertThat(nodes).allSatisfy(n -> assertThat(n.chunks()).isZero());
    }
  }

  @Test
  void samples_threeNodesSmallChunks_everyPositionOnceInOrderAndCreditsAtMostTheRequests() {
    try (RemoteSource remote = connect(3, 2)) {
      StepVerifier.create(indices(remote.samples(0, order, 0)), 0)
          .thenRequest(7)
          .expectNextSequence(IntStream.of(order).limit(7).boxed().toList())
          .then(() -> assertThat(granted(remote)).isLessThanOrEqualTo(7))
          .thenRequest(Long.MAX_VALUE)
          .expectNextSequence(IntStream.of(order).skip(7).boxed().toList())
          .expectComplete()
          .verify(WAIT);
      assertThat(nodes).allSatisfy(n -> assertThat(n.overspent()).isFalse());
      assertThat(nodes.stream().mapToInt(FakeNode::samples).sum()).isEqualTo(order.length);
    }
  }

  @Test
  void samples_fromMidEpoch_startsThere() {
    try (RemoteSource remote = connect(2, 3)) {
      StepVerifier.create(indices(remote.samples(1, order, 13)))
          .expectNextSequence(IntStream.of(order).skip(13).boxed().toList())
          .expectComplete()
          .verify(WAIT);
      StepVerifier.create(indices(remote.samples(1, order, order.length))).expectComplete()
          .verify(WAIT);
    }
  }

  @Test
  void samples_failedSample_isAValueNamingTheFile() {
    try (RemoteSource remote = connect(1, 5)) {
      StepVerifier.create(remote.samples(0, order, 0).filter(s -> {
        if (s instanceof ProcessedSample ok) {
          ok.release();
          return false;
        }
        return true;
      }))
          .assertNext(s -> assertThat(((SampleResult.Failed) s).failure().describe()).contains("broken.jpg"))
          .expectComplete()
          .verify(WAIT);
    }
  }

  @Test
  void samples_cancelledWithSamplesInFlight_everyBufferReleased() {
    try (RemoteSource remote = connect(2, 2)) {
      StepVerifier.create(remote.samples(0, order, 0), 0)
          .thenRequest(10)
          .consumeNextWith(s -> {
            if (s instanceof ProcessedSample ok) {
              ok.release(); // the one sample the test took; the source releases the others
            }
          })
          .thenCancel()
          .verify(WAIT);
    }
  }

  @Test
  void samples_beforeConfigure_failsSaying() {
    FakeNode node = FakeNode.serving(local).start();
    nodes.add(node);
    try (RemoteSource remote = RemoteSource.connect(List.of(node.address()), RemoteOptions.defaults())) {
      StepVerifier.create(remote.samples(0, order, 0))
          .expectErrorMessage("configure(plan) must come before samples(...)")
          .verify(WAIT);
    }
  }
}
