package dev.stoker.cuda.internal;

import dev.stoker.api.internal.Checks;
import dev.stoker.cuda.PixelType;
import java.util.List;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUfunction;
import jcuda.driver.CUstream;

/**
 * The kernels of {@code normalize.cu}, loaded into the current context: uint8 NHWC to normalized
 * float32/float16 NCHW with an optional per-sample left-right flip, and the matching flip of the
 * boxes. {@link NormalizeReference} computes the same bits on the host. Use on the consumer
 * thread only (the one whose current context the module was loaded into).
 *
 * <pre>{@code
 * try (NormalizeKernels kernels = NormalizeKernels.load()) {
 *   kernels.normalize(in, out, PixelType.FLOAT16, flip, scaleBias, n, 224, 224, 3, stream);
 *   kernels.flipBoxes(boxes, boxLabels, flip, n, maxBoxes, 224f, stream);
 * }
 * }</pre>
 */
public final class NormalizeKernels implements AutoCloseable {
  /** The module's resource name under {@code dev/stoker/cuda}. */
  public static final String RESOURCE = "normalize.fatbin";
  /** The {@code extern "C"} kernels looked up in {@link #RESOURCE}: float32 out, float16 out, box flip. */
  public static final List<String> KERNELS = List.of("stoker_normalize_f32", "stoker_normalize_f16", "stoker_flip_boxes");
  /** Threads per block: 8 warps, enough to hide the latency of the byte reads. */
  private static final int THREADS = 256;

  private final CudaModule module;
  private final CUfunction normalizeF32;
  private final CUfunction normalizeF16;
  private final CUfunction flipBoxes;

  private NormalizeKernels(CudaModule module) {
    this.module = module;
    this.normalizeF32 = module.function(KERNELS.get(0));
    this.normalizeF16 = module.function(KERNELS.get(1));
    this.flipBoxes = module.function(KERNELS.get(2));
  }

  /** Loads {@code normalize.fatbin} into the current context and looks up its three kernels. */
  public static NormalizeKernels load() {
    CudaModule module = CudaModule.load(RESOURCE);
    try {
      return new NormalizeKernels(module);
    } catch (RuntimeException e) {
      module.close();
      throw e;
    }
  }

  /**
   * Enqueues the normalization of uint8 {@code in[n][h][w][c]} into {@code out[n][c][h][w]} of
   * {@code type} on {@code stream}: {@code fma(v, scale[ch], bias[ch])} where {@code scaleBias} is
   * device float32 {@code [2c]} (the scales, then the biases), and sample {@code b} is mirrored
   * when the device int32 {@code flipOrNull[b]} is not 0.
   *
   * @param flipOrNull device int32 {@code [n]} flip flags, or {@code null} for no flip
   */
  public void normalize(CUdeviceptr in, CUdeviceptr out, PixelType type, CUdeviceptr flipOrNull, CUdeviceptr scaleBias,
      int n, int h, int w, int c, CUstream stream) {
    Checks.notNull(in, "in");
    Checks.notNull(out, "out");
    Checks.notNull(type, "type");
    Checks.notNull(scaleBias, "scaleBias");
    NormalizeReference.checkShape(n, h, w, c);
    if (n == 0) {
      return;
    }
    CUfunction kernel = type == PixelType.FLOAT32 ? normalizeF32 : normalizeF16;
    int blocks = CudaModule.blocksFor((long) n * h * w, THREADS);
    CudaModule.launch(kernel, blocks, THREADS, stream, in, out, flipOrNull, scaleBias, n, h, w, c);
  }

  /**
   * Enqueues the flip of the boxes of the samples whose device int32 {@code flip[b]} is not 0 on
   * {@code stream}: {@code (x0, y0, x1, y1)} becomes {@code (width - x1, y0, width - x0, y1)} for
   * every box whose label is not negative.
   *
   * @param boxes device float32 {@code [n][maxBoxes][4]}, changed in place
   * @param boxLabels device int32 {@code [n][maxBoxes]}, {@code -1} for padding
   */
  public void flipBoxes(CUdeviceptr boxes, CUdeviceptr boxLabels, CUdeviceptr flip, int n, int maxBoxes, float width,
      CUstream stream) {
    Checks.notNull(boxes, "boxes");
    Checks.notNull(boxLabels, "boxLabels");
    Checks.notNull(flip, "flip");
    long slots = NormalizeReference.boxSlots(n, maxBoxes, width);
    if (slots == 0) {
      return;
    }
    CudaModule.launch(flipBoxes, CudaModule.blocksFor(slots, THREADS), THREADS, stream, boxes, boxLabels, flip, n,
        maxBoxes, width);
  }

  @Override
  public void close() {
    module.close();
  }
}
