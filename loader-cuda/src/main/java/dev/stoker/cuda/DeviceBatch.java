package dev.stoker.cuda;

import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUstream;

/**
 * A batch on the GPU, as a {@link TrainingStep} receives it: normalized pixels, labels, (for
 * detection) boxes and (with MixUp, CutMix or multi-label sources) soft targets in device memory, and the stream on which they become ready. Enqueue every
 * kernel that reads them on {@link #stream()}: the copy that filled them is ordered before it by an
 * event, and the buffers are reused two batches later only after the work enqueued on that stream
 * during {@link TrainingStep#train} has finished. Nothing here is valid after {@code train} returns
 * except through work already enqueued on the stream.
 *
 * <pre>{@code
 * TrainingStep step = b -> {
 *   cuLaunchKernel(myForward, b.size(), 1, 1, 256, 1, 1, 0, b.stream(),
 *       Pointer.to(Pointer.to(b.pixels()), Pointer.to(b.labels()), Pointer.to(new int[] {b.size()})), null);
 * };
 * }</pre>
 *
 * @param pixels {@code size x channels x height x width} values of {@code pixelType} (NCHW)
 * @param pixelType the element type of the pixels
 * @param size samples in this batch (the last batch of an epoch may hold fewer than the layout's)
 * @param channels channels per sample
 * @param height rows per sample
 * @param width columns per sample
 * @param labels int32 {@code [size]} class labels
 * @param hostLabels the same labels on the host, for a trainer's bookkeeping
 * @param boxes float32 {@code [size][maxBoxes][4]} boxes {@code x0, y0, x1, y1} in output pixels, or
 *     {@code null} when the layout has no boxes
 * @param boxLabels int32 {@code [size][maxBoxes]} box labels, {@code -1} for padding, or {@code null}
 * @param maxBoxes boxes per sample, 0 when the layout has none
 * @param stream the compute stream to enqueue work on
 * @param epoch the batch's epoch
 * @param indexInEpoch the batch's position in its epoch
 * @param softTargets float32 {@code [size][softTargetClasses]} soft targets (see {@code Batch}: one-hot,
 *     multi-hot or mixed by MixUp/CutMix), copied with the pixels, or {@code null} when the layout has none
 * @param softTargetClasses classes per soft-target row, 0 when the layout has none
 */
public record DeviceBatch(CUdeviceptr pixels, PixelType pixelType, int size, int channels, int height, int width,
    CUdeviceptr labels, int[] hostLabels, CUdeviceptr boxes, CUdeviceptr boxLabels, int maxBoxes, CUstream stream,
    int epoch, long indexInEpoch, CUdeviceptr softTargets, int softTargetClasses) {
  /**
   * A batch without soft targets.
   *
   * @param pixels {@code size x channels x height x width} values of {@code pixelType} (NCHW)
   * @param pixelType the element type of the pixels
   * @param size samples in this batch
   * @param channels channels per sample
   * @param height rows per sample
   * @param width columns per sample
   * @param labels int32 {@code [size]} class labels
   * @param hostLabels the same labels on the host
   * @param boxes float32 {@code [size][maxBoxes][4]} boxes, or {@code null} when the layout has no boxes
   * @param boxLabels int32 {@code [size][maxBoxes]} box labels, or {@code null}
   * @param maxBoxes boxes per sample, 0 when the layout has none
   * @param stream the compute stream to enqueue work on
   * @param epoch the batch's epoch
   * @param indexInEpoch the batch's position in its epoch
   */
  public DeviceBatch(CUdeviceptr pixels, PixelType pixelType, int size, int channels, int height, int width,
      CUdeviceptr labels, int[] hostLabels, CUdeviceptr boxes, CUdeviceptr boxLabels, int maxBoxes, CUstream stream,
      int epoch, long indexInEpoch) {
    this(pixels, pixelType, size, channels, height, width, labels, hostLabels, boxes, boxLabels, maxBoxes, stream,
        epoch, indexInEpoch, null, 0);
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
