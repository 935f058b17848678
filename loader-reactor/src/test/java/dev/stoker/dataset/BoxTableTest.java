package dev.stoker.dataset;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@link BoxTable}: boxes clipped and checked as they are added, then grouped by sample in order. */
class BoxTableTest {
  private static float[] boxesOf(BoxTable table, int sample) {
    float[] out = new float[4 * table.count(sample)];
    table.copy(sample, out, new int[table.count(sample)]);
    return out;
  }

  private static int[] labelsOf(BoxTable table, int sample) {
    int[] out = new int[table.count(sample)];
    table.copy(sample, new float[4 * table.count(sample)], out);
    return out;
  }

  @Test
  void group_boxesAddedOutOfSampleOrder_groupedBySampleKeepingTheirOrder() {
    BoxTable.Builder list = new BoxTable.Builder();
    list.add(2, 20, 1, 1, 2, 2, 0, 0);
    list.add(0, 1, 3, 3, 4, 4, 0, 0);
    list.add(2, 21, 5, 5, 6, 6, 0, 0);
    list.add(2, 22, 7, 7, 8, 8, 0, 0);

    BoxTable table = BoxTable.group(4, list);

    assertThat(table.total()).isEqualTo(4);
    assertThat(table.max()).isEqualTo(3);
    assertThat(new int[] {table.count(0), table.count(1), table.count(2), table.count(3)}).containsExactly(1, 0, 3, 0);
    assertThat(new int[] {table.firstLabel(0), table.firstLabel(1), table.firstLabel(2), table.firstLabel(3)})
        .containsExactly(1, -1, 20, -1);
    assertThat(boxesOf(table, 0)).containsExactly(3, 3, 4, 4);
    assertThat(boxesOf(table, 2)).containsExactly(1, 1, 2, 2, 5, 5, 6, 6, 7, 7, 8, 8);
    assertThat(labelsOf(table, 2)).containsExactly(20, 21, 22);
  }

  @Test
  void copy_laterSample_returnsItsCountAndWritesOnlyItsBoxesFromIndexZero() {
    BoxTable.Builder list = new BoxTable.Builder();
    list.add(0, 1, 0, 0, 1, 1, 0, 0);
    list.add(1, 2, 10, 11, 12, 13, 0, 0);
    BoxTable table = BoxTable.group(2, list);
    float[] boxes = {-1, -1, -1, -1, -1, -1, -1, -1};
    int[] labels = {-1, -1};

    int n = table.copy(1, boxes, labels);

    assertThat(n).isEqualTo(1);
    assertThat(boxes).containsExactly(10, 11, 12, 13, -1, -1, -1, -1);
    assertThat(labels).containsExactly(2, -1);
  }

  @Test
  void add_boxPastTheImage_clippedToItsKnownSize() {
    BoxTable.Builder list = new BoxTable.Builder();

    assertThat(list.add(0, 0, -5, -6, 120, 90, 100, 80)).isTrue();

    assertThat(boxesOf(BoxTable.group(1, list), 0)).containsExactly(0, 0, 100, 80);
  }

  @Test
  void add_imageSizeUnknown_boxKeptUnclipped() {
    BoxTable.Builder list = new BoxTable.Builder();

    assertThat(list.add(0, 0, -5, -6, 120, 90, 0, 0)).isTrue();

    assertThat(boxesOf(BoxTable.group(1, list), 0)).containsExactly(-5, -6, 120, 90);
  }

  @Test
  void add_zeroWidthOrZeroHeightBox_refusedAndNothingAdded() {
    BoxTable.Builder list = new BoxTable.Builder();

    assertThat(list.add(0, 0, 5, 5, 5, 9, 100, 100)).as("zero width").isFalse();
    assertThat(list.add(0, 0, 5, 5, 9, 5, 100, 100)).as("zero height").isFalse();
    assertThat(list.add(0, 0, 120, 5, 130, 9, 100, 100)).as("wholly right of the image").isFalse();

    assertThat(BoxTable.group(1, list).total()).isZero();
  }

  @Test
  void add_notFiniteCoordinate_refusedAndNothingAdded() {
    BoxTable.Builder list = new BoxTable.Builder();

    assertThat(list.add(0, 0, Double.NaN, 0, 5, 5, 0, 0)).isFalse();
    assertThat(list.add(0, 0, 0, Double.NEGATIVE_INFINITY, 5, 5, 0, 0)).isFalse();
    assertThat(list.add(0, 0, 0, 0, Double.POSITIVE_INFINITY, 5, 100, 100)).as("refused before clipping").isFalse();
    assertThat(list.add(0, 0, 0, 0, 5, Double.NaN, 0, 0)).isFalse();

    assertThat(BoxTable.group(1, list).total()).isZero();
  }

  @Test
  void add_moreThan64Boxes_growsAndKeepsEveryBoxLabelAndSample() {
    BoxTable.Builder list = new BoxTable.Builder();
    int n = 150;
    for (int b = 0; b < n; b++) {
      assertThat(list.add(b % 3, b, b, b + 0.5, b + 1, b + 2, 0, 0)).isTrue();
    }

    BoxTable table = BoxTable.group(3, list);

    assertThat(table.total()).isEqualTo(n);
    for (int s = 0; s < 3; s++) {
      float[] boxes = boxesOf(table, s);
      int[] labels = labelsOf(table, s);
      assertThat(labels).hasSize(n / 3);
      for (int k = 0; k < labels.length; k++) {
        int b = 3 * k + s;
        assertThat(labels[k]).isEqualTo(b);
        assertThat(new float[] {boxes[4 * k], boxes[4 * k + 1], boxes[4 * k + 2], boxes[4 * k + 3]})
            .containsExactly(b, b + 0.5f, b + 1, b + 2);
      }
    }
  }
}
