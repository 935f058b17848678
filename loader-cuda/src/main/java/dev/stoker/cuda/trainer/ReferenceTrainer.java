package dev.stoker.cuda.trainer;

import dev.stoker.api.internal.Checks;
import dev.stoker.cuda.DeviceBatch;
import dev.stoker.cuda.HostBatch;
import dev.stoker.cuda.HostStep;
import dev.stoker.cuda.PixelType;
import dev.stoker.cuda.TrainingStep;
import dev.stoker.cuda.internal.Cuda;

/**
 * Stoker's reference trainer: a small model that proves images and labels arrive intact and
 * aligned. Softmax (multinomial logistic) regression over each channel's means on a
 * {@code grid x grid} grid of cells of the normalized float32 NCHW batch, trained by plain SGD
 * from zero weights (so runs are deterministic up to summation order). On the GPU the three steps
 * (pool, softmax gradient, update) are Stoker's own kernels, enqueued on the batch's stream with
 * no host wait; on the host they are their Java twins. Each step's loss and accuracy are those of
 * the prediction before its update.
 *
 * <pre>{@code
 * try (ReferenceTrainer trainer = new ReferenceTrainer(classes, 3, ReferenceTrainer.DEFAULT_LEARNING_RATE)) {
 *   loader.run(3, feed.consumer(trainer, trainer));   // on the consumer thread
 *   TrainingReport report = trainer.report();         // same thread, after the run
 * }
 * }</pre>
 *
 * <p>Not thread-safe: call {@code train}, {@link #report()} and {@link #close()} on the one
 * consumer thread (on the GPU, the thread whose current context the buffers belong to). One
 * trainer runs on one path, the GPU or the host.
 */
public final class ReferenceTrainer implements TrainingStep, HostStep, AutoCloseable {
  /** Cells per side of the pooling grid by default: 48 features for RGB. */
  public static final int DEFAULT_GRID = 4;
  /** A learning rate that learns the demo's classes within 3 epochs of about 12 batches. */
  public static final float DEFAULT_LEARNING_RATE = 1.0f;
  /** The most classes the softmax kernel supports. */
  public static final int MAX_CLASSES = 1024;

  private final int classes;
  private final int channels;
  private final int grid;
  private final int features;
  private final float learningRate;
  private final float[] weights;
  private final float[] grad;
  private final float[] stats = new float[2];
  private final StepLog log = new StepLog();
  private final TrainerMath.PoolScratch poolScratch = new TrainerMath.PoolScratch();
  private float[] feat = new float[0];
  private TrainerDevice device;
  private boolean onHost;
  private boolean closed;

  /**
   * A trainer on the {@link #DEFAULT_GRID} grid.
   *
   * @param classes labels lie in {@code [0, classes)}, at most {@link #MAX_CLASSES}
   * @param channels channels per sample
   * @param learningRate the SGD step on the batch's mean gradient
   */
  public ReferenceTrainer(int classes, int channels, float learningRate) {
    this(classes, channels, DEFAULT_GRID, learningRate);
  }

  /**
   * A trainer with zero weights.
   *
   * @param classes labels lie in {@code [0, classes)}, at most {@link #MAX_CLASSES}
   * @param channels channels per sample
   * @param grid cells per side of the pooling grid; samples must be at least this high and wide
   * @param learningRate the SGD step on the batch's mean gradient
   * @throws IllegalArgumentException naming the parameter that is out of range
   */
  public ReferenceTrainer(int classes, int channels, int grid, float learningRate) {
    this.classes = Checks.positive(classes, "classes");
    Checks.argument(classes <= MAX_CLASSES, "classes", "must be at most " + MAX_CLASSES + ", got " + classes);
    this.channels = Checks.positive(channels, "channels");
    this.grid = Checks.positive(grid, "grid");
    Checks.argument(learningRate > 0 && Float.isFinite(learningRate), "learningRate",
        "must be positive and finite, got " + learningRate);
    this.learningRate = learningRate;
    long featureCount = (long) channels * grid * grid;
    long sharedFloats = TrainerDevice.MAX_SHARED_BYTES / Float.BYTES;
    Checks.argument(featureCount + 1 + classes <= sharedFloats, "grid", channels + " channels on a " + grid + "x"
        + grid + " grid give " + featureCount + " features; features + 1 + classes must be at most " + sharedFloats);
    this.features = (int) featureCount;
    this.weights = new float[classes * (features + 1)];
    this.grad = new float[weights.length];
  }

  /**
   * Takes one step on the host: pool, softmax gradient, SGD in Java.
   *
   * @throws IllegalArgumentException if the batch is not float32, has other channels than the
   *     trainer, is smaller than the grid, or has a label outside {@code [0, classes)}
   * @throws IllegalStateException if this trainer already ran on the GPU, or is closed
   */
  @Override
  public void train(HostBatch batch) {
    Checks.notNull(batch, "batch");
    checkBatch(batch.pixelType(), batch.size(), batch.channels(), batch.height(), batch.width(), batch.labels());
    checkOpen();
    if (device != null) {
      throw new IllegalStateException("this reference trainer already ran on the GPU; use one per path");
    }
    onHost = true;
    int n = batch.size();
    if (feat.length < n * features) {
      feat = new float[n * features];
    }
    TrainerMath.pool(batch.pixels(), feat, n, channels, batch.height(), batch.width(), grid, poolScratch);
    stats[0] = 0f;
    stats[1] = 0f;
    TrainerMath.softmaxGrad(feat, weights, batch.labels(), n, features, classes, grad, stats);
    TrainerMath.sgd(weights, grad, learningRate / n);
    int step = log.add(batch.epoch(), n, batch.labels(), classes);
    log.stats(step, stats[0], stats[1]);
  }

  /**
   * Enqueues one step on {@code batch.stream()}: pool, softmax gradient and SGD kernels. The first
   * call loads the kernels and allocates the device buffers; no call waits for the GPU, except when
   * the stream changes, a batch is larger than any before, or {@link TrainerDevice#STATS_STEPS}
   * steps' stats must be fetched to make room.
   *
   * @throws IllegalArgumentException if the batch is not float32, has other channels than the
   *     trainer, is smaller than the grid, or has a label outside {@code [0, classes)} (checked on
   *     {@link DeviceBatch#hostLabels()} before any CUDA call)
   * @throws IllegalStateException if this trainer already ran on the host, or is closed
   */
  @Override
  public void train(DeviceBatch batch) {
    Checks.notNull(batch, "batch");
    checkBatch(batch.pixelType(), batch.size(), batch.channels(), batch.height(), batch.width(), batch.hostLabels());
    Checks.notNull(batch.pixels(), "batch.pixels");
    Checks.notNull(batch.labels(), "batch.labels");
    checkOpen();
    if (onHost) {
      throw new IllegalStateException("this reference trainer already ran on the host; use one per path");
    }
    if (device == null) {
      device = new TrainerDevice(classes, features, grid);
    }
    if (device.statsFull()) {
      collectDeviceStats();
    }
    int n = batch.size();
    device.step(batch, learningRate / n);
    log.add(batch.epoch(), n, batch.hostLabels(), classes);
  }

  /**
   * The run so far; on the GPU this waits for the stream and copies the per-step stats back.
   * Call on the consumer thread, after the run.
   *
   * @return the report, never null
   */
  public TrainingReport report() {
    if (device != null) {
      collectDeviceStats();
    }
    return log.report();
  }

  /**
   * A copy of the weights, {@code [classes][features + 1]}, the last column the bias (for checks).
   *
   * @return a new array of {@code classes * (features + 1)} floats
   */
  public float[] weights() {
    return device != null ? device.weights() : weights.clone();
  }

  /** The number of pooled features: {@code channels * grid * grid}. */
  int features() {
    return features;
  }

  /**
   * Frees the device buffers and unloads the kernels, after waiting for the stream and fetching the
   * stats still on the device (so {@link #report()} works after it too); nothing to do on the host
   * path. Call on the consumer thread, with the device context still current, after the last step;
   * idempotent. After a {@link #report()} with no step since, it does not touch the batches'
   * stream, which may then already be destroyed.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (device != null) {
      try {
        collectDeviceStats();
      } catch (RuntimeException e) {
        // The first error (a sticky one, say) is the one to see; the cleanup's echo of it rides along.
        new Cuda.Errors(e).run(device::close);
        throw e;
      }
      device.close();
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("this reference trainer is closed");
    }
  }

  private void collectDeviceStats() {
    float[] pending = device.drain();
    int first = log.steps() - pending.length / 2;
    for (int i = 0; i < pending.length / 2; i++) {
      log.stats(first + i, pending[2 * i], pending[2 * i + 1]);
    }
  }

  private void checkBatch(PixelType type, int size, int batchChannels, int height, int width, int[] labels) {
    Checks.argument(type == PixelType.FLOAT32, "batch.pixelType",
        "the reference trainer needs FLOAT32 pixels, got " + type + "; open the feed with a FLOAT32 transform");
    Checks.positive(size, "batch.size");
    Checks.argument(batchChannels == channels, "batch.channels",
        "the trainer was made for " + channels + " channels, got " + batchChannels);
    Checks.argument(height >= grid && width >= grid, "batch",
        height + "x" + width + " pixels is smaller than the " + grid + "x" + grid + " pooling grid");
    Checks.notNull(labels, "batch.labels");
    Checks.argument(labels.length >= size, "batch.labels", "holds " + labels.length + " labels for " + size
        + " samples");
    TrainerMath.checkLabels(labels, size, classes);
  }
}
