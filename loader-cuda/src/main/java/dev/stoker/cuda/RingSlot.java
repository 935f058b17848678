package dev.stoker.cuda;

import dev.stoker.api.BatchLayout;
import dev.stoker.api.BatchSlot;
import java.lang.foreign.MemorySegment;
import java.util.Objects;

/** One preallocated slot of a ring: a batch's pixel memory plus its labels and indices. */
final class RingSlot implements BatchSlot {
  private final BatchLayout layout;
  private final MemorySegment memory;
  private final int[] labels;
  private final int[] indices;
  private int epoch;
  private long indexInEpoch;
  private int size;
  long sequence = -1;

  RingSlot(BatchLayout layout, MemorySegment memory) {
    this.layout = layout;
    this.memory = memory;
    this.labels = new int[layout.batchSize()];
    this.indices = new int[layout.batchSize()];
  }

  @Override
  public BatchLayout layout() {
    return layout;
  }

  @Override
  public int epoch() {
    return epoch;
  }

  @Override
  public long indexInEpoch() {
    return indexInEpoch;
  }

  @Override
  public int size() {
    return size;
  }

  @Override
  public MemorySegment pixels() {
    return memory.asSlice(0, size * layout.sampleBytes()).asReadOnly();
  }

  @Override
  public int label(int position) {
    return labels[Objects.checkIndex(position, size)];
  }

  @Override
  public int sampleIndex(int position) {
    return indices[Objects.checkIndex(position, size)];
  }

  @Override
  public MemorySegment sampleMemory(int position) {
    Objects.checkIndex(position, layout.batchSize());
    return memory.asSlice(position * layout.sampleBytes(), layout.sampleBytes());
  }

  @Override
  public void setSample(int position, int sampleIndex, int label) {
    Objects.checkIndex(position, layout.batchSize());
    indices[position] = sampleIndex;
    labels[position] = label;
  }

  @Override
  public void setHeader(int epoch, long indexInEpoch, int size) {
    if (size < 0 || size > layout.batchSize()) {
      throw new IllegalArgumentException("size must be in [0, " + layout.batchSize() + "], got " + size);
    }
    this.epoch = epoch;
    this.indexInEpoch = indexInEpoch;
    this.size = size;
  }

  @Override
  public String toString() {
    return "RingSlot[seq=" + sequence + ", epoch=" + epoch + ", index=" + indexInEpoch + ", size=" + size + "]";
  }
}
