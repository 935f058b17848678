package dev.stoker.cuda.checks;

import static jcuda.driver.JCudaDriver.cuEventCreate;
import static jcuda.driver.JCudaDriver.cuEventDestroy;
import static jcuda.driver.JCudaDriver.cuEventElapsedTime;
import static jcuda.driver.JCudaDriver.cuEventRecord;
import static jcuda.driver.JCudaDriver.cuEventSynchronize;
import static jcuda.driver.JCudaDriver.cuMemFreeHost;
import static jcuda.driver.JCudaDriver.cuMemHostAlloc;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoH;
import static jcuda.driver.JCudaDriver.cuMemcpyHtoD;
import static jcuda.driver.JCudaDriver.cuStreamSynchronize;

import dev.stoker.api.BatchLayout;
import dev.stoker.api.BatchRing;
import dev.stoker.api.BatchSlot;
import dev.stoker.api.ElementType;
import dev.stoker.api.RingStats;
import dev.stoker.cuda.DeviceFeed;
import dev.stoker.cuda.DeviceTransform;
import dev.stoker.cuda.FeedStats;
import dev.stoker.cuda.PixelType;
import dev.stoker.cuda.TrainingStep;
import dev.stoker.cuda.internal.Cuda;
import dev.stoker.cuda.internal.CudaModule;
import dev.stoker.cuda.internal.NormalizeReference;
import dev.stoker.cuda.internal.Timeline;
import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUevent;
import jcuda.driver.CUfunction;

/** The GPU checks that run a {@link DeviceFeed} end to end over a pinned ring. Each returns {@code null} when it passed. */
final class FeedChecks {
  /** Distinct sample images the synthetic producer cycles through. */
  private static final int VARIANTS = 7;
  private static final long STEP_NANOS = 5_000_000;

  private FeedChecks() {}

  /** A producer of synthetic batches; sample p of batch n is variant (n + p) % 7, label (n + p) % 10. */
  private static final class Producer {
    private final byte[][] variants;

    Producer(BatchLayout layout) {
      variants = new byte[VARIANTS][(int) layout.sampleBytes()];
      for (int v = 0; v < VARIANTS; v++) {
        for (int i = 0; i < variants[v].length; i++) {
          variants[v][i] = (byte) (v * 37 + i * 13 + (i >>> 8));
        }
      }
    }

    CompletableFuture<Void> start(BatchRing ring, int batches) {
      BatchLayout layout = ring.layout();
      return CompletableFuture.runAsync(() -> {
        for (int n = 0; n < batches; n++) {
          BatchSlot slot;
          while ((slot = ring.tryClaim()) == null) {
            Thread.onSpinWait();
          }
          for (int p = 0; p < layout.batchSize(); p++) {
            byte[] sample = variants[(n + p) % VARIANTS];
            MemorySegment.copy(sample, 0, slot.sampleMemory(p), ValueLayout.JAVA_BYTE, 0, sample.length);
            slot.setSample(p, n * layout.batchSize() + p, (n + p) % 10);
            if (layout.hasBoxes()) {
              slot.setBoxes(p, new float[] {1, 2, 5 + p, 6}, new int[] {p % 3}, 1);
            }
          }
          slot.setHeader(0, n, layout.batchSize());
          ring.publish(slot);
        }
        ring.complete();
      });
    }
  }

  /**
   * Pinned ring round trip: 300 batches through a 4-slot pinned ring; every normalized (and
   * randomly flipped) pixel, label and box read back from the GPU must equal the CPU reference's.
   */
  static String roundTrip(PrintStream out) throws Exception {
    BatchLayout layout = new BatchLayout(16, 48, 64, 3, ElementType.UINT8, 2);
    DeviceTransform transform = DeviceTransform.imagenet(PixelType.FLOAT32).withRandomFlip(3);
    int batches = 300;
    Producer producer = new Producer(layout);
    int values = (int) (layout.sampleBytes());
    MemorySegment[][] expected = new MemorySegment[VARIANTS][2];
    for (int v = 0; v < VARIANTS; v++) {
      for (int f = 0; f < 2; f++) {
        expected[v][f] = Arena.ofAuto().allocate((long) values * Float.BYTES, 8);
        NormalizeReference.normalize(MemorySegment.ofArray(producer.variants[v]), expected[v][f], PixelType.FLOAT32,
            new int[] {f}, transform.scale(), transform.bias(), 1, layout.height(), layout.width(), 3);
      }
    }
    AtomicLong badPixels = new AtomicLong();
    AtomicLong badLabels = new AtomicLong();
    AtomicLong badBoxes = new AtomicLong();
    AtomicLong flipped = new AtomicLong();
    try (DeviceFeed feed = DeviceFeed.open(transform); BatchRing ring = feed.rings().create(layout, 4)) {
      if (!ring.memoryKind().equals("pinned")) {
        return "the ring's slots are " + ring.memoryKind() + ", not pinned";
      }
      CompletableFuture<Void> running = producer.start(ring, batches);
      RingStats stats = feed.call(() -> ring.drain(feed.consumer(batch -> {
        int size = batch.size();
        float[] pixels = new float[size * values];
        int[] labels = new int[size];
        float[] boxes = new float[size * 2 * 4];
        Cuda.check(cuStreamSynchronize(batch.stream()), "cuStreamSynchronize");
        Cuda.check(cuMemcpyDtoH(Pointer.to(pixels), batch.pixels(), (long) pixels.length * Float.BYTES), "DtoH");
        Cuda.check(cuMemcpyDtoH(Pointer.to(labels), batch.labels(), (long) size * Integer.BYTES), "DtoH");
        Cuda.check(cuMemcpyDtoH(Pointer.to(boxes), batch.boxes(), (long) boxes.length * Float.BYTES), "DtoH");
        int n = (int) batch.indexInEpoch();
        for (int p = 0; p < size; p++) {
          int flip = transform.flips(batch.epoch(), n * layout.batchSize() + p) ? 1 : 0;
          flipped.addAndGet(flip);
          MemorySegment gpu = MemorySegment.ofArray(pixels).asSlice((long) p * values * Float.BYTES,
              (long) values * Float.BYTES);
          badPixels.addAndGet(KernelChecks.mismatches(gpu, expected[(n + p) % VARIANTS][flip], Float.BYTES));
          badLabels.addAndGet(labels[p] == (n + p) % 10 && batch.hostLabels()[p] == labels[p] ? 0 : 1);
          float x0 = flip == 1 ? layout.width() - (5 + p) : 1;
          float x1 = flip == 1 ? layout.width() - 1 : 5 + p;
          int b = p * 8;
          badBoxes.addAndGet(boxes[b] == x0 && boxes[b + 1] == 2 && boxes[b + 2] == x1 && boxes[b + 3] == 6
              && boxes[b + 4] == 0 && boxes[b + 6] == 0 ? 0 : 1);
        }
      }, host -> {
        throw new IllegalStateException("host step called on the GPU backend");
      })));
      running.get(60, TimeUnit.SECONDS);
      out.printf("  %d batches of %s through %d pinned slots; %d of %d samples flipped; wrong: %d pixels, %d labels, "
          + "%d boxes%n", stats.batches(), layout, ring.slots(), flipped.get(), stats.samples(), badPixels.get(),
          badLabels.get(), badBoxes.get());
      if (stats.batches() != batches || badPixels.get() + badLabels.get() + badBoxes.get() != 0) {
        return "data differed from the CPU reference or batches were lost";
      }
      return null;
    }
  }

  /** A step that keeps the compute stream busy for 5 ms, enqueued without any host wait. */
  private static TrainingStep spinStep(CUfunction spin) {
    return batch -> CudaModule.launch(spin, 1, 1, batch.stream(), STEP_NANOS);
  }

  /**
   * Copy/compute overlap: with a 5 ms step, the event timeline must show the copy of batch n+1
   * running while batch n computes, for at least 90% of the steady-state batches.
   */
  static String overlap(PrintStream out) throws Exception {
    BatchLayout layout = new BatchLayout(64, 224, 224, 3);
    int batches = 24;
    try (DeviceFeed feed = DeviceFeed.openRecording(DeviceTransform.imagenet(PixelType.FLOAT16), batches);
        BatchRing ring = feed.rings().create(layout, 4)) {
      CudaModule checks = feed.call(() -> CudaModule.load(FeedChecks.class, "checks.fatbin"));
      CUfunction spin = feed.call(() -> checks.function("stoker_spin"));
      CompletableFuture<Void> running = new Producer(layout).start(ring, batches);
      double[][] t = feed.call(() -> {
        ring.drain(feed.consumer(spinStep(spin), host -> { }));
        return ((Timeline.Recording) feed.timeline()).millis(batches);
      });
      running.get(60, TimeUnit.SECONDS);
      feed.call(() -> {
        checks.close();
        return null;
      });
      int pairs = 0;
      int overlapping = 0;
      for (int n = 2; n + 1 < t.length; n++) {
        pairs++;
        boolean overlaps = t[n + 1][0] < t[n][3] && t[n + 1][1] > t[n][2];
        overlapping += overlaps ? 1 : 0;
      }
      for (int n = 2; n < Math.min(7, t.length); n++) {
        out.printf("  batch %2d: copy %8.3f-%8.3f ms, compute %8.3f-%8.3f ms%n", n, t[n][0], t[n][1], t[n][2], t[n][3]);
      }
      out.printf("  the copy of batch n+1 overlapped compute on batch n for %d of %d batches%n", overlapping, pairs);
      return overlapping >= 0.9 * pairs ? null : "too few copies overlapped compute";
    }
  }

  /**
   * Host-to-device bandwidth: the feed's asynchronous copies (timed by the timeline's events)
   * against a plain synchronous {@code cuMemcpyHtoD} of the same size from pinned memory; passes
   * at 80% or better.
   */
  static String bandwidth(PrintStream out) throws Exception {
    BatchLayout layout = new BatchLayout(64, 224, 224, 3);
    long bytes = layout.batchBytes();
    int batches = 30;
    double plain;
    double feedRate;
    try (DeviceFeed feed = DeviceFeed.openRecording(DeviceTransform.imagenet(PixelType.FLOAT16), batches);
        BatchRing ring = feed.rings().create(layout, 4)) {
      plain = feed.call(() -> plainCopyRate(bytes));
      CompletableFuture<Void> running = new Producer(layout).start(ring, batches);
      double[][] t = feed.call(() -> {
        ring.drain(feed.consumer(batch -> { }, host -> { }));
        return ((Timeline.Recording) feed.timeline()).millis(batches);
      });
      running.get(60, TimeUnit.SECONDS);
      double copyMillis = 0;
      for (int n = 5; n < t.length; n++) {
        copyMillis += t[n][1] - t[n][0];
      }
      feedRate = bytes * (t.length - 5) / (copyMillis / 1e3) / 1e9;
    }
    out.printf("  %,d-byte batches: feed %.1f GB/s, plain pinned cuMemcpyHtoD %.1f GB/s (%.2fx)%n", bytes, feedRate,
        plain, feedRate / plain);
    return feedRate >= 0.8 * plain ? null : "the feed's copies ran below 80% of a plain pinned copy";
  }

  private static double plainCopyRate(long bytes) {
    Pointer host = new Pointer();
    Cuda.check(cuMemHostAlloc(host, bytes, 0), "cuMemHostAlloc");
    CUdeviceptr device = KernelChecks.alloc(bytes);
    CUevent start = new CUevent();
    CUevent end = new CUevent();
    Cuda.check(cuEventCreate(start, 0), "cuEventCreate");
    Cuda.check(cuEventCreate(end, 0), "cuEventCreate");
    try {
      Cuda.check(cuMemcpyHtoD(device, host, bytes), "cuMemcpyHtoD");
      int copies = 20;
      Cuda.check(cuEventRecord(start, null), "cuEventRecord");
      for (int i = 0; i < copies; i++) {
        Cuda.check(cuMemcpyHtoD(device, host, bytes), "cuMemcpyHtoD");
      }
      Cuda.check(cuEventRecord(end, null), "cuEventRecord");
      Cuda.check(cuEventSynchronize(end), "cuEventSynchronize");
      float[] ms = {0};
      Cuda.check(cuEventElapsedTime(ms, start, end), "cuEventElapsedTime");
      return bytes * (double) copies / (ms[0] / 1e3) / 1e9;
    } finally {
      cuEventDestroy(start);
      cuEventDestroy(end);
      KernelChecks.free(device);
      cuMemFreeHost(host);
    }
  }

  /**
   * Consumer wait with a synthetic 5 ms step fed by a producer that keeps up: the share of the
   * consumer's time spent waiting for data must stay under 10%.
   */
  static String consumerWait(PrintStream out) throws Exception {
    BatchLayout layout = new BatchLayout(64, 224, 224, 3);
    int batches = 100;
    try (DeviceFeed feed = DeviceFeed.open(DeviceTransform.imagenet(PixelType.FLOAT16));
        BatchRing ring = feed.rings().create(layout, 4)) {
      CudaModule checks = feed.call(() -> CudaModule.load(FeedChecks.class, "checks.fatbin"));
      CUfunction spin = feed.call(() -> checks.function("stoker_spin"));
      CompletableFuture<Void> running = new Producer(layout).start(ring, batches);
      long start = System.nanoTime();
      RingStats stats = feed.call(() -> {
        RingStats s = ring.drain(feed.consumer(spinStep(spin), host -> { }));
        Cuda.check(cuStreamSynchronize(feed.computeStream()), "cuStreamSynchronize");
        return s;
      });
      double seconds = (System.nanoTime() - start) / 1e9;
      running.get(60, TimeUnit.SECONDS);
      FeedStats feedStats = feed.stats();
      feed.call(() -> {
        checks.close();
        return null;
      });
      out.printf("  %d batches in %.2f s (%.0f images/s, ideal %.0f); consumer waited for data %.1f%% of the time, "
              + "for the GPU %.1f s%n", stats.batches(), seconds, stats.samples() / seconds,
          layout.batchSize() * 1e9 / STEP_NANOS, stats.consumerWaitPercent(), feedStats.deviceWaitNanos() / 1e9);
      return stats.consumerWaitPercent() < 10 ? null : "the consumer waited for data more than 10% of the time";
    }
  }
}
