package dev.stoker.cuda;

import java.lang.foreign.MemorySegment;

/**
 * A batch after the same normalization a {@link DeviceBatch} gets, computed on the host where no
 * GPU is usable: what a {@link HostStep} receives. The memory is valid only during
 * {@link HostStep#train}.
 *
 * @param pixels {@code size x channels x height x width} values of {@code pixelType} (NCHW), native order
 * @param pixelType the element type of the pixels
 * @param size samples in this batch
 * @param channels channels per sample
 * @param height rows per sample
 * @param width columns per sample
 * @param labels the {@code size} class labels
 * @param boxes float32 {@code [size][maxBoxes][4]} boxes (flipped with their samples), empty when none
 * @param boxLabels int32 {@code [size][maxBoxes]} box labels, {@code -1} for padding, empty when none
 * @param maxBoxes boxes per sample, 0 when the layout has none
 * @param epoch the batch's epoch
 * @param indexInEpoch the batch's position in its epoch
 * @param softTargets float32 {@code [size][softTargetClasses]} soft targets (see {@code Batch}), empty when
 *     the layout has none
 * @param softTargetClasses classes per soft-target row, 0 when the layout has none
 */
public record HostBatch(MemorySegment pixels, PixelType pixelType, int size, int channels, int height, int width,
    int[] labels, MemorySegment boxes, MemorySegment boxLabels, int maxBoxes, int epoch, long indexInEpoch,
    MemorySegment softTargets, int softTargetClasses) {
  /**
   * A batch without soft targets.
   *
   * @param pixels {@code size x channels x height x width} values of {@code pixelType} (NCHW), native order
   * @param pixelType the element type of the pixels
   * @param size samples in this batch
   * @param channels channels per sample
   * @param height rows per sample
   * @param width columns per sample
   * @param labels the {@code size} class labels
   * @param boxes float32 {@code [size][maxBoxes][4]} boxes, empty when none
   * @param boxLabels int32 {@code [size][maxBoxes]} box labels, empty when none
   * @param maxBoxes boxes per sample, 0 when the layout has none
   * @param epoch the batch's epoch
   * @param indexInEpoch the batch's position in its epoch
   */
  public HostBatch(MemorySegment pixels, PixelType pixelType, int size, int channels, int height, int width,
      int[] labels, MemorySegment boxes, MemorySegment boxLabels, int maxBoxes, int epoch, long indexInEpoch) {
    this(pixels, pixelType, size, channels, height, width, labels, boxes, boxLabels, maxBoxes, epoch, indexInEpoch,
        MemorySegment.NULL, 0);
  }

  /**
   * The shape of {@link #pixels()}: {@code {size, channels, height, width}}.
   *
   * @return a new array {@code {size, channels, height, width}}
   */
  public int[] shape() {
    return new int[] {size, channels, height, width};
  }
}
