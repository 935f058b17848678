package dev.stoker.api;

import java.lang.foreign.MemorySegment;

/**
 * A batch as its consumer sees it: up to {@code layout().batchSize()} samples of NHWC pixels
 * (uint8, or float32 when the plan normalizes) with their labels and, for object detection, their
 * boxes, living in a ring slot.
 *
 * <p>Boxes: sample {@code p} carries {@link #boxCount(int) boxCount(p)} boxes, at most
 * {@code layout().maxBoxes()}. {@link #boxes()} holds {@code maxBoxes} entries per sample, of which
 * the first {@code boxCount(p)} are real; the rest are padding, all zeros with label {@code -1}, so
 * a trainer may copy the whole segment to the GPU and mask by label.
 *
 * <pre>{@code
 * int n = batch.boxCount(p);
 * long base = (long) p * batch.layout().maxBoxes();
 * for (int k = 0; k < n; k++) {
 *   float x0 = batch.boxes().getAtIndex(ValueLayout.JAVA_FLOAT, (base + k) * 4);
 *   int label = batch.boxLabels().getAtIndex(ValueLayout.JAVA_INT, base + k);
 * }
 * }</pre>
 *
 * <p>Soft targets: when the layout {@link BatchLayout#hasSoftTargets() has them} (the loader runs
 * MixUp, CutMix or another batch step, or its source gives several labels per sample),
 * {@link #softTargets()} holds float32 {@code [size()][layout().softTargetClasses()]}: one row of
 * class weights per sample, next to the int {@link #label(int) labels}. A single-label sample's row
 * is one-hot, a multi-label sample's is multi-hot (1.0 for each of its labels); MixUp and CutMix
 * mix two rows, so a row sums to 1 for single labels. {@code label(p)} stays the sample's own
 * (first) label, unmixed.
 *
 * <pre>{@code
 * int classes = batch.layout().softTargetClasses();
 * float weightOfClass3 = batch.softTargets().getAtIndex(ValueLayout.JAVA_FLOAT, (long) p * classes + 3);
 * }</pre>
 *
 * <p>A {@code Batch} is valid only during the {@link BatchConsumer#accept} call that receives it;
 * the slot is reused afterwards. Copy out what must outlive the call. A batch pulled from a loader
 * ({@code loader.batches(epochs)} or {@code loader.flux(epochs)}, a {@code HeldBatch}) stays valid
 * until it is released (a pulled one also when the next is taken), and throws when used after that.
 */
public interface Batch {
  /**
   * The shape every batch in this ring has; {@link #size()} may be smaller at an epoch's end.
   *
   * @return the ring's layout, the same for every batch it delivers
   */
  BatchLayout layout();

  /**
   * The epoch this batch belongs to.
   *
   * @return the epoch, from 0
   */
  int epoch();

  /**
   * The batch's position in its epoch, from 0.
   *
   * @return the batch's index in its epoch, from 0
   */
  long indexInEpoch();

  /**
   * Where the epoch's sequence stands just after this batch: how many of the epoch's samples,
   * delivered or failed, come up to and including it. A run resumed at {@code (epoch(),
   * nextPosition(), indexInEpoch() + 1)} starts with the sample after this batch's last, so the
   * resume point travels with the batch itself (see {@link LoaderState#at}).
   *
   * <pre>{@code
   * loader.run(0, 1, batch -> saved = state.at(batch.epoch(), batch.nextPosition(), batch.indexInEpoch() + 1));
   * }</pre>
   *
   * @return the count of the epoch's samples, delivered or failed, up to and including this batch
   */
  long nextPosition();

  /**
   * The number of samples it holds, at most {@code layout().batchSize()}.
   *
   * @return the number of filled positions, {@code 0..layout().batchSize()}
   */
  int size();

  /**
   * Pixels of the {@link #size()} samples, {@code size() * layout().sampleBytes()} bytes,
   * read-only.
   *
   * @return a read-only view of the filled samples' pixels, NHWC
   */
  MemorySegment pixels();

  /**
   * The label of sample {@code position}, {@code 0 <= position < size()}. For a detection source
   * it is what the source's {@link SampleSource#label} says (the first box's label, or {@code -1}).
   *
   * @param position the sample's position in this batch, {@code 0 <= position < size()}
   * @return the sample's class label, or {@code -1} for a detection sample without boxes
   */
  int label(int position);

  /**
   * The dataset index of sample {@code position}, {@code 0 <= position < size()}.
   *
   * @param position the sample's position in this batch, {@code 0 <= position < size()}
   * @return the sample's index in the dataset, {@code 0 <= index < SampleSource.size()}
   */
  int sampleIndex(int position);

  /**
   * The number of boxes sample {@code position} carries, {@code 0..layout().maxBoxes()}; always 0
   * when the layout has no boxes.
   *
   * @param position the sample's position in this batch, {@code 0 <= position < size()}
   * @return the number of real boxes, {@code 0..layout().maxBoxes()}
   */
  int boxCount(int position);

  /**
   * The boxes of the {@link #size()} samples, read-only: float32 {@code [size()][maxBoxes][4]},
   * {@code x0, y0, x1, y1} in output pixels ({@code 0 <= x0 < x1 <= width}), native byte order.
   * Empty when the layout has no boxes.
   *
   * @return a read-only view of the boxes, empty without boxes
   */
  MemorySegment boxes();

  /**
   * The box labels of the {@link #size()} samples, read-only: int32 {@code [size()][maxBoxes]},
   * {@code -1} for padding, native byte order. Empty when the layout has no boxes.
   *
   * @return a read-only view of the box labels, empty without boxes
   */
  MemorySegment boxLabels();

  /**
   * The soft targets of the {@link #size()} samples, read-only: float32
   * {@code [size()][layout().softTargetClasses()]}, native byte order (see the class
   * documentation). Empty when the layout has no soft targets; the default, for batches that never
   * have them, is empty.
   *
   * @return a read-only view of the soft targets, empty without soft targets
   */
  default MemorySegment softTargets() {
    return MemorySegment.NULL;
  }
}
