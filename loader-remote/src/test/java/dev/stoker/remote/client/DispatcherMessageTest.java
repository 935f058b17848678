package dev.stoker.remote.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * What the log says of a lost node's unfinished chunks: before, "go to the other nodes" even when
 * there was no other node, while the chunks in fact waited for this one to come back.
 */
class DispatcherMessageTest {
  private static final Duration RECONNECT = Duration.ofMillis(500);
  private static final Duration WAIT = Duration.ofSeconds(30);

  @Test
  void whereUnfinishedGo_noOtherNodeReady_saysTheyWaitAndWhenTheRunFails() {
    assertThat(Dispatcher.whereUnfinishedGo(3, 0, true, RECONNECT, WAIT))
        .isEqualTo("3 unfinished chunks wait: no other node is ready; this one is reconnected every 500 ms; "
            + "the run fails if no node is ready within 30 s")
        .doesNotContain("other nodes");
  }

  @Test
  void whereUnfinishedGo_otherNodesReady_saysTheyGoThere() {
    assertThat(Dispatcher.whereUnfinishedGo(1, 1, true, RECONNECT, WAIT))
        .isEqualTo("1 unfinished chunk goes to the other ready node");
    assertThat(Dispatcher.whereUnfinishedGo(4, 2, false, RECONNECT, WAIT))
        .isEqualTo("4 unfinished chunks go to the 2 other ready nodes");
  }

  @Test
  void whereUnfinishedGo_nothingUnfinished_saysSo() {
    assertThat(Dispatcher.whereUnfinishedGo(0, 0, false, RECONNECT, WAIT)).isEqualTo("it had no unfinished chunks");
  }
}
