package dev.stoker.remote.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** {@link CreditLedger#misplaced}: a frame is the one expected, or the reason names the field. */
class CreditLedgerTest {
  private static final int[] ORDER = IntStream.range(0, 18).map(i -> 17 - i).toArray();

  private static ChunkTask lastChunk() {
    EpochStream stream = new EpochStream(null, 0, ORDER, 0, 3, null); // only its order is read
    return new ChunkTask(stream, 7, 15, 18, null);
  }

  @Test
  void misplaced_nextPositionWithItsIndex_accepted() {
    ChunkTask task = lastChunk();
    task.next = 16;
    assertThat(CreditLedger.misplaced(task, "SAMPLE", 1, ORDER[16])).isNull();
  }

  @Test
  void misplaced_positionPastTheLastChunksEnd_refusedWithoutReadingPastTheOrder() {
    ChunkTask task = lastChunk();
    task.next = 18; // every position received, CHUNK_DONE not yet
    assertThat(CreditLedger.misplaced(task, "SAMPLE", 3, 0))
        .isEqualTo("SAMPLE.position 3 of chunk 7 is past the end of its 3 positions");
  }

  @Test
  void misplaced_negativeOrRepeatedPosition_refused() {
    ChunkTask task = lastChunk();
    task.next = 16;
    assertThat(CreditLedger.misplaced(task, "SAMPLE", -1, ORDER[14])).startsWith("SAMPLE.position -1 of chunk 7");
    assertThat(CreditLedger.misplaced(task, "SAMPLE", 0, ORDER[15])).isEqualTo(
        "SAMPLE.position 0 of chunk 7 out of order (expected 1)");
  }

  @Test
  void misplaced_wrongIndex_refusedNamingTheField() {
    ChunkTask task = lastChunk();
    task.next = 15;
    assertThat(CreditLedger.misplaced(task, "SAMPLE", 0, 99)).isEqualTo(
        "SAMPLE.index 99 at position 0 of chunk 7, which holds index " + ORDER[15]);
  }
}
