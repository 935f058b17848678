package dev.stoker.cuda.trainer;

import static jcuda.driver.JCudaDriver.cuMemcpyDtoH;
import static jcuda.driver.JCudaDriver.cuMemsetD32Async;
import static jcuda.driver.JCudaDriver.cuStreamSynchronize;

import dev.stoker.cuda.DeviceBatch;
import dev.stoker.cuda.internal.Cuda;
import dev.stoker.cuda.internal.CudaModule;
import dev.stoker.cuda.internal.KernelPreflight;
import java.util.Objects;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUfunction;
import jcuda.driver.CUstream;

/**
 * The reference trainer's GPU state: the {@code trainer.fatbin} kernels, the weights, gradient and
 * feature buffers, and a buffer of per-step stats (loss sum, correct count) that the steps fill
 * without any host wait and {@link #drain} copies back. Everything runs on the consumer thread,
 * whose current context owns the memory; work is enqueued on the batches' stream. Public only for
 * {@link #POOL_THREADS}, which the GPU checks launch the pool kernel with.
 *
 * <pre>{@code
 * CudaModule.launch(pool, blocks, TrainerDevice.POOL_THREADS, stream, in, feat, n, c, h, w, grid);
 * }</pre>
 */
public final class TrainerDevice implements AutoCloseable {
  /** Steps whose stats the device buffer holds before a {@link #drain} is needed. */
  static final int STATS_STEPS = 1 << 16;
  /** {@code STOKER_POOL_THREADS} in {@code trainer.cu}: the pool kernel's tree needs exactly this. */
  public static final int POOL_THREADS = 256;
  static final int THREADS = 256;
  /**
   * Dynamic shared memory {@code stoker_softmax_grad} may use: the 48 KiB a block gets without
   * opting in, less room for the kernel's own static shared variables.
   */
  static final int MAX_SHARED_BYTES = 48 * 1024 - 256;

  private final int classes;
  private final int features;
  private final int grid;
  private final int weightCount;
  private CudaModule module;
  private CUfunction pool;
  private CUfunction softmaxGrad;
  private CUfunction sgd;
  private CUdeviceptr weights;
  private CUdeviceptr grad;
  private CUdeviceptr stats;
  private CUdeviceptr feat;
  private int featSamples;
  private int pending;
  private int dirtyStats;
  private boolean unsynced;
  private CUstream stream;

  /** State for {@code classes} classes over {@code features} pooled features on a {@code grid x grid} grid. */
  TrainerDevice(int classes, int features, int grid) {
    this.classes = classes;
    this.features = features;
    this.grid = grid;
    this.weightCount = classes * (features + 1);
  }

  /** The shared memory {@code stoker_softmax_grad} needs: {@code f + 1} inputs and {@code k} coefficients. */
  static int softmaxSharedBytes(int classes, int features) {
    return (features + 1 + classes) * Float.BYTES;
  }

  /** Whether the stats buffer is full, so the caller must {@link #drain} before the next step. */
  boolean statsFull() {
    return pending == STATS_STEPS;
  }

  /**
   * Enqueues pool, softmax gradient and SGD for {@code batch} (float32, already checked) on its
   * stream, the stats going to the next free pair of the stats buffer. Waits on the host only when
   * it must: on a stream change, and before freeing a feature buffer too small for the batch.
   */
  void step(DeviceBatch batch, float step) {
    if (module == null) {
      open(batch.stream());
    }
    follow(batch.stream());
    int n = batch.size();
    ensureFeatures(n);
    unsynced = true;
    if (dirtyStats > 0) {
      zero(stats, dirtyStats, "stats");
      dirtyStats = 0;
    }
    CudaModule.launch(pool, CudaModule.blocksFor((long) n * features, 1), POOL_THREADS, stream,
        batch.pixels(), feat, n, batch.channels(), batch.height(), batch.width(), grid);
    CUdeviceptr stepStats = stats.withByteOffset(2L * Float.BYTES * pending);
    CudaModule.launch(softmaxGrad, n, 1, THREADS, softmaxSharedBytes(classes, features), stream,
        feat, weights, batch.labels(), n, features, classes, grad, stepStats);
    CudaModule.launch(sgd, CudaModule.blocksFor(weightCount, THREADS), THREADS, stream,
        weights, grad, weightCount, step);
    pending++;
  }

  /**
   * Waits for the stream and copies back the stats of the steps enqueued since the last drain (two
   * floats per step: loss sum, correct count); the next {@link #step} clears them on the device
   * before it uses them, so a drain enqueues nothing and a later {@link #close} need not touch the
   * stream again. Without pending steps it calls nothing.
   */
  float[] drain() {
    if (pending == 0) {
      return new float[0];
    }
    float[] host = new float[2 * pending];
    sync("stats");
    Cuda.check(() -> cuMemcpyDtoH(Pointer.to(host), stats, (long) host.length * Float.BYTES),
        "cuMemcpyDtoH (reference trainer stats)");
    dirtyStats = host.length;
    pending = 0;
    return host;
  }

  /** Waits for the stream and copies the weights back, {@code [classes][features + 1]}. */
  float[] weights() {
    float[] host = new float[weightCount];
    if (module != null) {
      sync("weights");
      Cuda.check(() -> cuMemcpyDtoH(Pointer.to(host), weights, (long) weightCount * Float.BYTES),
          "cuMemcpyDtoH (reference trainer weights)");
    }
    return host;
  }

  private void open(CUstream first) {
    stream = first;
    module = CudaModule.load(KernelPreflight.TRAINER_RESOURCE);
    try {
      pool = module.function(KernelPreflight.TRAINER_KERNELS.get(0));
      softmaxGrad = module.function(KernelPreflight.TRAINER_KERNELS.get(1));
      sgd = module.function(KernelPreflight.TRAINER_KERNELS.get(2));
      weights = allocate(weightCount, "weights");
      grad = allocate(weightCount, "gradient");
      stats = allocate(2 * STATS_STEPS, "stats");
      unsynced = true;
      zero(weights, weightCount, "weights");
      zero(grad, weightCount, "gradient");
      zero(stats, 2 * STATS_STEPS, "stats");
    } catch (RuntimeException e) {
      new Cuda.Errors(e).run(this::close);
      throw e;
    }
  }

  /** Enqueues the zeroing of {@code count} floats on the stream. */
  private void zero(CUdeviceptr ptr, int count, String what) {
    CUstream on = stream;
    Cuda.check(() -> cuMemsetD32Async(ptr, 0, count, on), "cuMemsetD32Async (reference trainer " + what + ")");
  }

  private static CUdeviceptr allocate(long floats, String what) {
    return Cuda.alloc(floats * Float.BYTES, "reference trainer " + what);
  }

  /** Waits for everything enqueued on the stream, if anything was enqueued since the last wait. */
  private void sync(String why) {
    if (unsynced) {
      CUstream on = stream;
      Cuda.check(() -> cuStreamSynchronize(on), "cuStreamSynchronize (reference trainer " + why + ")");
      unsynced = false;
    }
  }

  /** Orders work on a new stream after everything enqueued on the previous one. */
  private void follow(CUstream next) {
    if (!Objects.equals(next, stream)) {
      sync("stream change");
      stream = next;
    }
  }

  private void ensureFeatures(int samples) {
    if (samples <= featSamples) {
      return;
    }
    if (feat != null) {
      sync("feature resize");
      CUdeviceptr old = feat;
      feat = null;
      featSamples = 0;
      Cuda.check(Cuda.free(old), "cuMemFree (reference trainer features)");
    }
    feat = allocate((long) samples * features, "features");
    featSamples = samples;
  }

  /**
   * Waits for the stream (only if work was enqueued since the last wait, so after a final
   * {@link #drain} the stream may already be gone), then frees every buffer and unloads the
   * module; idempotent. Every step is tried; the first failure is thrown, the later ones suppressed.
   */
  @Override
  public void close() {
    if (module == null) {
      return;
    }
    Cuda.Errors errors = new Cuda.Errors();
    if (unsynced) {
      CUstream on = stream;
      errors.check(Cuda.rc(() -> cuStreamSynchronize(on)), "cuStreamSynchronize (closing the reference trainer)");
    }
    unsynced = false;
    for (CUdeviceptr ptr : new CUdeviceptr[] {weights, grad, stats, feat}) {
      errors.check(Cuda.free(ptr), "cuMemFree (closing the reference trainer)");
    }
    weights = grad = stats = feat = null;
    featSamples = 0;
    pending = 0;
    CudaModule loaded = module;
    module = null;
    errors.run(loaded::close);
    errors.throwIfAny();
  }
}
