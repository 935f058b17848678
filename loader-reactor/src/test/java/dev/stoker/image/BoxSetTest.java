package dev.stoker.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** {@link BoxSet}'s exact boundaries: the 1-pixel rule, clipping to the canvas, strict centres, growth. */
class BoxSetTest {
  private static BoxSet loaded(float... boxes) {
    BoxSet set = new BoxSet();
    set.load(boxes, boxes.length / 4);
    return set;
  }

  @Test
  void finish_boxExactlyOnePixelWideAndHigh_kept() {
    BoxSet set = loaded(2, 3, 3, 4);
    float[] out = new float[4];
    int[] kept = new int[1];
    assertThat(set.finish(10, 10, out, kept)).isEqualTo(1);
    assertThat(out).containsExactly(2, 3, 3, 4);
    assertThat(kept).containsExactly(0);
  }

  @Test
  void finish_boxJustUnderOnePixelWideOrHigh_dropped() {
    BoxSet set = loaded(2, 3, 2.999f, 5, 2, 3, 5, 3.999f, 0, 0, 4, 4);
    float[] out = new float[12];
    int[] kept = new int[3];
    assertThat(set.finish(10, 10, out, kept)).as("only the third box").isEqualTo(1);
    assertThat(kept[0]).isEqualTo(2);
  }

  @Test
  void finish_boxOnePixelInsideTheCanvasAfterClipping_keptClipped() {
    BoxSet set = loaded(-5, -5, 1, 1, 9, 9, 20, 20, 9.5f, 0, 20, 5);
    float[] out = new float[12];
    int[] kept = new int[3];
    assertThat(set.finish(10, 10, out, kept)).as("the third is half a pixel wide once clipped").isEqualTo(2);
    assertThat(out).startsWith(0, 0, 1, 1, 9, 9, 10, 10);
    assertThat(kept).startsWith(0, 1);
  }

  @Test
  void map_boxTouchingTheCanvasEdgeOnly_droppedAndTheRestKeepTheirIndex() {
    BoxSet set = loaded(10, 2, 12, 4, 2, 2, 4, 4, 3, 10, 5, 11);
    set.map(Affine.IDENTITY, 10, 10); // first: x clipped to [10, 10]; third: y clipped to [10, 10]
    assertThat(set.count()).isEqualTo(1);
    assertThat(new double[] {set.x0(0), set.y0(0), set.x1(0), set.y1(0)}).containsExactly(2, 2, 4, 4);
    int[] kept = new int[1];
    set.finish(10, 10, new float[4], kept);
    assertThat(kept).containsExactly(1);
  }

  @Test
  void keepCentresInside_centreOnTheBorder_dropped() {
    BoxSet set = loaded(0, 2, 2, 4, 2, 2, 4, 4, 8, 2, 10, 4);
    set.keepCentresInside(1, 0, 9, 10); // centres x = 1 (on left), 3 (inside), 9 (on right)
    assertThat(set.count()).isEqualTo(1);
    assertThat(set.x0(0)).isEqualTo(2);
  }

  @Test
  void load_moreThan64BoxesAfterFewer_growsAndKeepsEveryBoxAndIndex() {
    BoxSet set = loaded(0, 0, 2, 2);
    float[] boxes = new float[4 * 100];
    for (int i = 0; i < 100; i++) {
      boxes[4 * i] = i;
      boxes[4 * i + 1] = i;
      boxes[4 * i + 2] = i + 2;
      boxes[4 * i + 3] = i + 2;
    }
    set.load(boxes, 100);
    assertThat(set.count()).isEqualTo(100);
    assertThat(set.x0(99)).isEqualTo(99);
    float[] out = new float[4 * 100];
    int[] kept = new int[100];
    assertThat(set.finish(1000, 1000, out, kept)).isEqualTo(100);
    assertThat(kept[64]).isEqualTo(64);
    assertThat(kept[99]).isEqualTo(99);
    assertThat(out[4 * 99 + 3]).isEqualTo(101);

    set.load(new float[] {5, 5, 7, 7}, 1); // fewer again: reused, only the new box counts
    assertThat(set.count()).isEqualTo(1);
    assertThat(set.x0(0)).isEqualTo(5);
  }

  @Test
  void load_zeroSizedBoxAccepted_reversedBoxRefusedAndNothingLeft() {
    BoxSet set = loaded(3, 3, 3, 3);
    assertThat(set.count()).isEqualTo(1);
    assertThatThrownBy(() -> set.load(new float[] {0, 0, 2, 2, 3, 3, 2.5f, 4}, 2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("boxesIn: box 1 must be finite");
    assertThat(set.count()).isZero();
  }

  @Test
  void checkArrays_exactLengths_acceptedOneShort_refusedNamingTheArray() {
    BoxSet.checkArrays(new float[8], 2, new float[8], new int[2]);
    BoxSet.checkArrays(null, 0, null, null);
    assertThatThrownBy(() -> BoxSet.checkArrays(new float[7], 2, new float[8], new int[2]))
        .hasMessage("boxesIn: holds 7 floats, 2 boxes need 8");
    assertThatThrownBy(() -> BoxSet.checkArrays(new float[8], 2, new float[7], new int[2]))
        .hasMessage("boxesOut: holds 7 floats, 2 boxes need 8");
    assertThatThrownBy(() -> BoxSet.checkArrays(new float[8], 2, new float[8], new int[1]))
        .hasMessage("keptOut: holds 1 ints, 2 boxes need 2");
  }
}
