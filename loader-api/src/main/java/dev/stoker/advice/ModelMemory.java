package dev.stoker.advice;

import dev.stoker.api.internal.Checks;
import java.util.Locale;

/**
 * An estimate of the GPU memory training a {@link ModelFamily} takes at a batch size and input
 * size: weights, gradients and optimizer state from the parameter count, the activations each
 * image stores for backward (scaled by its pixels), the input batch, and the framework's overhead.
 * See {@link #FORMULA} for the formula and its assumptions.
 *
 * <pre>{@code
 * ModelMemory m = ModelMemory.estimate(ModelFamily.RESNET50, 64, 224, 224, ModelMemory.Optimizer.SGD_MOMENTUM, false);
 * System.out.printf("%.1f GiB%n", m.totalBytes() / (double) (1L << 30));
 * }</pre>
 *
 * @param model the family
 * @param batch images per step
 * @param width input width
 * @param height input height
 * @param optimizer the optimizer whose state is counted
 * @param mixedPrecision whether activations are kept in 16 bits (autocast), weights and optimizer state in fp32
 * @param weightBytes the fp32 weights
 * @param gradientBytes the fp32 gradients
 * @param optimizerBytes the optimizer's state
 * @param activationBytes the activations of the whole batch
 * @param inputBytes the input batch as fp32 on the GPU
 * @param overheadBytes the framework's fixed and proportional overhead
 * @param totalBytes the sum
 */
public record ModelMemory(ModelFamily model, int batch, int width, int height, Optimizer optimizer,
    boolean mixedPrecision, long weightBytes, long gradientBytes, long optimizerBytes, long activationBytes,
    long inputBytes, long overheadBytes, long totalBytes) {

  /** The optimizer whose state is counted. */
  public enum Optimizer {
    /** SGD with momentum: one fp32 value per parameter. */
    SGD_MOMENTUM(4),
    /** Adam or AdamW: two fp32 values per parameter. */
    ADAM(8);

    private final int bytesPerParameter;

    Optimizer(int bytesPerParameter) {
      this.bytesPerParameter = bytesPerParameter;
    }

    /**
     * The state's bytes per parameter.
     *
     * @return 4 or 8
     */
    public int bytesPerParameter() {
      return bytesPerParameter;
    }

    /**
     * The name as {@code --optimizer} takes it: {@code sgd} or {@code adam}.
     *
     * @return the label
     */
    public String label() {
      return this == SGD_MOMENTUM ? "sgd" : "adam";
    }
  }

  /** The CUDA context, cuDNN/cuBLAS workspaces and the allocator's first blocks: 1 GiB. */
  public static final long FIXED_OVERHEAD_BYTES = 1L << 30;
  /** The allocator's fragmentation and temporaries, as a share of the rest: 10%. */
  public static final double PROPORTIONAL_OVERHEAD = 0.10;

  /** The formula {@link #estimate} computes and its assumptions, in words, for people. */
  public static final String FORMULA = "total = 1 GiB (CUDA context, cuDNN/cuBLAS workspace) + 1.1 x (weights + "
      + "gradients + optimizer state + activations + input); weights = gradients = 4 bytes x parameters (fp32); "
      + "optimizer state = 4 bytes x parameters for SGD with momentum, 8 for Adam; activations = batch x the "
      + "family's fp32 bytes per image at its reference size x (pixels / reference pixels), halved with mixed "
      + "precision; input = batch x 3 x height x width x 4 bytes. Assumes no gradient checkpointing, no frozen "
      + "layers, data-parallel training (each GPU holds the whole model), and activations growing in proportion to "
      + "pixels; the 10% covers the allocator's fragmentation. An estimate to within about 30%, not a measurement.";

  /** Validates the fields. */
  public ModelMemory {
    Checks.notNull(model, "model");
    Checks.positive(batch, "batch");
    Checks.positive(width, "width");
    Checks.positive(height, "height");
    Checks.notNull(optimizer, "optimizer");
  }

  /**
   * Estimates the memory of training {@code model} on batches of {@code batch} images of
   * {@code width} x {@code height}.
   *
   * @param model the family, not null
   * @param batch images per step, at least 1
   * @param width input width, at least 1
   * @param height input height, at least 1
   * @param optimizer the optimizer, not null
   * @param mixedPrecision whether activations are 16-bit
   * @return the estimate
   */
  public static ModelMemory estimate(ModelFamily model, int batch, int width, int height, Optimizer optimizer,
      boolean mixedPrecision) {
    Checks.notNull(model, "model");
    Checks.positive(batch, "batch");
    Checks.notNull(optimizer, "optimizer");
    long weights = 4 * model.parameters();
    long gradients = 4 * model.parameters();
    long state = (long) optimizer.bytesPerParameter() * model.parameters();
    long perImage = model.activationBytes(width, height);
    long activations = (long) batch * (mixedPrecision ? perImage / 2 : perImage);
    long input = (long) batch * 3 * width * height * 4;
    long rest = weights + gradients + state + activations + input;
    long overhead = FIXED_OVERHEAD_BYTES + Math.round(rest * PROPORTIONAL_OVERHEAD);
    return new ModelMemory(model, batch, width, height, optimizer, mixedPrecision, weights, gradients, state,
        activations, input, overhead, rest + overhead);
  }

  /**
   * The largest batch, at most {@code batch}, whose estimate fits in {@code gpuBytes}.
   *
   * @param model the family, not null
   * @param batch the largest batch to try, at least 1
   * @param width input width, at least 1
   * @param height input height, at least 1
   * @param optimizer the optimizer, not null
   * @param mixedPrecision whether activations are 16-bit
   * @param gpuBytes the GPU's memory
   * @return the batch, or 0 when not even one image fits
   */
  public static int largestBatch(ModelFamily model, int batch, int width, int height, Optimizer optimizer,
      boolean mixedPrecision, long gpuBytes) {
    int low = 0;
    int high = batch;
    while (low < high) {   // the estimate grows with the batch: the largest b with total(b) <= gpuBytes
      int mid = (int) (((long) low + high + 1) / 2);
      if (estimate(model, mid, width, height, optimizer, mixedPrecision).totalBytes() <= gpuBytes) {
        low = mid;
      } else {
        high = mid - 1;
      }
    }
    return low;
  }

  /**
   * One line: the total and its parts in GiB, e.g. {@code "resnet50 at batch 64, 224x224, sgd, fp32:
   * 8.9 GiB = weights 0.10 + gradients 0.10 + optimizer 0.10 + activations 6.40 + input 0.04 +
   * overhead 1.67"}.
   *
   * @return the line
   */
  public String describe() {
    return String.format(Locale.ROOT, "%s at batch %d, %dx%d, %s, %s: %.1f GiB = weights %.2f + gradients %.2f + "
        + "optimizer %.2f + activations %.2f + input %.2f + overhead %.2f", model.label(), batch, width, height,
        optimizer.label(), mixedPrecision ? "mixed precision" : "fp32", gib(totalBytes), gib(weightBytes),
        gib(gradientBytes), gib(optimizerBytes), gib(activationBytes), gib(inputBytes), gib(overheadBytes));
  }

  /**
   * {@code bytes} in GiB.
   *
   * @param bytes a size
   * @return GiB
   */
  static double gib(long bytes) {
    return bytes / (double) (1L << 30);
  }
}
