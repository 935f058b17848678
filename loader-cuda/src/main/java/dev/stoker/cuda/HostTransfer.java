package dev.stoker.cuda;

import dev.stoker.api.Batch;
import dev.stoker.api.BatchLayout;
import dev.stoker.cuda.internal.NormalizeReference;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The host fallback of {@link CudaTransfer}: the same normalization and flips, computed by the
 * kernels' CPU references into host memory, then handed to a {@link HostStep}. Consumer thread only.
 */
final class HostTransfer implements AutoCloseable {
  private final BatchLayout layout;
  private final DeviceTransform transform;
  private final Arena arena = Arena.ofShared();
  private final MemorySegment output;
  private final MemorySegment boxes;
  private final MemorySegment boxLabels;
  private final MemorySegment softTargets;
  private final float[] scale;
  private final float[] bias;
  private final NormalizeReference.Scratch scratch = new NormalizeReference.Scratch();
  /** The flip flags of the batch being submitted; reused, since normalize reads only the first {@code size}. */
  private final int[] flips;
  private long batches;

  HostTransfer(BatchLayout layout, DeviceTransform transform) {
    this.layout = layout;
    this.transform = transform;
    this.scale = transform.scale();
    this.bias = transform.bias();
    this.flips = transform.randomFlip() ? new int[layout.batchSize()] : null;
    long values = (long) layout.batchSize() * layout.channels() * layout.height() * layout.width();
    this.output = arena.allocate(values * transform.output().bytes(), 64);
    this.boxes = layout.hasBoxes() ? arena.allocate(layout.boxBytes(), 64) : MemorySegment.NULL;
    this.boxLabels = layout.hasBoxes() ? arena.allocate(layout.boxLabelBytes(), 64) : MemorySegment.NULL;
    this.softTargets = layout.hasSoftTargets() ? arena.allocate(layout.softTargetBytes(), 64) : MemorySegment.NULL;
  }

  /** Normalizes {@code batch} on the host and hands it to {@code step}. */
  void submit(Batch batch, HostStep step) throws Exception {
    int size = batch.size();
    int[] labels = new int[size];
    for (int p = 0; p < size; p++) {
      labels[p] = batch.label(p);
      if (flips != null) {
        flips[p] = transform.flips(batch.epoch(), batch.sampleIndex(p)) ? 1 : 0;
      }
    }
    long values = (long) size * layout.channels() * layout.height() * layout.width();
    MemorySegment pixels = output.asSlice(0, values * transform.output().bytes());
    NormalizeReference.normalize(batch.pixels(), pixels, transform.output(), flips, scale, bias, size,
        layout.height(), layout.width(), layout.channels(), scratch);
    MemorySegment batchBoxes = MemorySegment.NULL;
    MemorySegment batchBoxLabels = MemorySegment.NULL;
    if (layout.hasBoxes()) {
      long boxValues = (long) size * layout.maxBoxes();
      batchBoxes = boxes.asSlice(0, boxValues * BatchLayout.BOX_FLOATS * Float.BYTES).copyFrom(batch.boxes()
          .asSlice(0, boxValues * BatchLayout.BOX_FLOATS * Float.BYTES));
      batchBoxLabels = boxLabels.asSlice(0, boxValues * Integer.BYTES)
          .copyFrom(batch.boxLabels().asSlice(0, boxValues * Integer.BYTES));
      if (flips != null) {
        NormalizeReference.flipBoxes(batchBoxes, batchBoxLabels, flips, size, layout.maxBoxes(), layout.width());
      }
    }
    MemorySegment batchSoftTargets = MemorySegment.NULL;
    if (layout.hasSoftTargets()) {
      long softBytes = (long) size * layout.softTargetClasses() * Float.BYTES;
      batchSoftTargets = softTargets.asSlice(0, softBytes).copyFrom(batch.softTargets().asSlice(0, softBytes))
          .asReadOnly();
    }
    try {
      step.train(new HostBatch(pixels.asReadOnly(), transform.output(), size, layout.channels(), layout.height(),
          layout.width(), labels, batchBoxes, batchBoxLabels, layout.maxBoxes(), batch.epoch(), batch.indexInEpoch(),
          batchSoftTargets, layout.softTargetClasses()));
    } finally {
      batches++;
    }
  }

  long batches() {
    return batches;
  }

  @Override
  public void close() {
    arena.close();
  }
}
