package dev.stoker.cuda;

import static jcuda.driver.JCudaDriver.cuEventCreate;
import static jcuda.driver.JCudaDriver.cuEventDestroy;
import static jcuda.driver.JCudaDriver.cuEventRecord;
import static jcuda.driver.JCudaDriver.cuEventSynchronize;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoH;

import dev.stoker.api.BatchLayout;
import dev.stoker.api.BatchRing;
import dev.stoker.api.BatchSlot;
import dev.stoker.api.RingStats;
import dev.stoker.cuda.internal.Cuda;
import dev.stoker.cuda.internal.NormalizeReference;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import jcuda.Pointer;
import jcuda.driver.CUevent;
import jcuda.driver.CUevent_flags;

/**
 * A ring round trip through a {@link DeviceFeed} on the CUDA driver stand-in, checked value by
 * value: a producer writes deterministic samples (pixels, labels, boxes) into the feed's ring, and
 * a training step that works like a real one (it enqueues work and returns; it never waits for its
 * own batch) reads every batch back one step later, after an event it recorded on the batch's
 * stream, and compares every pixel with {@link NormalizeReference}, every label and every box. The
 * stand-in runs each stream on its own worker after random delays, so a missing cross-stream wait
 * or a slot released before its copy finished shows up as wrong values here.
 */
final class StandinRoundTrip {
  /** Batches of 4 RGB 6x8 samples (a row is a multiple of 4 pixels: the reference's packed path) with 2 boxes. */
  static final BatchLayout LAYOUT = new BatchLayout(4, 6, 8, 3).withMaxBoxes(2);

  private StandinRoundTrip() {}

  /** A normalization with flips, for {@code type}. */
  static DeviceTransform transform(PixelType type) {
    return new DeviceTransform(new float[] {0.45f, 0.5f, 0.55f}, new float[] {0.25f, 0.2f, 0.3f}, type, true, 11);
  }

  /**
   * What a run saw: the batches and their sizes, and the values that differed from the reference
   * (pixels, labels, boxes and box labels), out of {@code checkedValues}.
   */
  record Outcome(int batches, List<Integer> sizes, long badPixels, long badLabels, long badBoxes, long checkedValues,
      RingStats ring) {
    long bad() {
      return badPixels + badLabels + badBoxes;
    }
  }

  /** Byte {@code offset} of sample {@code sample}'s pixels. */
  static byte pixel(int sample, long offset) {
    long h = sample * 0x9E3779B97F4A7C15L + offset * 0xC2B2AE3D27D4EB4FL;
    h ^= h >>> 29;
    h *= 0xBF58476D1CE4E5B9L;
    return (byte) (h >>> 40);
  }

  static int label(int sample) {
    return sample % 7;
  }

  static int boxCount(int sample) {
    return sample % 3;
  }

  static float[] boxes(int sample) {
    float x = sample % 5;
    return new float[] {x, 1, x + 2.5f, 3, x + 1, 0, x + 4, 5.5f};
  }

  static int[] boxLabels(int sample) {
    return new int[] {sample % 4, sample % 4 + 10};
  }

  /**
   * Starts a producer of {@code samples} samples of epoch 0 (the last batch partial unless they
   * divide evenly) on a thread of its own; it stops early when {@code stop} is set.
   */
  static CompletableFuture<Void> produce(BatchRing ring, int samples, AtomicBoolean stop) {
    BatchLayout layout = ring.layout();
    int batchSize = layout.batchSize();
    CompletableFuture<Void> done = new CompletableFuture<>();
    Thread.ofPlatform().name("standin-producer").daemon().start(() -> {
      try {
        for (int start = 0, n = 0; start < samples && !stop.get(); start += batchSize, n++) {
          BatchSlot slot;
          while ((slot = ring.tryClaim()) == null) {
            if (stop.get()) {
              done.complete(null);
              return;
            }
            LockSupport.parkNanos(20_000);
          }
          int size = Math.min(batchSize, samples - start);
          for (int p = 0; p < size; p++) {
            int sample = start + p;
            MemorySegment memory = slot.sampleMemory(p);
            for (long i = 0; i < layout.sampleBytes(); i++) {
              memory.set(ValueLayout.JAVA_BYTE, i, pixel(sample, i));
            }
            slot.setSample(p, sample, label(sample));
            slot.setBoxes(p, boxes(sample), boxLabels(sample), boxCount(sample));
          }
          slot.setHeader(0, n, size);
          ring.publish(slot);
        }
        ring.complete();
        done.complete(null);
      } catch (Throwable e) {
        ring.fail(e);
        done.completeExceptionally(e);
      }
    });
    return done;
  }

  /** Runs {@code samples} samples through a new ring of {@code slots} slots of {@code feed} and checks them all. */
  static Outcome run(DeviceFeed feed, int samples, int slots) throws Exception {
    try (BatchRing ring = feed.rings().create(LAYOUT, slots)) {
      AtomicBoolean stop = new AtomicBoolean();
      CompletableFuture<Void> producer = produce(ring, samples, stop);
      try {
        Outcome outcome = feed.call(() -> {
          Checker checker = new Checker(feed.transform());
          try {
            RingStats stats = ring.drain(feed.consumer(checker, host -> {
              throw new AssertionError("a GPU feed called the host step");
            }));
            checker.finish();
            return checker.outcome(stats);
          } finally {
            checker.close();
          }
        });
        producer.get();
        return outcome;
      } finally {
        stop.set(true);
      }
    }
  }

  /** The checking training step; on the feed's thread only. */
  private static final class Checker implements TrainingStep, AutoCloseable {
    private final DeviceTransform transform;
    private final CUevent[] stepDone = new CUevent[2];
    private final List<Integer> sizes = new ArrayList<>();
    private DeviceBatch previous;
    private long badPixels;
    private long badLabels;
    private long badBoxes;
    private long checked;

    Checker(DeviceTransform transform) {
      this.transform = transform;
      for (int i = 0; i < stepDone.length; i++) {
        CUevent event = new CUevent();
        Cuda.check(() -> cuEventCreate(event, CUevent_flags.CU_EVENT_DISABLE_TIMING), "cuEventCreate");
        stepDone[i] = event;
      }
    }

    @Override
    public void train(DeviceBatch batch) {
      int n = sizes.size();
      sizes.add(batch.size());
      CUevent mine = stepDone[n % 2];
      Cuda.check(() -> cuEventRecord(mine, batch.stream()), "cuEventRecord");
      if (previous != null) {
        check(previous, stepDone[(n - 1) % 2]);
      }
      previous = batch;
    }

    /** Checks the last batch, after the run. */
    void finish() {
      if (previous != null) {
        check(previous, stepDone[(sizes.size() - 1) % 2]);
        previous = null;
      }
    }

    Outcome outcome(RingStats stats) {
      return new Outcome(sizes.size(), List.copyOf(sizes), badPixels, badLabels, badBoxes, checked, stats);
    }

    /** Waits for {@code done} (the batch's step), copies the batch back and compares it with the reference. */
    private void check(DeviceBatch batch, CUevent done) {
      Cuda.check(() -> cuEventSynchronize(done), "cuEventSynchronize(step)");
      int size = batch.size();
      int first = (int) batch.indexInEpoch() * LAYOUT.batchSize();
      try (Arena arena = Arena.ofConfined()) {
        MemorySegment raw = arena.allocate(size * LAYOUT.sampleBytes());
        int[] flips = new int[size];
        for (int p = 0; p < size; p++) {
          for (long i = 0; i < LAYOUT.sampleBytes(); i++) {
            raw.set(ValueLayout.JAVA_BYTE, p * LAYOUT.sampleBytes() + i, pixel(first + p, i));
          }
          flips[p] = transform.flips(0, first + p) ? 1 : 0;
        }
        long values = (long) size * LAYOUT.channels() * LAYOUT.height() * LAYOUT.width();
        int valueBytes = transform.output().bytes();
        MemorySegment expected = arena.allocate(values * valueBytes);
        NormalizeReference.normalize(raw, expected, transform.output(), flips, transform.scale(), transform.bias(),
            size, LAYOUT.height(), LAYOUT.width(), LAYOUT.channels());
        byte[] actual = new byte[(int) (values * valueBytes)];
        Cuda.check(() -> cuMemcpyDtoH(Pointer.to(actual), batch.pixels(), actual.length), "cuMemcpyDtoH(pixels)");
        byte[] wanted = expected.toArray(ValueLayout.JAVA_BYTE);
        for (long v = 0; v < values; v++) {
          for (int b = 0; b < valueBytes; b++) {
            if (actual[(int) (v * valueBytes + b)] != wanted[(int) (v * valueBytes + b)]) {
              badPixels++;
              break;
            }
          }
        }
        checked += values;
        checkLabels(batch, first, size);
        checkBoxes(batch, first, size, flips);
      }
    }

    private void checkLabels(DeviceBatch batch, int first, int size) {
      int[] labels = new int[size];
      Cuda.check(() -> cuMemcpyDtoH(Pointer.to(labels), batch.labels(), (long) size * Integer.BYTES),
          "cuMemcpyDtoH(labels)");
      for (int p = 0; p < size; p++) {
        badLabels += labels[p] == label(first + p) ? 0 : 1;
        badLabels += batch.hostLabels()[p] == label(first + p) ? 0 : 1;
      }
      checked += 2L * size;
    }

    private void checkBoxes(DeviceBatch batch, int first, int size, int[] flips) {
      int maxBoxes = LAYOUT.maxBoxes();
      float[] boxes = new float[size * maxBoxes * 4];
      int[] boxLabels = new int[size * maxBoxes];
      Cuda.check(() -> cuMemcpyDtoH(Pointer.to(boxes), batch.boxes(), (long) boxes.length * Float.BYTES),
          "cuMemcpyDtoH(boxes)");
      Cuda.check(() -> cuMemcpyDtoH(Pointer.to(boxLabels), batch.boxLabels(), (long) boxLabels.length * Integer.BYTES),
          "cuMemcpyDtoH(box labels)");
      for (int p = 0; p < size; p++) {
        int sample = first + p;
        float[] source = boxes(sample);
        int[] sourceLabels = boxLabels(sample);
        for (int k = 0; k < maxBoxes; k++) {
          boolean real = k < boxCount(sample);
          int at = (p * maxBoxes + k) * 4;
          float[] want = new float[4];
          if (real) {
            System.arraycopy(source, k * 4, want, 0, 4);
            if (flips[p] != 0) {
              float x0 = want[0];
              want[0] = LAYOUT.width() - want[2];
              want[2] = LAYOUT.width() - x0;
            }
          }
          for (int i = 0; i < 4; i++) {
            badBoxes += Float.compare(boxes[at + i], want[i]) == 0 ? 0 : 1;
          }
          badBoxes += boxLabels[p * maxBoxes + k] == (real ? sourceLabels[k] : -1) ? 0 : 1;
          checked += 5;
        }
      }
    }

    @Override
    public void close() {
      Cuda.Errors errors = new Cuda.Errors();
      for (CUevent event : stepDone) {
        errors.check(Cuda.rc(() -> cuEventDestroy(event)), "cuEventDestroy");
      }
      errors.throwIfAny();
    }
  }
}
