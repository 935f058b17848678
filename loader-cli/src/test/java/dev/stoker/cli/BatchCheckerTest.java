package dev.stoker.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.stoker.api.Batch;
import dev.stoker.api.BatchLayout;
import dev.stoker.api.LoaderException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The demo's checks, given batches with one thing wrong each: every check must fire (a checker
 * that passes everything would make the demo's "all checks passed" worthless), and a good batch
 * passes (the control).
 */
class BatchCheckerTest {
  private static final int CLASSES = 3;
  private static final BatchLayout LAYOUT = new BatchLayout(2, 8, 10, 3).withMaxBoxes(2);

  /** A two-sample detection batch: sample 0 has one box, sample 1 two; editable before use. */
  private static final class FakeBatch implements Batch {
    final BatchLayout layout;
    final int size;
    final int[] labels;
    final int[] boxCounts;
    final float[] coords;
    final int[] boxLabels;
    long pixelBytes;

    FakeBatch(BatchLayout layout) {
      this.layout = layout;
      this.size = 2;
      this.labels = new int[] {0, 2};
      this.boxCounts = new int[] {1, 2};
      this.coords = new float[] {1, 1, 5, 4, 0, 0, 0, 0, 0, 0, 10, 8, 2, 3, 9.5f, 7.5f};
      this.boxLabels = new int[] {0, -1, 2, 1};
      this.pixelBytes = size * layout.sampleBytes();
    }

    @Override
    public BatchLayout layout() {
      return layout;
    }

    @Override
    public int epoch() {
      return 0;
    }

    @Override
    public long indexInEpoch() {
      return 4;
    }

    @Override
    public long nextPosition() {
      return 10;
    }

    @Override
    public int size() {
      return size;
    }

    @Override
    public MemorySegment pixels() {
      return Arena.ofAuto().allocate(pixelBytes);
    }

    @Override
    public int label(int position) {
      return labels[position];
    }

    @Override
    public int sampleIndex(int position) {
      return position;
    }

    @Override
    public int boxCount(int position) {
      return boxCounts[position];
    }

    @Override
    public MemorySegment boxes() {
      return MemorySegment.ofArray(Arrays.copyOf(coords, coords.length));
    }

    @Override
    public MemorySegment boxLabels() {
      return MemorySegment.ofArray(Arrays.copyOf(boxLabels, boxLabels.length));
    }
  }

  private static void assertRefused(FakeBatch batch, String... parts) {
    BatchChecker checker = new BatchChecker(LAYOUT, CLASSES, true);
    assertThatThrownBy(() -> checker.accept(batch))
        .isInstanceOf(LoaderException.class)
        .hasMessageStartingWith("batch 4 of epoch 0 ")
        .hasMessageContainingAll(parts);
    assertThat(checker.batches()).isZero();
  }

  @Test
  void accept_goodDetectionBatch_passesAndCountsBoxesAndClasses() {
    BatchChecker checker = new BatchChecker(LAYOUT, CLASSES, true);
    assertThatCode(() -> checker.accept(new FakeBatch(LAYOUT))).doesNotThrowAnyException();
    assertThat(checker.batches()).isEqualTo(1);
    assertThat(checker.boxes()).isEqualTo(3);
    assertThat(checker.allClassesSeen()).isTrue();
  }

  @Test
  void accept_boxesOnTheEdgesOfTheImage_pass() {
    FakeBatch batch = new FakeBatch(LAYOUT);
    System.arraycopy(new float[] {0, 0, 10, 8}, 0, batch.coords, 0, 4);
    assertThatCode(() -> new BatchChecker(LAYOUT, CLASSES, true).accept(batch)).doesNotThrowAnyException();
  }

  @Test
  void accept_boxPastTheRightEdge_refusedAsOutsideTheImage() {
    FakeBatch batch = new FakeBatch(LAYOUT);
    batch.coords[2] = 10.5f;
    assertRefused(batch, "sample 0 box 0 [1.0, 1.0, 10.5, 4.0]", "outside the 10x8 image");
  }

  @Test
  void accept_boxPastTheBottomEdge_refusedAsOutsideTheImage() {
    FakeBatch batch = new FakeBatch(LAYOUT);
    batch.coords[15] = 8.5f;
    assertRefused(batch, "sample 1 box 1", "outside the 10x8 image");
  }

  @Test
  void accept_boxAboveOrLeftOfTheImage_refusedAsOutsideTheImage() {
    FakeBatch above = new FakeBatch(LAYOUT);
    above.coords[1] = -0.5f;
    assertRefused(above, "sample 0 box 0", "outside the 10x8 image");
    FakeBatch left = new FakeBatch(LAYOUT);
    left.coords[0] = -1;
    assertRefused(left, "sample 0 box 0", "outside the 10x8 image");
  }

  @Test
  void accept_degenerateBoxes_refused() {
    FakeBatch flat = new FakeBatch(LAYOUT);
    flat.coords[3] = flat.coords[1]; // y1 == y0
    assertRefused(flat, "sample 0 box 0", "degenerate");
    FakeBatch narrow = new FakeBatch(LAYOUT);
    narrow.coords[2] = narrow.coords[0]; // x1 == x0
    assertRefused(narrow, "sample 0 box 0", "degenerate");
  }

  @Test
  void accept_sampleLabelOutOfRange_refused() {
    FakeBatch batch = new FakeBatch(LAYOUT);
    batch.labels[1] = CLASSES;
    assertRefused(batch, "has label 3 out of range [-1, 3)");
    FakeBatch below = new FakeBatch(LAYOUT);
    below.labels[0] = -2;
    assertRefused(below, "has label -2 out of range");
  }

  @Test
  void accept_classificationLabelMinusOne_refused() {
    BatchLayout plain = new BatchLayout(2, 8, 10, 3);
    FakeBatch batch = new FakeBatch(plain);
    batch.labels[0] = -1;
    assertThatThrownBy(() -> new BatchChecker(plain, CLASSES, false).accept(batch))
        .isInstanceOf(LoaderException.class)
        .hasMessageContaining("has label -1 out of range [0, 3)");
  }

  @Test
  void accept_boxLabelOutOfRange_refused() {
    FakeBatch batch = new FakeBatch(LAYOUT);
    batch.boxLabels[2] = 7;
    assertRefused(batch, "sample 1 box 0 has label 7 out of range [0, 3)");
  }

  @Test
  void accept_paddingWithALabel_refused() {
    FakeBatch batch = new FakeBatch(LAYOUT);
    batch.boxLabels[1] = 0;
    assertRefused(batch, "sample 0 box 1 is padding but has label 0");
  }

  @Test
  void accept_moreBoxesThanTheLayoutAllows_refused() {
    FakeBatch batch = new FakeBatch(LAYOUT);
    batch.boxCounts[0] = 3;
    assertRefused(batch, "sample 0 has 3 boxes, the layout allows 2");
  }

  @Test
  void accept_wrongShape_refused() {
    FakeBatch otherLayout = new FakeBatch(new BatchLayout(2, 8, 12, 3).withMaxBoxes(2));
    assertRefused(otherLayout, "has the wrong shape");
    FakeBatch shortPixels = new FakeBatch(LAYOUT);
    shortPixels.pixelBytes -= 1;
    assertRefused(shortPixels, "has the wrong shape");
  }

  @Test
  void allClassesSeen_aClassWithoutABox_false() {
    FakeBatch batch = new FakeBatch(LAYOUT);
    batch.boxLabels[3] = 0; // class 1 is gone
    BatchChecker checker = new BatchChecker(LAYOUT, CLASSES, true);
    checker.accept(batch);
    assertThat(checker.allClassesSeen()).isFalse();
  }
}
