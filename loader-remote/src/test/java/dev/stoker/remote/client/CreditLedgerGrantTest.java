package dev.stoker.remote.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * {@link CreditLedger#creditsToGrant()} counted on the ledger alone: the credits out reach the
 * last requested position the node holds, never a position behind it that nobody asked for.
 * A stream with no demand yet has its frontier at {@code from}, which sets what was asked for.
 */
class CreditLedgerGrantTest {
  private static final int[] ORDER = IntStream.range(0, 12).toArray();

  /** A stream whose downstream has asked for the positions below {@code frontier}. */
  private static EpochStream askedBelow(int frontier) {
    return new EpochStream(null, 0, ORDER, frontier, 4, null); // no demand yet: frontier == from
  }

  @Test
  void creditsToGrant_laterChunkWithNothingRequested_grantsOnlyTheRequestedPositions() {
    EpochStream stream = askedBelow(2);
    CreditLedger ledger = new CreditLedger();
    ledger.sent(new ChunkTask(stream, 1, 0, 4, null)); // positions 0, 1 asked for; 2, 3 not
    ledger.sent(new ChunkTask(stream, 2, 4, 8, null)); // nothing asked for

    assertThat(ledger.creditsToGrant()).as("positions 0 and 1 only").isEqualTo(2);
    assertThat(ledger.outstanding()).isEqualTo(2);
    assertThat(ledger.creditsToGrant()).as("enough out already").isZero();
    assertThat(ledger.creditsGranted()).isEqualTo(2);
  }

  @Test
  void creditsToGrant_requestedPositionsInBothChunks_grantsUpToTheLastRequested() {
    // control: the later chunk has requested positions, so the whole first chunk is needed
    EpochStream stream = askedBelow(6);
    CreditLedger ledger = new CreditLedger();
    ledger.sent(new ChunkTask(stream, 1, 0, 4, null));
    ledger.sent(new ChunkTask(stream, 2, 4, 8, null)); // positions 4, 5 asked for

    assertThat(ledger.creditsToGrant()).isEqualTo(4 + 2);
    assertThat(ledger.creditsToGrant()).isZero();
  }

  @Test
  void creditsToGrant_reassignedChunkQueuedBehindAnUnrequestedOne_includesThePositionsAheadOfIt() {
    // control (failover): the node works in the order sent, so it must get through chunk 2 first
    EpochStream stream = askedBelow(2);
    CreditLedger ledger = new CreditLedger();
    ledger.sent(new ChunkTask(stream, 2, 4, 8, null)); // nothing asked for, but ahead in the queue
    ledger.sent(new ChunkTask(stream, 3, 0, 4, null)); // reassigned: positions 0, 1 asked for

    assertThat(ledger.creditsToGrant()).isEqualTo(4 + 2);
  }

  @Test
  void creditsToGrant_afterFramesSpent_topsUpOnlyWhatWasSpent() {
    EpochStream stream = askedBelow(2);
    CreditLedger ledger = new CreditLedger();
    ChunkTask first = new ChunkTask(stream, 1, 0, 4, null);
    ledger.sent(first);
    ledger.sent(new ChunkTask(stream, 2, 4, 8, null));
    assertThat(ledger.creditsToGrant()).isEqualTo(2);

    assertThat(ledger.spend()).isTrue();
    first.next = 1; // position 0 came back: one requested position left
    assertThat(ledger.creditsToGrant()).as("one credit still out covers position 1").isZero();
    assertThat(ledger.outstanding()).isEqualTo(1);
  }
}
