package dev.stoker.cuda;

import dev.stoker.api.BatchConsumer;
import dev.stoker.api.BatchLayout;
import dev.stoker.api.BatchRing;
import dev.stoker.api.ElementType;
import dev.stoker.api.LoaderException;
import dev.stoker.api.internal.Checks;
import dev.stoker.cuda.internal.Timeline;
import dev.stoker.ring.DisruptorBatchRing;
import dev.stoker.ring.SlotMemory;
import java.util.concurrent.Callable;

/**
 * Feeds a training step from a batch ring: on a GPU, each batch lands in a pinned ring slot, is
 * copied to the device on a copy stream while the previous batch's step computes on another,
 * normalized by a kernel (uint8 HWC to float CHW, optional flip) and handed to a
 * {@link TrainingStep} as a {@link DeviceBatch}; the slot goes back to the producers only when its
 * copy has finished. Without a usable GPU ({@link CudaStatus#probe()} says why, once) the slots are
 * plain off-heap memory and the same normalization runs on the host before a {@link HostStep}.
 *
 * <p>A feed uses one device: {@link #open(DeviceTransform)} the one the environment variable
 * {@code LOCAL_RANK} names (as torchrun sets it for each process), else device 0;
 * {@link #open(DeviceTransform, int)} any device by its ordinal. Feeds on different devices in one
 * process are independent. Every CUDA call happens on the feed's own platform thread, whose
 * current context is its device's primary context; run the loader there with {@link #call}, so
 * that the ring's consumer and the step run on it too. Close the loader (which stops its producers
 * and frees the ring) before the feed; a feed closed under a running loader fails the ring's run,
 * and a producer still writing into a freed slot gets an {@link IllegalStateException}.
 *
 * <pre>{@code
 * try (DeviceFeed feed = DeviceFeed.open(DeviceTransform.imagenet(PixelType.FLOAT32));
 *      Loader loader = Loader.builder().source(source).ring(feed.rings(), 4).build()) {
 *   RunSummary summary = feed.call(() -> loader.run(10, feed.consumer(gpuStep, cpuStep)));
 * }
 * }</pre>
 */
public final class DeviceFeed implements AutoCloseable {
  private static final String CLOSED_DURING_THE_RUN = "the device feed was closed during the run";
  private final DeviceTransform transform;
  private final CudaStatus cuda;
  private final ConsumerThread thread;
  private final int timelineBatches;
  private volatile Active active;
  private boolean closed;

  /** The ring the feed currently serves, with its transfer. */
  private record Active(DisruptorBatchRing ring, CudaTransfer device, HostTransfer host, Timeline timeline) {}

  /** The transfer's ordering guarantees: all of them, except in the stand-in's negative controls. */
  private CudaTransfer.Ordering ordering = CudaTransfer.Ordering.COMPLETE;

  DeviceFeed(DeviceTransform transform, CudaStatus cuda, int timelineBatches) {
    this.transform = Checks.notNull(transform, "transform");
    this.cuda = cuda;
    this.timelineBatches = timelineBatches;
    this.thread = ConsumerThread.start(cuda.usable() ? cuda.ordinal() : ConsumerThread.HOST);
  }

  /**
   * A feed on this process's GPU if CUDA is usable there, else on the host. The GPU is the one the
   * environment variable {@code LOCAL_RANK} names, or device 0 when it is not set.
   *
   * @param transform the normalization to apply, not null
   * @return a new feed, which the caller closes
   * @throws IllegalStateException naming {@code LOCAL_RANK} if it is not a device ordinal, or names a
   *     device the driver does not have
   */
  public static DeviceFeed open(DeviceTransform transform) {
    Checks.notNull(transform, "transform");
    return new DeviceFeed(transform, defaultDevice(), 0);
  }

  /** The probe of the device {@code LOCAL_RANK} names (device 0 without it), refusing one the driver lacks. */
  private static CudaStatus defaultDevice() {
    return deviceOfLocalRank(System.getenv(CudaStatus.LOCAL_RANK));
  }

  /** {@link #defaultDevice()} for the value {@code localRank} of {@code LOCAL_RANK} ({@code null}: not set). */
  static CudaStatus deviceOfLocalRank(String localRank) {
    int device = CudaStatus.localRank(localRank);
    CudaStatus cuda = CudaStatus.probe(device);
    if (cuda.missingDevice()) {
      throw new IllegalStateException(CudaStatus.LOCAL_RANK + "=" + device + " names " + cuda.reason()
          + "; start one process per GPU, or unset " + CudaStatus.LOCAL_RANK);
    }
    return cuda;
  }

  /**
   * A feed on GPU {@code device} if CUDA is usable there, else on the host (when there is no
   * driver or the device cannot run Stoker's kernels; {@link #cuda()} says why).
   *
   * @param transform the normalization to apply, not null
   * @return a new feed, which the caller closes
   * @param device the device's ordinal, as {@code cuDeviceGet} counts them
   * @throws IllegalArgumentException naming {@code device} if it is negative, or the driver has
   *     devices but not this one
   */
  public static DeviceFeed open(DeviceTransform transform, int device) {
    Checks.notNull(transform, "transform");
    CudaStatus cuda = CudaStatus.probe(device);
    Checks.argument(!cuda.missingDevice(), "device", cuda.reason());
    return new DeviceFeed(transform, cuda, 0);
  }

  /**
   * A feed on the host whether or not a GPU is usable.
   *
   * @param transform the normalization to apply, not null
   * @return a new host feed, which the caller closes
   */
  public static DeviceFeed openOnHost(DeviceTransform transform) {
    return new DeviceFeed(transform, CudaStatus.unusable("the host backend was asked for"), 0);
  }

  /**
   * A feed that records a timing timeline of its first {@code batches} batches on the GPU. For the
   * GPU checks (module gpu-checks), like {@link #timeline()} and {@link #computeStream()}.
   *
   * @param transform the normalization to apply, not null
   * @param batches how many batches to record
   * @return a new feed, which the caller closes
   */
  public static DeviceFeed openRecording(DeviceTransform transform, int batches) {
    Checks.notNull(transform, "transform");
    return new DeviceFeed(transform, defaultDevice(), batches);
  }

  /**
   * The ordinal of the feed's GPU, or -1 on the host.
   *
   * @return the device ordinal, or -1
   */
  public int device() {
    return thread.ordinal();
  }

  /** For the stand-in's negative controls only: the next ring's transfer keeps only {@code ordering}. */
  synchronized DeviceFeed withOrdering(CudaTransfer.Ordering ordering) {
    this.ordering = Checks.notNull(ordering, "ordering");
    return this;
  }

  /**
   * {@code "cuda"} when batches go to the GPU, {@code "host"} otherwise.
   *
   * @return {@code "cuda"} or {@code "host"}
   */
  public String backend() {
    return cuda.usable() ? "cuda" : "host";
  }

  /**
   * What the CUDA probe found (why the feed is on the host, if it is).
   *
   * @return the probe's result, never null
   */
  public CudaStatus cuda() {
    return cuda;
  }

  /**
   * The normalization the feed applies.
   *
   * @return the transform given when the feed was opened
   */
  public DeviceTransform transform() {
    return transform;
  }

  /**
   * Ring factories for the loader: pinned slots on the GPU backend, direct memory on the host. A
   * feed serves one ring at a time; the ring's layout must be uint8 with the transform's channel count.
   *
   * @return a factory of rings this feed can consume
   */
  public BatchRing.Factory rings() {
    return this::createRing;
  }

  private synchronized BatchRing createRing(BatchLayout layout, int slots) {
    Checks.notNull(layout, "layout");
    if (closed) {
      throw new IllegalStateException("the feed is closed");
    }
    if (active != null) {
      throw new IllegalStateException("this feed already serves a ring; close its loader first");
    }
    Checks.argument(layout.elementType() == ElementType.UINT8, "layout",
        "the feed normalizes on the " + backend() + " and needs uint8 batches, got " + layout.elementType()
            + "; leave normalization out of the loader's transforms");
    Checks.argument(layout.channels() == transform.channels(), "layout",
        layout.channels() + " channels, but the transform has " + transform.channels());
    if (!cuda.usable()) {
      DisruptorBatchRing ring =
          new DisruptorBatchRing(layout, slots, SlotMemory.direct().beforeClose(this::ringClosed));
      active = new Active(ring, null, new HostTransfer(layout, transform), Timeline.NONE);
      return ring;
    }
    PinnedSlotMemory pinned = new PinnedSlotMemory(thread);
    SlotMemory memory = pinned.beforeClose(this::ringClosed); // ends the device transfer first
    DisruptorBatchRing ring;
    try {
      ring = new DisruptorBatchRing(layout, slots, memory);
    } catch (RuntimeException e) {
      pinned.close();
      throw e;
    }
    try {
      Timeline timeline = timelineBatches > 0 ? thread.call(() -> Timeline.recording(timelineBatches)) : Timeline.NONE;
      CudaTransfer.Ordering keep = ordering;
      CudaTransfer device = thread.call(() -> new CudaTransfer(layout, slots, transform, pinned, timeline, keep));
      active = new Active(ring, device, null, timeline);
    } catch (RuntimeException e) {
      ring.close();
      throw e;
    }
    return ring;
  }

  /** Ends the current transfer (on the consumer thread for the device) when the ring closes its slot memory. */
  private void ringClosed() {
    Active current;
    synchronized (this) {
      current = active;
      active = null;
    }
    if (current == null) {
      return;
    }
    if (current.device() != null) {
      thread.call(() -> {
        current.device().close();
        return null;
      });
    }
    if (current.host() != null) {
      current.host().close();
    }
  }

  /**
   * The ring consumer that moves each batch to the GPU (or normalizes it on the host) and runs the
   * matching step. Use it inside {@link #call}, on a loader built with {@link #rings()}.
   *
   * @param step the step run on each batch on the GPU backend, not null
   * @param hostStep the step run on each batch on the host backend, not null
   * @return a consumer for {@code Loader.run}
   */
  public BatchConsumer consumer(TrainingStep step, HostStep hostStep) {
    Checks.notNull(step, "step");
    Checks.notNull(hostStep, "hostStep");
    return batch -> {
      if (!thread.isCurrent()) {
        throw new IllegalStateException("the feed's consumer runs only on its thread: run the loader inside feed.call(...)");
      }
      Active current = active;
      int slot = current == null ? -1 : current.ring().slotIndex(batch);
      if (slot < 0) {
        throw new IllegalArgumentException("the batch does not come from this feed's ring; build the loader with feed.rings()");
      }
      if (current.device() != null) {
        current.device().submit(batch, slot, step, current.ring()::releaseWhen);
      } else {
        current.host().submit(batch, hostStep);
      }
    };
  }

  /**
   * Runs {@code work} on the feed's consumer thread (where the primary context is current) and
   * returns its result; typically {@code () -> loader.run(epochs, feed.consumer(...))}.
   *
   * @param <T> the result's type
   * @param work the work to run, not null
   * @return what {@code work} returned
   */
  public <T> T call(Callable<T> work) {
    Checks.notNull(work, "work");
    return thread.call(work);
  }

  /**
   * The timeline of the ring being served ({@link Timeline#NONE} unless opened with {@link
   * #openRecording}).
   *
   * @return the timeline, {@link Timeline#NONE} when not recording
   */
  public Timeline timeline() {
    Active current = active;
    return current == null ? Timeline.NONE : current.timeline();
  }

  /**
   * The compute stream of the GPU backend, for checks that enqueue work beside the steps.
   *
   * @return the compute stream, or null on the host or while no ring is served
   */
  public jcuda.driver.CUstream computeStream() {
    Active current = active;
    return current == null || current.device() == null ? null : current.device().computeStream();
  }

  /**
   * What the feed has done so far.
   *
   * @return a snapshot of the feed's counters
   */
  public FeedStats stats() {
    Active current = active;
    if (current == null) {
      return new FeedStats(backend(), 0, 0, 0);
    }
    if (current.device() != null) {
      return thread.call(() -> new FeedStats(backend(), current.device().batches(), current.device().bytesCopied(),
          current.device().deviceWaitNanos()));
    }
    return new FeedStats(backend(), current.host().batches(), 0, 0);
  }

  /**
   * Frees the feed's device resources and stops its thread. Close the loader first (it stops its
   * producers, then frees the ring). A ring still open is freed here: a run still draining it on
   * the feed's thread is failed first (so that this does not wait for it forever), and a producer
   * still writing into one of its slots then gets an {@link IllegalStateException} instead of
   * writing into freed memory.
   */
  @Override
  public void close() {
    Active current;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      current = active;
    }
    if (current != null) {
      // ends a run still draining the ring on the feed's thread, which the cleanup below would wait for
      current.ring().fail(new LoaderException(CLOSED_DURING_THE_RUN));
    }
    thread.close(() -> {
      if (current != null) {
        current.ring().close();
      }
    });
  }

  @Override
  public String toString() {
    return "DeviceFeed[" + backend() + (cuda.usable() ? " " + cuda.ordinal() + ", " + cuda.device() : ", " + cuda.reason()) + ", "
        + transform + "]";
  }
}
