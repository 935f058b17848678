package dev.stoker.cuda.checks;

import static jcuda.driver.JCudaDriver.cuMemcpyDtoH;
import static jcuda.driver.JCudaDriver.cuMemcpyHtoD;
import static jcuda.driver.JCudaDriver.cuStreamCreate;
import static jcuda.driver.JCudaDriver.cuStreamDestroy;
import static jcuda.driver.JCudaDriver.cuStreamSynchronize;

import dev.stoker.cuda.DeviceBatch;
import dev.stoker.cuda.HostBatch;
import dev.stoker.cuda.PixelType;
import dev.stoker.cuda.internal.Cuda;
import dev.stoker.cuda.internal.CudaModule;
import dev.stoker.cuda.trainer.ReferenceTrainer;
import dev.stoker.cuda.trainer.TrainerDevice;
import dev.stoker.cuda.trainer.TrainerMath;
import dev.stoker.cuda.trainer.TrainingReport;
import java.io.PrintStream;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUfunction;
import jcuda.driver.CUstream;
import jcuda.driver.CUstream_flags;

/**
 * The reference trainer's kernels against {@link TrainerMath}: the pooling kernel on its own
 * (within {@code 1e-5 * (1 + max|x|)}, sums being ordered differently), then whole training runs,
 * one on the GPU and one on the host over the same batches, whose weights must agree within
 * {@code 1e-3} relative and whose first step's loss and correct count must agree. Runs on the
 * consumer thread.
 */
final class TrainerChecks {
  private static final int N = 16;
  private static final int C = 3;
  private static final int H = 32;
  private static final int W = 40;
  private static final int CLASSES = 6;
  private static final int STEPS = 8;

  private TrainerChecks() {}

  /** Pool, then the training runs; run on a thread whose current context is the device's. */
  static Verdict all(PrintStream out) {
    CUstream stream = new CUstream();
    Cuda.check(cuStreamCreate(stream, CUstream_flags.CU_STREAM_NON_BLOCKING), "cuStreamCreate");
    try {
      String pool = pool(out, stream);
      String run = run(out, stream);
      if (pool != null || run != null) {
        return Verdict.fail(pool != null && run != null ? pool + "; " + run : pool != null ? pool : run);
      }
      return Verdict.pass("pool within tolerance; " + STEPS + " training steps on the GPU agree with the host");
    } finally {
      cuStreamDestroy(stream);
    }
  }

  private static float[] batch(int seed, int[] labels) {
    SplittableRandom random = new SplittableRandom(seed);
    float[] pixels = new float[N * C * H * W];
    for (int b = 0; b < N; b++) {
      labels[b] = random.nextInt(CLASSES);
      for (int ch = 0; ch < C; ch++) {
        float level = (labels[b] * 3 + ch) % 7 / 3f - 1f;
        for (int i = 0; i < H * W; i++) {
          pixels[(b * C + ch) * H * W + i] = level + (float) random.nextGaussian() * 0.5f;
        }
      }
    }
    return pixels;
  }

  private static String pool(PrintStream out, CUstream stream) {
    int grid = ReferenceTrainer.DEFAULT_GRID;
    int features = C * grid * grid;
    float[] pixels = batch(1, new int[N]);
    float[] expected = new float[N * features];
    TrainerMath.pool(MemorySegment.ofArray(pixels), expected, N, C, H, W, grid);
    CUdeviceptr in = KernelChecks.alloc((long) pixels.length * Float.BYTES);
    CUdeviceptr feat = KernelChecks.alloc((long) expected.length * Float.BYTES);
    try (CudaModule module = CudaModule.load("trainer.fatbin")) {
      CUfunction kernel = module.function("stoker_pool");
      Cuda.check(cuMemcpyHtoD(in, Pointer.to(pixels), (long) pixels.length * Float.BYTES), "cuMemcpyHtoD");
      CudaModule.launch(kernel, N * features, TrainerDevice.POOL_THREADS, stream, in, feat, N, C, H, W, grid);
      Cuda.check(cuStreamSynchronize(stream), "cuStreamSynchronize");
      float[] gpu = new float[expected.length];
      Cuda.check(cuMemcpyDtoH(Pointer.to(gpu), feat, (long) gpu.length * Float.BYTES), "cuMemcpyDtoH");
      double max = 0;
      for (float v : pixels) {
        max = Math.max(max, Math.abs(v));
      }
      double worst = 0;
      for (int i = 0; i < gpu.length; i++) {
        worst = Math.max(worst, Math.abs(gpu[i] - expected[i]));
      }
      out.printf("  pool: largest difference %.3g (tolerance %.3g)%n", worst, 1e-5 * (1 + max));
      return worst <= 1e-5 * (1 + max) ? null
          : String.format("pool: largest difference %.3g over the tolerance %.3g", worst, 1e-5 * (1 + max));
    } finally {
      KernelChecks.free(in, feat);
    }
  }

  private static String run(PrintStream out, CUstream stream) {
    int steps = STEPS;
    CUdeviceptr pixels = KernelChecks.alloc((long) N * C * H * W * Float.BYTES);
    CUdeviceptr labels = KernelChecks.alloc((long) N * Integer.BYTES);
    try (ReferenceTrainer gpu = new ReferenceTrainer(CLASSES, C, ReferenceTrainer.DEFAULT_LEARNING_RATE);
        ReferenceTrainer cpu = new ReferenceTrainer(CLASSES, C, ReferenceTrainer.DEFAULT_LEARNING_RATE)) {
      for (int s = 0; s < steps; s++) {
        int[] hostLabels = new int[N];
        float[] host = batch(100 + s, hostLabels);
        Cuda.check(cuStreamSynchronize(stream), "cuStreamSynchronize");
        Cuda.check(cuMemcpyHtoD(pixels, Pointer.to(host), (long) host.length * Float.BYTES), "cuMemcpyHtoD");
        Cuda.check(cuMemcpyHtoD(labels, Pointer.to(hostLabels), (long) N * Integer.BYTES), "cuMemcpyHtoD");
        gpu.train(new DeviceBatch(pixels, PixelType.FLOAT32, N, C, H, W, labels, hostLabels, null, null, 0, stream, 0,
            s));
        cpu.train(new HostBatch(MemorySegment.ofArray(host), PixelType.FLOAT32, N, C, H, W, hostLabels,
            MemorySegment.NULL, MemorySegment.NULL, 0, 0, s));
      }
      TrainingReport g = gpu.report();
      TrainingReport c = cpu.report();
      float[] wg = gpu.weights();
      float[] wc = cpu.weights();
      double worst = 0;
      double scale = 0;
      for (int i = 0; i < wc.length; i++) {
        worst = Math.max(worst, Math.abs(wg[i] - wc[i]));
        scale = Math.max(scale, Math.abs(wc[i]));
      }
      out.printf("  %d training steps: weights differ by at most %.3g (largest weight %.3g); loss %.4f -> %.4f on the "
              + "GPU, %.4f -> %.4f on the host; accuracy %.3f vs %.3f%n", steps, worst, scale, g.lossStart(),
          g.lossEnd(), c.lossStart(), c.lossEnd(), g.accuracy(), c.accuracy());
      if (g.steps() != steps || c.steps() != steps) {
        return "trainer run: " + g.steps() + " GPU and " + c.steps() + " host steps counted, not " + steps;
      }
      boolean close = worst <= 1e-3 * Math.max(1, scale) && Math.abs(g.lossStart() - c.lossStart()) < 1e-4
          && Math.abs(g.lossEnd() - c.lossEnd()) < 1e-2 * Math.max(1, c.lossEnd());
      return close ? null : "trainer run (GPU and host diverged)";
    } finally {
      Cuda.check(cuStreamSynchronize(stream), "cuStreamSynchronize");
      KernelChecks.free(pixels, labels);
    }
  }
}
