package dev.stoker.api;

import java.lang.foreign.MemorySegment;

/**
 * The producer's side of a claimed ring slot: samples are written into their positions, then the
 * slot is published with {@link BatchRing#publish}. Only the thread that claimed a slot writes it.
 *
 * <p>For each position: write the pixels into {@link #sampleMemory}, call {@link #setSample}
 * (which also clears the position's boxes and soft targets), then, if the layout has boxes,
 * {@link #setBoxes}, and if it has soft targets, the position's row in {@link #softTargetMemory}.
 */
public interface BatchSlot extends Batch {
  /**
   * The writable memory of sample {@code position}, exactly {@code layout().sampleBytes()} bytes.
   *
   * @param position the sample's position in the batch, {@code 0 <= position <
   *     layout().batchSize()}
   * @return a writable view of that position's pixels
   * @throws IndexOutOfBoundsException if {@code position} is not below {@code layout().batchSize()}
   */
  MemorySegment sampleMemory(int position);

  /**
   * Records which dataset sample sits at {@code position} and its label, and leaves the position
   * with no boxes (its box entries become padding) and, if the layout has soft targets, a row of
   * zeros.
   *
   * @param position the sample's position in the batch, {@code 0 <= position <
   *     layout().batchSize()}
   * @param sampleIndex the sample's index in the dataset
   * @param label the sample's class label, or {@code -1} for a detection sample without boxes
   */
  void setSample(int position, int sampleIndex, int label);

  /**
   * Writes the first {@code count} boxes of {@code boxes} (4 floats each, {@code x0, y0, x1, y1} in
   * output pixels) and of {@code labels} at {@code position}, and pads the rest of its entries.
   * Call it after {@link #setSample} for the same position.
   *
   * @param position the sample's position in the batch, {@code 0 <= position <
   *     layout().batchSize()}
   * @param boxes at least {@code 4 * count} floats, {@code x0, y0, x1, y1} per box
   * @param labels at least {@code count} box labels
   * @param count the number of boxes, {@code 0..layout().maxBoxes()}
   * @throws IndexOutOfBoundsException if {@code position} is not below {@code layout().batchSize()}
   * @throws IllegalArgumentException if {@code count} is negative or above {@code layout().maxBoxes()},
   *     or the arrays hold fewer than {@code count} boxes
   */
  void setBoxes(int position, float[] boxes, int[] labels, int count);

  /**
   * Records the epoch, the batch's index in it, how many positions are filled and where the
   * epoch's sequence stands after the batch ({@link Batch#nextPosition()}: samples delivered or
   * failed up to and including this batch).
   *
   * @param epoch the epoch, from 0
   * @param indexInEpoch the batch's index in its epoch, from 0
   * @param size the number of filled positions, {@code 0..layout().batchSize()}
   * @param nextPosition the count of the epoch's samples, delivered or failed, up to and including
   *     this batch
   * @throws IllegalArgumentException if {@code size} is negative or above {@code layout().batchSize()}
   */
  void setHeader(int epoch, long indexInEpoch, int size, long nextPosition);

  /**
   * {@link #setHeader(int, long, int, long)} for a producer whose epochs hold only full batches
   * before this one and no failed samples: the position after it is
   * {@code indexInEpoch * layout().batchSize() + size}.
   *
   * @param epoch the epoch, from 0
   * @param indexInEpoch the batch's index in its epoch, from 0
   * @param size the number of filled positions, {@code 0..layout().batchSize()}
   */
  default void setHeader(int epoch, long indexInEpoch, int size) {
    setHeader(epoch, indexInEpoch, size, indexInEpoch * layout().batchSize() + size);
  }

  /**
   * The writable soft-target row of sample {@code position}: float32
   * {@code [layout().softTargetClasses()]}, native byte order; empty when the layout has no soft
   * targets. The default, for slots whose layouts never have them, returns an empty segment and
   * refuses a layout that has them.
   *
   * @param position the sample's position in the batch, {@code 0 <= position <
   *     layout().batchSize()}
   * @return a writable view of that position's soft targets, empty without soft targets
   * @throws IndexOutOfBoundsException if {@code position} is not below {@code layout().batchSize()}
   */
  default MemorySegment softTargetMemory(int position) {
    java.util.Objects.checkIndex(position, layout().batchSize());
    if (layout().hasSoftTargets()) {
      throw new UnsupportedOperationException(getClass().getName() + " has no soft-target memory");
    }
    return MemorySegment.NULL;
  }
}
