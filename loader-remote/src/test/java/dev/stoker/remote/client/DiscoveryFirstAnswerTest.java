package dev.stoker.remote.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoker.api.LoaderException;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The first lookup of a discovery waits for the nodes to appear (a trainer started before them). */
class DiscoveryFirstAnswerTest {
  private static final InetSocketAddress NODE = new InetSocketAddress("127.0.0.1", 7311);

  /** Answers nothing, then fails, then names {@link #NODE}; counts the lookups. */
  private static final class LateNodes implements NodeDiscovery {
    final AtomicInteger lookups = new AtomicInteger();
    private final int emptyLookups;

    LateNodes(int emptyLookups) {
      this.emptyLookups = emptyLookups;
    }

    @Override
    public List<InetSocketAddress> nodes() throws Exception {
      int n = lookups.incrementAndGet();
      if (n == emptyLookups) {
        throw new UnknownHostException("stoker-nodes: no such name yet");
      }
      return n <= emptyLookups ? List.of() : List.of(NODE);
    }

    @Override
    public String describe() {
      return "dns:stoker-nodes:7311";
    }
  }

  @Test
  void firstAnswer_nodesAppearAfterEmptyAndFailedLookups_returnsThemAfterAskingAgain() {
    LateNodes discovery = new LateNodes(3);

    List<InetSocketAddress> found = DiscoveryFollower.firstAnswer(discovery, Duration.ofSeconds(10),
        Duration.ofMillis(5));

    assertThat(found).containsExactly(NODE);
    assertThat(discovery.lookups).hasValue(4);
  }

  @Test
  void firstAnswer_nodesNeverAppear_failsAfterTheWaitWithTheLastReason_negativeControl() {
    LateNodes discovery = new LateNodes(Integer.MAX_VALUE);

    assertThatThrownBy(() -> DiscoveryFollower.firstAnswer(discovery, Duration.ofMillis(60), Duration.ofMillis(5)))
        .isInstanceOf(LoaderException.class)
        .hasMessageContaining("cannot find the nodes of dns:stoker-nodes:7311 within 60 ms")
        .hasMessageContaining("it names no node");
    assertThat(discovery.lookups.get()).isGreaterThan(1);
  }

  @Test
  void firstAnswer_fixedList_asksOnce() {
    AtomicInteger lookups = new AtomicInteger();
    NodeDiscovery fixed = new NodeDiscovery() {
      @Override
      public List<InetSocketAddress> nodes() {
        lookups.incrementAndGet();
        return List.of(NODE, NODE);
      }

      @Override
      public String describe() {
        return "fixed";
      }
    };

    assertThat(DiscoveryFollower.firstAnswer(fixed, Duration.ofSeconds(1), Duration.ofSeconds(1))).containsExactly(NODE);
    assertThat(lookups).hasValue(1);
  }
}
