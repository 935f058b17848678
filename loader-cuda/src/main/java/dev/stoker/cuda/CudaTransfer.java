package dev.stoker.cuda;

import static jcuda.driver.JCudaDriver.cuEventCreate;
import static jcuda.driver.JCudaDriver.cuEventDestroy;
import static jcuda.driver.JCudaDriver.cuEventQuery;
import static jcuda.driver.JCudaDriver.cuEventRecord;
import static jcuda.driver.JCudaDriver.cuEventSynchronize;
import static jcuda.driver.JCudaDriver.cuMemFreeHost;
import static jcuda.driver.JCudaDriver.cuMemHostAlloc;
import static jcuda.driver.JCudaDriver.cuMemcpyHtoD;
import static jcuda.driver.JCudaDriver.cuMemcpyHtoDAsync;
import static jcuda.driver.JCudaDriver.cuStreamCreate;
import static jcuda.driver.JCudaDriver.cuStreamDestroy;
import static jcuda.driver.JCudaDriver.cuStreamSynchronize;
import static jcuda.driver.JCudaDriver.cuStreamWaitEvent;

import dev.stoker.api.Batch;
import dev.stoker.api.BatchLayout;
import dev.stoker.cuda.internal.Cuda;
import dev.stoker.cuda.internal.NormalizeKernels;
import dev.stoker.cuda.internal.Timeline;
import dev.stoker.ring.DisruptorBatchRing;
import dev.stoker.ring.ReleaseFence;
import java.nio.ByteOrder;
import java.nio.IntBuffer;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUevent;
import jcuda.driver.CUevent_flags;
import jcuda.driver.CUstream;
import jcuda.driver.CUstream_flags;

/**
 * Moves ring slots to the GPU and runs the training step on them, without host-side waits for
 * ordering. Per batch {@code n}, with {@code d = n % 2} naming one of two device buffers:
 *
 * <pre>
 *  copy stream:    wait computeDone[d] ─► H2D slot → dIn[d], meta → dMeta[d] ─► record copyDone[slot]
 *  compute stream: wait copyDone[slot] ─► normalize dIn[d] → dOut[d] (+ flip) ─► step ─► record computeDone[d]
 *  host:           slot released when copyDone[slot] has fired (polled, never waited on)
 * </pre>
 *
 * The copy of batch {@code n+1} thus overlaps the step on batch {@code n}. The host runs at most
 * two batches ahead of the GPU: before it reuses buffer {@code d} it waits for batch {@code n-2}'s
 * step to finish, which only happens when the GPU is the bottleneck (that wait is counted as
 * {@link #deviceWaitNanos()}, not as waiting for data). All methods run on the consumer thread.
 *
 * <p>Every driver call goes through {@link Cuda#rc}/{@link Cuda#check}, so the transfer works with
 * JCuda's exceptions on or off; a failure in a cleanup never replaces the error that started it.
 */
final class CudaTransfer implements AutoCloseable {
  /**
   * Which ordering guarantees a transfer keeps: {@link #COMPLETE} always, outside tests. The other
   * values are broken builds for the stand-in's negative controls, which must fail there.
   */
  enum Ordering {
    /** Every guarantee. */
    COMPLETE,
    /** The compute stream does not wait for the copy (no {@code cuStreamWaitEvent(compute, copyDone)}). */
    NO_CROSS_STREAM_WAIT,
    /** A slot goes back to the producers as soon as its copy is enqueued, not when it has finished. */
    NO_RELEASE_FENCE
  }

  private static final int BUFFERS = 2;
  private final Ordering ordering;
  private final BatchLayout layout;
  private final DeviceTransform transform;
  private final PinnedSlotMemory slots;
  private final NormalizeKernels kernels;
  private final CUstream copy = new CUstream();
  private final CUstream compute = new CUstream();
  private final CUevent[] copyDone;
  private final CUevent[] computeDone = new CUevent[BUFFERS];
  private final CUdeviceptr[] input = new CUdeviceptr[BUFFERS];
  private final CUdeviceptr[] meta = new CUdeviceptr[BUFFERS];
  private final CUdeviceptr[] output = new CUdeviceptr[BUFFERS];
  private CUdeviceptr scaleBias;
  private boolean copyCreated;
  private boolean computeCreated;
  private final Pointer[] hostMeta;
  private final IntBuffer[] hostMetaView;
  private final long slotBytes;
  private final long metaBytes;
  private final Timeline timeline;
  private long batches;
  private long bytesCopied;
  private long deviceWaitNanos;

  CudaTransfer(BatchLayout layout, int slotCount, DeviceTransform transform, PinnedSlotMemory slots, Timeline timeline) {
    this(layout, slotCount, transform, slots, timeline, Ordering.COMPLETE);
  }

  CudaTransfer(BatchLayout layout, int slotCount, DeviceTransform transform, PinnedSlotMemory slots, Timeline timeline,
      Ordering ordering) {
    this.ordering = ordering;
    this.layout = layout;
    this.transform = transform;
    this.slots = slots;
    this.timeline = timeline;
    this.slotBytes = DisruptorBatchRing.slotBytes(layout);
    this.metaBytes = 2L * layout.batchSize() * Integer.BYTES;
    this.copyDone = new CUevent[slotCount];
    this.hostMeta = new Pointer[slotCount];
    this.hostMetaView = new IntBuffer[slotCount];
    this.kernels = NormalizeKernels.load();
    try {
      Cuda.check(() -> cuStreamCreate(copy, CUstream_flags.CU_STREAM_NON_BLOCKING), "cuStreamCreate(copy)");
      copyCreated = true;
      Cuda.check(() -> cuStreamCreate(compute, CUstream_flags.CU_STREAM_NON_BLOCKING), "cuStreamCreate(compute)");
      computeCreated = true;
      for (int s = 0; s < slotCount; s++) {
        copyDone[s] = event();
        Pointer host = new Pointer();
        Cuda.check(() -> cuMemHostAlloc(host, metaBytes, 0), "cuMemHostAlloc(meta)");
        hostMeta[s] = host;
        hostMetaView[s] = host.getByteBuffer(0, metaBytes).order(ByteOrder.nativeOrder()).asIntBuffer();
      }
      long outputBytes = (long) layout.batchSize() * layout.channels() * layout.height() * layout.width()
          * transform.output().bytes();
      for (int d = 0; d < BUFFERS; d++) {
        computeDone[d] = event();
        input[d] = Cuda.alloc(slotBytes, "batch input");
        meta[d] = Cuda.alloc(metaBytes, "labels and flips");
        output[d] = Cuda.alloc(outputBytes, "normalized batch");
      }
      float[] params = new float[2 * transform.channels()];
      System.arraycopy(transform.scale(), 0, params, 0, transform.channels());
      System.arraycopy(transform.bias(), 0, params, transform.channels(), transform.channels());
      scaleBias = Cuda.alloc((long) params.length * Float.BYTES, "scale and bias");
      Cuda.check(() -> cuMemcpyHtoD(scaleBias, Pointer.to(params), (long) params.length * Float.BYTES),
          "cuMemcpyHtoD(scale and bias)");
    } catch (RuntimeException e) {
      release(new Cuda.Errors(e));
      throw e;
    }
  }

  private static CUevent event() {
    CUevent e = new CUevent();
    Cuda.check(() -> cuEventCreate(e, CUevent_flags.CU_EVENT_DISABLE_TIMING), "cuEventCreate");
    return e;
  }

  /**
   * Copies {@code batch}, normalizes it on the GPU and hands it to {@code step}. As soon as the copy
   * is enqueued (before the step runs, so a step that throws cannot lose it), {@code release}
   * receives the fence that frees the batch's slot once the copy has finished.
   */
  void submit(Batch batch, int slot, TrainingStep step, java.util.function.Consumer<ReleaseFence> release)
      throws Exception {
    int d = (int) (batches & 1);
    if (batches >= BUFFERS) {
      long start = System.nanoTime();
      CUevent bufferFree = computeDone[d];
      Cuda.check(() -> cuEventSynchronize(bufferFree), "cuEventSynchronize(computeDone)");
      deviceWaitNanos += System.nanoTime() - start;
    }
    int size = batch.size();
    int batchSize = layout.batchSize();
    IntBuffer view = hostMetaView[slot];
    int[] labels = new int[size];
    for (int p = 0; p < batchSize; p++) {
      int label = p < size ? batch.label(p) : -1;
      boolean flip = p < size && transform.flips(batch.epoch(), batch.sampleIndex(p));
      view.put(p, label);
      view.put(batchSize + p, flip ? 1 : 0);
      if (p < size) {
        labels[p] = label;
      }
    }
    long bytes = layout.hasBoxes() || layout.hasSoftTargets() ? slotBytes : size * layout.sampleBytes();
    CUdeviceptr in = input[d];
    CUdeviceptr labelsAndFlips = meta[d];
    CUevent copied = copyDone[slot];
    Pointer source = slots.pointer(slot);
    Pointer metaSource = hostMeta[slot];
    Cuda.check(() -> cuStreamWaitEvent(copy, computeDone[d], 0), "cuStreamWaitEvent(copy)");
    timeline.copyStarts(batches, copy);
    Cuda.check(() -> cuMemcpyHtoDAsync(in, source, bytes, copy), "cuMemcpyHtoDAsync(slot)");
    Cuda.check(() -> cuMemcpyHtoDAsync(labelsAndFlips, metaSource, metaBytes, copy), "cuMemcpyHtoDAsync(meta)");
    Cuda.check(() -> cuEventRecord(copied, copy), "cuEventRecord(copyDone)");
    release.accept(ordering == Ordering.NO_RELEASE_FENCE ? ReleaseFence.DONE : fence(copied));
    timeline.copyEnds(batches, copy);
    if (ordering != Ordering.NO_CROSS_STREAM_WAIT) {
      Cuda.check(() -> cuStreamWaitEvent(compute, copied, 0), "cuStreamWaitEvent(compute)");
    }
    timeline.computeStarts(batches, compute);
    CUdeviceptr flips = transform.randomFlip() ? offset(meta[d], (long) batchSize * Integer.BYTES) : null;
    kernels.normalize(input[d], output[d], transform.output(), flips, scaleBias, size, layout.height(),
        layout.width(), layout.channels(), compute);
    CUdeviceptr boxes = null;
    CUdeviceptr boxLabels = null;
    if (layout.hasBoxes()) {
      boxes = offset(input[d], DisruptorBatchRing.boxesOffset(layout));
      boxLabels = offset(input[d], DisruptorBatchRing.boxLabelsOffset(layout));
      if (flips != null) {
        kernels.flipBoxes(boxes, boxLabels, flips, size, layout.maxBoxes(), layout.width(), compute);
      }
    }
    CUdeviceptr softTargets = layout.hasSoftTargets()
        ? offset(input[d], DisruptorBatchRing.softTargetsOffset(layout)) : null;
    Throwable failed = null;
    try {
      step.train(new DeviceBatch(output[d], transform.output(), size, layout.channels(), layout.height(),
          layout.width(), meta[d], labels, boxes, boxLabels, layout.maxBoxes(), compute, batch.epoch(),
          batch.indexInEpoch(), softTargets, layout.softTargetClasses()));
    } catch (Throwable e) {
      failed = e;
      throw e;
    } finally {
      // With a failed step (a sticky error, say) these calls fail too: they then ride along as suppressed.
      Cuda.Errors errors = new Cuda.Errors(failed);
      errors.run(() -> timeline.computeEnds(batches, compute));
      CUevent stepDone = computeDone[d];
      errors.check(Cuda.rc(() -> cuEventRecord(stepDone, compute)), "cuEventRecord(computeDone)");
      batches++;
      bytesCopied += bytes + metaBytes;
      errors.throwIfAny();
    }
  }

  private static ReleaseFence fence(CUevent event) {
    return new ReleaseFence() {
      @Override
      public boolean isDone() {
        int rc = Cuda.rc(() -> cuEventQuery(event));
        if (rc == Cuda.NOT_READY) {
          return false;
        }
        Cuda.check(rc, "cuEventQuery(copyDone)");
        return true;
      }

      @Override
      public void await() {
        Cuda.check(() -> cuEventSynchronize(event), "cuEventSynchronize(copyDone)");
      }
    };
  }

  private static CUdeviceptr offset(CUdeviceptr base, long bytes) {
    return base.withByteOffset(bytes);
  }

  /** Waits until the GPU has finished every batch submitted so far. */
  void finish() {
    Cuda.check(() -> cuStreamSynchronize(copy), "cuStreamSynchronize(copy)");
    Cuda.check(() -> cuStreamSynchronize(compute), "cuStreamSynchronize(compute)");
  }

  long batches() {
    return batches;
  }

  long bytesCopied() {
    return bytesCopied;
  }

  long deviceWaitNanos() {
    return deviceWaitNanos;
  }

  CUstream computeStream() {
    return compute;
  }

  /**
   * Waits for both streams, then frees everything; every step is tried, and the first failure is
   * thrown with the later ones suppressed.
   */
  @Override
  public void close() {
    Cuda.Errors errors = new Cuda.Errors();
    release(errors);
    errors.throwIfAny();
  }

  /** Waits for the streams and frees what was made, recording failures in {@code errors}. */
  private void release(Cuda.Errors errors) {
    if (copyCreated) {
      errors.check(Cuda.rc(() -> cuStreamSynchronize(copy)), "cuStreamSynchronize(copy)");
    }
    if (computeCreated) {
      errors.check(Cuda.rc(() -> cuStreamSynchronize(compute)), "cuStreamSynchronize(compute)");
    }
    for (int d = 0; d < BUFFERS; d++) {
      errors.check(Cuda.free(input[d]), "cuMemFree(batch input)");
      errors.check(Cuda.free(meta[d]), "cuMemFree(labels and flips)");
      errors.check(Cuda.free(output[d]), "cuMemFree(normalized batch)");
      input[d] = meta[d] = output[d] = null;
      destroy(computeDone[d], errors);
      computeDone[d] = null;
    }
    errors.check(Cuda.free(scaleBias), "cuMemFree(scale and bias)");
    scaleBias = null;
    for (int s = 0; s < copyDone.length; s++) {
      destroy(copyDone[s], errors);
      copyDone[s] = null;
      Pointer host = hostMeta[s];
      if (host != null) {
        errors.check(Cuda.rc(() -> cuMemFreeHost(host)), "cuMemFreeHost(meta)");
        hostMeta[s] = null;
      }
    }
    if (copyCreated) {
      errors.check(Cuda.rc(() -> cuStreamDestroy(copy)), "cuStreamDestroy(copy)");
      copyCreated = false;
    }
    if (computeCreated) {
      errors.check(Cuda.rc(() -> cuStreamDestroy(compute)), "cuStreamDestroy(compute)");
      computeCreated = false;
    }
    errors.run(kernels::close);
    errors.run(timeline::close);
  }

  private static void destroy(CUevent e, Cuda.Errors errors) {
    if (e != null) {
      errors.check(Cuda.rc(() -> cuEventDestroy(e)), "cuEventDestroy");
    }
  }
}
