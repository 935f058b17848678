package dev.stoker.cli;

import dev.stoker.api.Batch;
import dev.stoker.api.BatchConsumer;
import dev.stoker.api.BatchLayout;
import dev.stoker.api.LoaderException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The demo's consumer: checks each batch the way a training step would rely on it, and throws,
 * stopping the run, at the first thing wrong.
 *
 * <ul>
 *   <li>shape: the ring's layout, 1 to {@code batchSize} samples, pixel bytes to match;
 *   <li>labels in {@code [0, classes)}; for a detection dataset also {@code -1} (an image without
 *       boxes);
 *   <li>boxes, when the layout has them: at most {@code maxBoxes} per sample, each inside the
 *       output image ({@code 0 <= x0 < x1 <= width}, the same for y) and so not degenerate, each
 *       label in range, and every unused entry padding (label {@code -1}).
 * </ul>
 *
 * <p>Classes are counted by box label for a detection dataset and by sample label otherwise.
 */
final class BatchChecker implements BatchConsumer {
  /** Slack for float rounding at the image's right and bottom edge. */
  private static final float EDGE = 1e-3f;

  private final BatchLayout layout;
  private final int classes;
  private final boolean detection;
  private final long[] perClass;
  private long batches;
  private long boxes;

  BatchChecker(BatchLayout layout, int classes, boolean detection) {
    this.layout = layout;
    this.classes = classes;
    this.detection = detection;
    this.perClass = new long[classes];
  }

  @Override
  public void accept(Batch batch) {
    if (!batch.layout().equals(layout) || batch.size() < 1 || batch.size() > layout.batchSize()
        || batch.pixels().byteSize() != batch.size() * layout.sampleBytes()) {
      throw problem(batch, "has the wrong shape: " + batch.size() + " samples of " + batch.layout());
    }
    for (int i = 0; i < batch.size(); i++) {
      int label = batch.label(i);
      if ((label < 0 || label >= classes) && !(detection && label == -1)) {
        throw problem(batch, "has label " + label + " out of range [" + (detection ? -1 : 0) + ", " + classes + ")");
      }
      if (!detection) {
        perClass[label]++;
      }
      if (layout.hasBoxes()) {
        checkBoxes(batch, i);
      }
    }
    batches++;
  }

  private void checkBoxes(Batch batch, int position) {
    int max = layout.maxBoxes();
    int count = batch.boxCount(position);
    if (count < 0 || count > max) {
      throw problem(batch, "sample " + position + " has " + count + " boxes, the layout allows " + max);
    }
    MemorySegment coords = batch.boxes();
    MemorySegment labels = batch.boxLabels();
    for (int k = 0; k < max; k++) {
      long entry = (long) position * max + k;
      int label = labels.getAtIndex(ValueLayout.JAVA_INT, entry);
      if (k >= count) {
        if (label != -1) {
          throw problem(batch, "sample " + position + " box " + k + " is padding but has label " + label);
        }
        continue;
      }
      float x0 = coords.getAtIndex(ValueLayout.JAVA_FLOAT, 4 * entry);
      float y0 = coords.getAtIndex(ValueLayout.JAVA_FLOAT, 4 * entry + 1);
      float x1 = coords.getAtIndex(ValueLayout.JAVA_FLOAT, 4 * entry + 2);
      float y1 = coords.getAtIndex(ValueLayout.JAVA_FLOAT, 4 * entry + 3);
      if (!(0 <= x0 && x0 < x1 && x1 <= layout.width() + EDGE && 0 <= y0 && y0 < y1 && y1 <= layout.height() + EDGE)) {
        throw problem(batch, "sample " + position + " box " + k + " [" + x0 + ", " + y0 + ", " + x1 + ", " + y1
            + "] is degenerate or outside the " + layout.width() + "x" + layout.height() + " image");
      }
      if (label < 0 || label >= classes) {
        throw problem(batch, "sample " + position + " box " + k + " has label " + label + " out of range [0, "
            + classes + ")");
      }
      perClass[label]++;
      boxes++;
    }
  }

  private static LoaderException problem(Batch batch, String what) {
    return new LoaderException("batch " + batch.indexInEpoch() + " of epoch " + batch.epoch() + " " + what);
  }

  /** Batches checked so far. */
  long batches() {
    return batches;
  }

  /** Boxes checked so far. */
  long boxes() {
    return boxes;
  }

  /** Whether every class has been seen (on a box, for detection). */
  boolean allClassesSeen() {
    for (long n : perClass) {
      if (n == 0) {
        return false;
      }
    }
    return true;
  }
}
