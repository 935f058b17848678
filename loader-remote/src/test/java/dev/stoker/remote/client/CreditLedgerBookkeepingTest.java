package dev.stoker.remote.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * {@link CreditLedger}'s bookkeeping of the chunks a node holds and the credits it has out, apart
 * from the grants (which the end-to-end credit tests count exactly): a frame with no credit out is
 * refused, and a session's end hands back every chunk once, in the order sent.
 */
class CreditLedgerBookkeepingTest {
  private static final int[] ORDER = IntStream.range(0, 12).toArray();
  private final EpochStream stream = new EpochStream(null, 0, ORDER, 0, 3, null); // only its order is read

  private ChunkTask chunk(int id, int start, int end) {
    return new ChunkTask(stream, id, start, end, null);
  }

  @Test
  void spend_noCreditOut_refusedAndNothingGoesNegative() {
    CreditLedger ledger = new CreditLedger();
    assertThat(ledger.spend()).isFalse();
    assertThat(ledger.spend()).isFalse();
    assertThat(ledger.outstanding()).isZero();
  }

  @Test
  void sentForgetDone_chunksHeldInTheOrderSentAndCountedOverTheNodesLife() {
    CreditLedger ledger = new CreditLedger();
    ChunkTask a = chunk(1, 0, 4);
    ChunkTask b = chunk(2, 4, 8);
    ChunkTask c = chunk(3, 8, 12);
    ledger.sent(a);
    ledger.sent(b);
    ledger.sent(c);
    assertThat(ledger.chunksSent()).isEqualTo(3);
    assertThat(ledger.tasks()).containsExactly(a, b, c);
    assertThat(ledger.task(2)).isSameAs(b);
    a.next = 3; // three of a's positions came back
    assertThat(ledger.work()).isEqualTo(1 + 4 + 4);

    assertThat(ledger.forget(b)).isTrue();
    assertThat(ledger.forget(b)).as("already forgotten").isFalse();
    assertThat(ledger.task(2)).isNull();
    assertThat(ledger.done(1)).isSameAs(a);
    assertThat(ledger.done(1)).isNull();
    assertThat(ledger.work()).isEqualTo(4);
    assertThat(ledger.chunksSent()).isEqualTo(3);
  }

  @Test
  void unfinished_sessionEnds_handsBackEveryChunkOnceInOrderAndForgetsThem() {
    CreditLedger ledger = new CreditLedger();
    ChunkTask a = chunk(1, 0, 4);
    ChunkTask b = chunk(2, 4, 8);
    ledger.sent(a);
    ledger.sent(b);

    assertThat(ledger.unfinished()).containsExactly(a, b);
    assertThat(ledger.unfinished()).isEmpty();
    assertThat(ledger.tasks()).isEmpty();
    assertThat(ledger.work()).isZero();
    assertThat(ledger.outstanding()).isZero();
  }
}
