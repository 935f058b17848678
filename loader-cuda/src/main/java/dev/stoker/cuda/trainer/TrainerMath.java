package dev.stoker.cuda.trainer;

import dev.stoker.api.internal.Checks;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * The CPU twins of the reference trainer's kernels in {@code src/main/cuda/trainer.cu}: same
 * names, same layouts, same results up to the tolerances below. The host path of
 * {@link ReferenceTrainer} runs them, and the GPU checks compare each kernel with its twin on the
 * same inputs.
 *
 * <p>Tolerances for a GPU check, per output element, with inputs {@code |x| <= 10} (normalized
 * pixels are within about 3):
 *
 * <ul>
 *   <li>{@link #pool}: the GPU sums a cell in float (256 partial sums, then a tree), the CPU in
 *       double (each row of the cell in four interleaved partial sums, then row by row: in any
 *       order, a double sum of {@code m} floats is within {@code (m - 1) 2^-53 sum |x|} of the
 *       exact sum, so a mean of up to 2^24 pixels within {@code 2^-29 max |x|}, and the CPU's
 *       order does not move these bounds);
 *       {@code |gpu - cpu| <= 1e-5 * (1 + max |x| in the cell)} for cells of up to 16,384
 *       pixels (e.g. grid 2 or more at 256x256), and in general
 *       {@code <= 1.2e-7 * (cellPixels / 256 + 9) * (1 + max |x|)}.
 *   <li>{@link #softmaxGrad}: the logits are bit-identical (same fused multiply-add chain over the
 *       same feature order), so {@code stats[1]} (correct predictions) is exact; {@code expf}
 *       differs from {@link Math#exp} by up to 2 ulp and the GPU adds the batch atomically in any
 *       order, so {@code |gpu - cpu| <= 1e-5 * n * (1 + max |feat|)} for each {@code grad} entry
 *       and {@code <= 1e-5 * (n + |cpu|)} for {@code stats[0]} (loss sum).
 *   <li>{@link #sgd}: bit-identical ({@code fma(-step, grad, weight)} on both sides).
 * </ul>
 *
 * <p>Layouts: pixels NCHW float32 in native order; {@code feat[b][ch * grid * grid + gy * grid + gx]};
 * {@code weights} and {@code grad} row-major {@code [k][f + 1]}, the last column the bias, whose
 * input is the constant 1. Public only for {@link #pool}, the reference the GPU checks compare the
 * pool kernel with.
 *
 * <pre>{@code
 * float[] feat = new float[n * c * grid * grid];
 * TrainerMath.pool(MemorySegment.ofArray(pixels), feat, n, c, h, w, grid);
 * }</pre>
 */
public final class TrainerMath {
  private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;

  private TrainerMath() {}

  /**
   * Twin of {@code stoker_pool}: {@code feat[b][ch * grid * grid + gy * grid + gx]} = the mean of
   * {@code in[b][ch][y][x]} over {@code y} in {@code [gy * h / grid, (gy + 1) * h / grid)} and
   * {@code x} in {@code [gx * w / grid, (gx + 1) * w / grid)} (integer division). Allocates its
   * work arrays; a caller that pools batch after batch passes a {@link PoolScratch} instead.
   *
   * @param n the number of samples
   * @param c channels per sample
   * @param h rows per sample, at least {@code grid}
   * @param w columns per sample, at least {@code grid}
   * @param grid cells per side of the pooling grid, positive
   * @param in {@code n x c x h x w} float32 values, native order
   * @param feat receives {@code n * c * grid * grid} features
   * @throws IllegalArgumentException if {@code h} or {@code w} is below {@code grid} (a cell
   *     would be empty) or a buffer is too small
   */
  public static void pool(MemorySegment in, float[] feat, int n, int c, int h, int w, int grid) {
    pool(in, feat, n, c, h, w, grid, new PoolScratch());
  }

  /**
   * {@link #pool(MemorySegment, float[], int, int, int, int, int)} with reused work arrays: once
   * they have grown to the widest row and finest grid seen, a call allocates nothing. Each row is
   * copied from {@code in} in bulk and summed from the array (no per-value segment access).
   *
   * @param scratch work arrays, used by one thread at a time
   */
  static void pool(MemorySegment in, float[] feat, int n, int c, int h, int w, int grid, PoolScratch scratch) {
    Checks.positive(n, "n");
    Checks.positive(c, "c");
    Checks.positive(grid, "grid");
    Checks.argument(h >= grid, "h", "must be at least grid (" + grid + "), got " + h);
    Checks.argument(w >= grid, "w", "must be at least grid (" + grid + "), got " + w);
    Checks.notNull(scratch, "scratch");
    long values = (long) n * c * h * w;
    Checks.argument(in.byteSize() >= values * Float.BYTES, "in",
        "holds " + in.byteSize() + " bytes, needs " + values * Float.BYTES + " for " + n + "x" + c + "x" + h + "x" + w);
    int cells = grid * grid;
    int f = c * cells;
    Checks.argument(feat.length >= n * f, "feat", "holds " + feat.length + " values, needs " + n * f);
    float[] row = scratch.row(w);
    double[] sums = scratch.sums(grid);
    int[] edges = scratch.edges(w, grid);
    for (int b = 0; b < n; b++) {
      for (int ch = 0; ch < c; ch++) {
        long plane = ((long) b * c + ch) * h * w;
        for (int gy = 0; gy < grid; gy++) {
          int y0 = (int) ((long) gy * h / grid);
          int y1 = (int) ((long) (gy + 1) * h / grid);
          Arrays.fill(sums, 0, grid, 0.0);
          for (int y = y0; y < y1; y++) {
            MemorySegment.copy(in, FLOAT, (plane + (long) y * w) * Float.BYTES, row, 0, w);
            for (int gx = 0; gx < grid; gx++) {
              sums[gx] += sum(row, edges[gx], edges[gx + 1]);
            }
          }
          for (int gx = 0; gx < grid; gx++) {
            int count = (y1 - y0) * (edges[gx + 1] - edges[gx]);
            feat[b * f + ch * cells + gy * grid + gx] = (float) (sums[gx] / count);
          }
        }
      }
    }
  }

  /**
   * {@code row[from..to)} summed in double, in four interleaved partial sums: independent adds, and
   * unrolled by hand, as the launcher's C1-only JIT does not unroll loops.
   */
  private static double sum(float[] row, int from, int to) {
    double s0 = 0;
    double s1 = 0;
    double s2 = 0;
    double s3 = 0;
    int x = from;
    for (int end = from + ((to - from) & ~3); x < end; x += 4) {
      s0 += row[x];
      s1 += row[x + 1];
      s2 += row[x + 2];
      s3 += row[x + 3];
    }
    for (; x < to; x++) {
      s0 += row[x];
    }
    return (s0 + s1) + (s2 + s3);
  }

  /** The work arrays of {@link #pool}; they grow to the largest shape seen. Not thread-safe. */
  static final class PoolScratch {
    private float[] row = new float[0];
    private double[] sums = new double[0];
    private int[] edges = new int[0];

    private float[] row(int w) {
      if (row.length < w) {
        row = new float[w];
      }
      return row;
    }

    private double[] sums(int grid) {
      if (sums.length < grid) {
        sums = new double[grid];
      }
      return sums;
    }

    /** {@code edges[gx] = gx * w / grid} for {@code gx} in {@code [0, grid]}: the cells' column bounds. */
    private int[] edges(int w, int grid) {
      if (edges.length < grid + 1) {
        edges = new int[grid + 1];
      }
      for (int gx = 0; gx <= grid; gx++) {
        edges[gx] = (int) ((long) gx * w / grid);
      }
      return edges;
    }
  }

  /**
   * Twin of {@code stoker_softmax_grad}: for each sample, logits {@code l = W [x, 1]} (a fused
   * multiply-add chain over {@code i = 0..f}), a stable softmax {@code p}, and its loss
   * {@code -log p[label] = log(sum exp(l - max)) + max - l[label]}. Adds {@code (p - onehot) x [x, 1]}
   * to {@code grad} (summed over the batch), the loss sum to {@code stats[0]} and the number of
   * samples whose argmax (ties to the lowest class) equals the label to {@code stats[1]}: the
   * prediction before any update.
   *
   * @param feat {@code n x f} features
   * @param weights {@code k x (f + 1)} weights, the last column the bias
   * @param labels {@code n} labels in {@code [0, k)}
   * @param grad {@code k x (f + 1)} gradient sums, added to
   * @param stats two sums, added to
   * @throws IllegalArgumentException if a label is out of range or a buffer is too small
   */
  static void softmaxGrad(float[] feat, float[] weights, int[] labels, int n, int f, int k, float[] grad,
      float[] stats) {
    Checks.positive(n, "n");
    Checks.positive(f, "f");
    Checks.positive(k, "k");
    int stride = f + 1;
    Checks.argument(feat.length >= n * f, "feat", "holds " + feat.length + " values, needs " + n * f);
    Checks.argument(weights.length == k * stride, "weights", "holds " + weights.length + " values, needs " + k * stride);
    Checks.argument(grad.length == k * stride, "grad", "holds " + grad.length + " values, needs " + k * stride);
    Checks.argument(labels.length >= n, "labels", "holds " + labels.length + " labels, needs " + n);
    Checks.argument(stats.length >= 2, "stats", "needs 2 values, got " + stats.length);
    checkLabels(labels, n, k);
    float[] coef = new float[k];
    for (int b = 0; b < n; b++) {
      int label = labels[b];
      int row = b * f;
      for (int j = 0; j < k; j++) {
        int wj = j * stride;
        float acc = 0f;
        for (int i = 0; i < f; i++) {
          acc = Math.fma(weights[wj + i], feat[row + i], acc);
        }
        coef[j] = Math.fma(weights[wj + f], 1f, acc);
      }
      float max = coef[0];
      int best = 0;
      for (int j = 1; j < k; j++) {
        if (coef[j] > max) {
          max = coef[j];
          best = j;
        }
      }
      float total = 0f;
      for (int j = 0; j < k; j++) {
        total += (float) Math.exp(coef[j] - max);
      }
      stats[0] += (float) Math.log(total) + max - coef[label];
      stats[1] += best == label ? 1f : 0f;
      for (int j = 0; j < k; j++) {
        coef[j] = (float) Math.exp(coef[j] - max) / total - (j == label ? 1f : 0f);
      }
      for (int j = 0; j < k; j++) {
        int gj = j * stride;
        for (int i = 0; i < f; i++) {
          grad[gj + i] += coef[j] * feat[row + i];
        }
        grad[gj + f] += coef[j];
      }
    }
  }

  /**
   * Checks that the first {@code n} labels lie in {@code [0, k)}.
   *
   * @throws IllegalArgumentException naming the first sample whose label does not
   */
  static void checkLabels(int[] labels, int n, int k) {
    for (int b = 0; b < n; b++) {
      Checks.argument(labels[b] >= 0 && labels[b] < k, "labels",
          "sample " + b + " has label " + labels[b] + ", outside [0, " + k + ")");
    }
  }

  /**
   * Twin of {@code stoker_sgd}: {@code weights[i] = fma(-step, grad[i], weights[i])}, then
   * {@code grad[i] = 0}.
   */
  static void sgd(float[] weights, float[] grad, float step) {
    Checks.argument(grad.length == weights.length, "grad",
        "holds " + grad.length + " values, weights " + weights.length);
    for (int i = 0; i < weights.length; i++) {
      weights[i] = Math.fma(-step, grad[i], weights[i]);
      grad[i] = 0f;
    }
  }
}
