package dev.stoker.api;

import java.lang.foreign.MemorySegment;

/**
 * The producer's side of a claimed ring slot: samples are written into their positions, then the
 * slot is published with {@link BatchRing#publish}. Only the thread that claimed a slot writes it.
 */
public interface BatchSlot extends Batch {
  /**
   * The writable memory of sample {@code position}, exactly {@code layout().sampleBytes()} bytes.
   *
   * @throws IndexOutOfBoundsException if {@code position} is not below {@code layout().batchSize()}
   */
  MemorySegment sampleMemory(int position);

  /** Records which dataset sample sits at {@code position} and its label. */
  void setSample(int position, int sampleIndex, int label);

  /** Records the epoch, the batch's index in it and how many positions are filled. */
  void setHeader(int epoch, long indexInEpoch, int size);
}
