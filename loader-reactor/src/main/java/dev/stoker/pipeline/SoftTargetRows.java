package dev.stoker.pipeline;

import dev.stoker.api.BatchSlot;
import dev.stoker.api.SampleSource;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Writes each sample's soft-target row when the layout has soft targets: 1.0 at each of the
 * sample's labels (multi-hot from {@link SampleSource#copyLabels} for a multi-label source,
 * one-hot from the sample's label otherwise), 0 elsewhere. A label outside the classes (a detection
 * sample without boxes, {@code -1}) leaves the row at zero. Used under the bridge's monitor, so its
 * one label array is never shared.
 */
final class SoftTargetRows {
  static final SoftTargetRows NONE = new SoftTargetRows(0, null);

  private final int classes;
  /** The multi-label source whose labels are copied, or null: one-hot from the sample's label. */
  private final SampleSource multiLabel;
  private final int[] labels;

  private SoftTargetRows(int classes, SampleSource multiLabel) {
    this.classes = classes;
    this.multiLabel = multiLabel;
    this.labels = new int[multiLabel == null ? 1 : multiLabel.maxLabelCount()];
  }

  /**
   * Rows over {@code classes}; multi-hot from {@code source} when it is multi-label
   * ({@code maxLabelCount() > 1}), else one-hot. {@link #NONE} when {@code classes == 0}.
   */
  static SoftTargetRows of(int classes, SampleSource source) {
    if (classes == 0) {
      return NONE;
    }
    return new SoftTargetRows(classes, source != null && source.maxLabelCount() > 1 ? source : null);
  }

  /** Writes the row of the sample at {@code position} (its row was cleared by {@code setSample}). */
  void write(BatchSlot slot, int position, int index, int label) {
    if (classes == 0) {
      return;
    }
    MemorySegment row = slot.softTargetMemory(position);
    int count;
    if (multiLabel != null) {
      count = multiLabel.copyLabels(index, labels);
    } else {
      labels[0] = label;
      count = 1;
    }
    for (int k = 0; k < count; k++) {
      if (labels[k] >= 0 && labels[k] < classes) {
        row.setAtIndex(ValueLayout.JAVA_FLOAT, labels[k], 1f);
      }
    }
  }
}
