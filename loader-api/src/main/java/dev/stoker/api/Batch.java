package dev.stoker.api;

import java.lang.foreign.MemorySegment;

/**
 * A batch as its consumer sees it: up to {@code layout().batchSize()} samples of uint8 NHWC pixels
 * with their labels, living in a ring slot.
 *
 * <p>A {@code Batch} is valid only during the {@link BatchConsumer#accept} call that receives it;
 * the slot is reused afterwards. Copy out what must outlive the call.
 */
public interface Batch {
  /** The shape every batch in this ring has; {@link #size()} may be smaller at an epoch's end. */
  BatchLayout layout();

  /** The epoch this batch belongs to. */
  int epoch();

  /** The batch's position in its epoch, from 0. */
  long indexInEpoch();

  /** The number of samples it holds, at most {@code layout().batchSize()}. */
  int size();

  /** Pixels of the {@link #size()} samples, {@code size() * layout().sampleBytes()} bytes, read-only. */
  MemorySegment pixels();

  /** The label of sample {@code position}, {@code 0 <= position < size()}. */
  int label(int position);

  /** The dataset index of sample {@code position}, {@code 0 <= position < size()}. */
  int sampleIndex(int position);
}
