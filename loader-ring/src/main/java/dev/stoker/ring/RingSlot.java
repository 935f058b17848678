package dev.stoker.ring;

import dev.stoker.api.BatchLayout;
import dev.stoker.api.BatchSlot;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Objects;

/**
 * One preallocated slot of a ring: a batch's memory plus its labels, indices and box counts.
 *
 * <p>The memory is one block, so a trainer can move a batch to the GPU in as few copies as it
 * likes: the pixels first, then (only when the layout has boxes) the boxes and the box labels,
 * then (only when the layout has soft targets) the soft targets, each region starting on a
 * {@value #ALIGNMENT}-byte boundary.
 *
 * <pre>
 * [ pixels: batchBytes ][pad][ boxes: float32 batchSize x maxBoxes x 4 ][ box labels: int32 batchSize x maxBoxes ]
 *   [pad][ soft targets: float32 batchSize x softTargetClasses ]
 * </pre>
 */
final class RingSlot implements BatchSlot {
  /** Alignment of each region inside a slot's block. */
  static final long ALIGNMENT = 64;
  private static final int NO_LABEL = -1;

  private final BatchLayout layout;
  private final MemorySegment memory;
  private final long boxesOffset;
  private final long boxLabelsOffset;
  private final long softTargetsOffset;
  private final long softTargetRowBytes;
  private final int maxBoxes;
  private final int[] labels;
  private final int[] indices;
  private final int[] boxCounts;
  private int epoch;
  private long indexInEpoch;
  private int size;
  private long nextPosition;
  long sequence = -1;

  RingSlot(BatchLayout layout, MemorySegment memory) {
    if (memory.byteSize() < bytes(layout)) {
      throw new IllegalArgumentException("slot memory holds " + memory.byteSize() + " bytes, the layout needs "
          + bytes(layout));
    }
    this.layout = layout;
    this.memory = memory;
    this.maxBoxes = layout.maxBoxes();
    // without boxes the regions are empty, and an offset past the pixels would lie outside the block
    this.boxesOffset = boxesOffset(layout);
    this.boxLabelsOffset = boxLabelsOffset(layout);
    this.softTargetsOffset = softTargetsOffset(layout);
    this.softTargetRowBytes = (long) layout.softTargetClasses() * Float.BYTES;
    this.labels = new int[layout.batchSize()];
    this.indices = new int[layout.batchSize()];
    this.boxCounts = new int[layout.batchSize()];
    for (int position = 0; position < layout.batchSize() && maxBoxes > 0; position++) {
      pad(position, 0);
    }
  }

  /** The bytes one slot of {@code layout} needs: pixels, then boxes and box labels if any, then soft targets if any. */
  static long bytes(BatchLayout layout) {
    if (layout.hasSoftTargets()) {
      return softTargetsOffset(layout) + layout.softTargetBytes();
    }
    return boxesEnd(layout);
  }

  /** Where the pixels (without boxes) or the box labels end. */
  private static long boxesEnd(BatchLayout layout) {
    if (!layout.hasBoxes()) {
      return layout.batchBytes();
    }
    long boxes = align(layout.batchBytes());
    return align(boxes + layout.boxBytes()) + layout.boxLabelBytes();
  }

  /** Where a slot's soft targets start, 0 when the layout has none. */
  static long softTargetsOffset(BatchLayout layout) {
    return layout.hasSoftTargets() ? align(boxesEnd(layout)) : 0;
  }

  /** Where a slot's boxes start, 0 when the layout has none. */
  static long boxesOffset(BatchLayout layout) {
    return layout.hasBoxes() ? align(layout.batchBytes()) : 0;
  }

  /** Where a slot's box labels start, 0 when the layout has none. */
  static long boxLabelsOffset(BatchLayout layout) {
    return layout.hasBoxes() ? align(boxesOffset(layout) + layout.boxBytes()) : 0;
  }

  /** The slot's position in its ring, from the sequence it was last claimed with. */
  int slotIndex(int slots) {
    return (int) (sequence & (slots - 1));
  }

  private static long align(long offset) {
    return (offset + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
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
  public long nextPosition() {
    return nextPosition;
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
  public int boxCount(int position) {
    return boxCounts[Objects.checkIndex(position, size)];
  }

  @Override
  public MemorySegment boxes() {
    return boxMemory(0, size).asReadOnly();
  }

  @Override
  public MemorySegment boxLabels() {
    return labelMemory(0, size).asReadOnly();
  }

  @Override
  public MemorySegment softTargets() {
    return memory.asSlice(softTargetsOffset, size * softTargetRowBytes).asReadOnly();
  }

  @Override
  public MemorySegment softTargetMemory(int position) {
    Objects.checkIndex(position, layout.batchSize());
    return memory.asSlice(softTargetsOffset + position * softTargetRowBytes, softTargetRowBytes);
  }

  private MemorySegment boxMemory(int position, int positions) {
    long perSample = (long) maxBoxes * BatchLayout.BOX_FLOATS * Float.BYTES;
    return memory.asSlice(boxesOffset + position * perSample, positions * perSample);
  }

  private MemorySegment labelMemory(int position, int positions) {
    long perSample = (long) maxBoxes * Integer.BYTES;
    return memory.asSlice(boxLabelsOffset + position * perSample, positions * perSample);
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
    if (maxBoxes > 0) {
      pad(position, 0);
    }
    if (softTargetRowBytes > 0) {
      softTargetMemory(position).fill((byte) 0);
    }
  }

  @Override
  public void setBoxes(int position, float[] boxes, int[] labels, int count) {
    Objects.checkIndex(position, layout.batchSize());
    if (count < 0 || count > maxBoxes) {
      throw new IllegalArgumentException("count must be in [0, " + maxBoxes + "], got " + count);
    }
    if (boxes.length < count * BatchLayout.BOX_FLOATS || labels.length < count) {
      throw new IllegalArgumentException("count: " + count + " boxes do not fit arrays of " + boxes.length
          + " floats and " + labels.length + " labels");
    }
    MemorySegment.copy(boxes, 0, boxMemory(position, 1), ValueLayout.JAVA_FLOAT, 0, count * BatchLayout.BOX_FLOATS);
    MemorySegment.copy(labels, 0, labelMemory(position, 1), ValueLayout.JAVA_INT, 0, count);
    pad(position, count);
  }

  /** Makes entries {@code from..maxBoxes-1} of {@code position} padding and sets its count to {@code from}. */
  private void pad(int position, int from) {
    boxCounts[position] = from;
    if (from < maxBoxes) {
      MemorySegment boxes = boxMemory(position, 1);
      long floatBytes = (long) BatchLayout.BOX_FLOATS * Float.BYTES;
      boxes.asSlice(from * floatBytes).fill((byte) 0);
      MemorySegment boxLabels = labelMemory(position, 1);
      for (int k = from; k < maxBoxes; k++) {
        boxLabels.setAtIndex(ValueLayout.JAVA_INT, k, NO_LABEL);
      }
    }
  }

  @Override
  public void setHeader(int epoch, long indexInEpoch, int size, long nextPosition) {
    if (size < 0 || size > layout.batchSize()) {
      throw new IllegalArgumentException("size must be in [0, " + layout.batchSize() + "], got " + size);
    }
    this.epoch = epoch;
    this.indexInEpoch = indexInEpoch;
    this.size = size;
    this.nextPosition = nextPosition;
  }

  @Override
  public String toString() {
    return "RingSlot[seq=" + sequence + ", epoch=" + epoch + ", index=" + indexInEpoch + ", size=" + size + "]";
  }
}
