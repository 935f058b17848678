package dev.stoker.cuda.checks;

import static jcuda.driver.JCudaDriver.cuMemcpyDtoH;
import static jcuda.driver.JCudaDriver.cuStreamSynchronize;

import dev.stoker.api.BatchLayout;
import dev.stoker.api.BatchSlot;
import dev.stoker.api.RingStats;
import dev.stoker.cuda.DeviceFeed;
import dev.stoker.cuda.DeviceTransform;
import dev.stoker.cuda.PixelType;
import dev.stoker.cuda.TrainingStep;
import dev.stoker.cuda.internal.Cuda;
import dev.stoker.cuda.internal.CudaModule;
import dev.stoker.cuda.internal.NormalizeReference;
import dev.stoker.cuda.internal.Timeline;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.atomic.AtomicLong;
import jcuda.Pointer;
import jcuda.driver.CUfunction;
import jcuda.driver.CUstream;

/**
 * The GPU checks that run a {@link DeviceFeed} end to end over a pinned ring, fed by a
 * {@link SyntheticProducer} through a {@link FeedRun}. Each asserts its batch counts (every batch
 * asked for produced, consumed and stepped, more than none) before anything else.
 */
final class FeedChecks {
  /** Distinct sample images the synthetic producer cycles through. */
  static final int VARIANTS = 7;
  /** Slack for comparing event times on different streams (cuEventElapsedTime resolves about 0.5 µs). */
  private static final double EVENT_SLACK_MS = 1e-3;

  private FeedChecks() {}

  /** Sample {@code p} of batch {@code n} is variant {@code (n + p) % 7} with label {@code (n + p) % 10}. */
  static final class Samples implements SyntheticProducer.Filler {
    private final BatchLayout layout;
    private final byte[][] variants;
    private final boolean pixels;

    /** With {@code pixels} false only the labels, boxes and header are written (the bandwidth run). */
    Samples(BatchLayout layout, boolean pixels) {
      this.layout = layout;
      this.pixels = pixels;
      variants = new byte[VARIANTS][(int) layout.sampleBytes()];
      for (int v = 0; v < VARIANTS; v++) {
        for (int i = 0; i < variants[v].length; i++) {
          variants[v][i] = (byte) (v * 37 + i * 13 + (i >>> 8));
        }
      }
    }

    @Override
    public void fill(BatchSlot slot, int n) {
      for (int p = 0; p < layout.batchSize(); p++) {
        if (pixels) {
          byte[] sample = variants[(n + p) % VARIANTS];
          MemorySegment.copy(sample, 0, slot.sampleMemory(p), ValueLayout.JAVA_BYTE, 0, sample.length);
        }
        slot.setSample(p, n * layout.batchSize() + p, (n + p) % 10);
        if (layout.hasBoxes()) {
          slot.setBoxes(p, new float[] {1, 2, 5 + p, 6}, new int[] {p % 3}, 1);
        }
      }
      slot.setHeader(0, n, layout.batchSize());
    }
  }

  /**
   * Pinned ring round trip: batches with boxes through a 4-slot pinned ring; every normalized (and
   * randomly flipped) pixel, label and box read back from the GPU must equal the CPU reference's.
   */
  static Verdict roundTrip(CheckEnv env) {
    Sizes sizes = env.sizes();
    BatchLayout layout = sizes.roundTripLayout();
    DeviceTransform transform = DeviceTransform.imagenet(PixelType.FLOAT32).withRandomFlip(3);
    Samples samples = new Samples(layout, true);
    int values = (int) layout.sampleBytes();
    MemorySegment[][] expected = new MemorySegment[VARIANTS][2];
    for (int v = 0; v < VARIANTS; v++) {
      for (int f = 0; f < 2; f++) {
        expected[v][f] = Arena.ofAuto().allocate((long) values * Float.BYTES, 8);
        NormalizeReference.normalize(MemorySegment.ofArray(samples.variants[v]), expected[v][f], PixelType.FLOAT32,
            new int[] {f}, transform.scale(), transform.bias(), 1, layout.height(), layout.width(), 3);
      }
    }
    AtomicLong stepped = new AtomicLong();
    AtomicLong compared = new AtomicLong();
    AtomicLong badPixels = new AtomicLong();
    AtomicLong badLabels = new AtomicLong();
    AtomicLong badBoxes = new AtomicLong();
    AtomicLong flipped = new AtomicLong();
    try (FeedRun run = FeedRun.open(DeviceFeed.open(transform), layout, sizes.slots())) {
      if (!run.ring().memoryKind().equals("pinned")) {
        return Verdict.fail("the ring's slots are " + run.ring().memoryKind() + ", not pinned");
      }
      run.start(sizes.roundTripBatches(), samples, env.producerFailsAt());
      RingStats stats = run.drain(run.feed().consumer(batch -> {
        stepped.incrementAndGet();
        int size = batch.size();
        float[] pixels = new float[size * values];
        int[] labels = new int[size];
        float[] boxes = new float[size * layout.maxBoxes() * 4];
        Cuda.check(cuStreamSynchronize(batch.stream()), "cuStreamSynchronize");
        Cuda.check(cuMemcpyDtoH(Pointer.to(pixels), batch.pixels(), (long) pixels.length * Float.BYTES), "DtoH");
        Cuda.check(cuMemcpyDtoH(Pointer.to(labels), batch.labels(), (long) size * Integer.BYTES), "DtoH");
        Cuda.check(cuMemcpyDtoH(Pointer.to(boxes), batch.boxes(), (long) boxes.length * Float.BYTES), "DtoH");
        int n = (int) batch.indexInEpoch();
        for (int p = 0; p < size; p++) {
          compared.incrementAndGet();
          int flip = transform.flips(batch.epoch(), n * layout.batchSize() + p) ? 1 : 0;
          flipped.addAndGet(flip);
          MemorySegment gpu = MemorySegment.ofArray(pixels).asSlice((long) p * values * Float.BYTES,
              (long) values * Float.BYTES);
          badPixels.addAndGet(KernelChecks.mismatches(gpu, expected[(n + p) % VARIANTS][flip], Float.BYTES));
          badLabels.addAndGet(labels[p] == (n + p) % 10 && batch.hostLabels()[p] == labels[p] ? 0 : 1);
          float x0 = flip == 1 ? layout.width() - (5 + p) : 1;
          float x1 = flip == 1 ? layout.width() - 1 : 5 + p;
          int b = p * layout.maxBoxes() * 4;
          boolean padding = layout.maxBoxes() < 2 || boxes[b + 4] == 0 && boxes[b + 6] == 0;
          badBoxes.addAndGet(boxes[b] == x0 && boxes[b + 1] == 2 && boxes[b + 2] == x1 && boxes[b + 3] == 6 && padding
              ? 0 : 1);
        }
      }, host -> {
        throw new IllegalStateException("host step called on the GPU backend");
      }));
      String counts = run.countsProblem(stats, stepped.get());
      env.out().printf("  %d batches of %s through %d pinned slots; %d of %d samples flipped; wrong: %d pixels, "
          + "%d labels, %d boxes%n", stats.batches(), layout, run.ring().slots(), flipped.get(), compared.get(),
          badPixels.get(), badLabels.get(), badBoxes.get());
      Verdict verdict = Verdict.pass(String.format("%d batches, %d samples compared with the CPU reference",
          stats.batches(), compared.get())).unless(counts);
      if (verdict.passed() && compared.get() != stats.samples()) {
        return Verdict.fail(compared.get() + " of " + stats.samples() + " samples were compared");
      }
      long bad = badPixels.get() + badLabels.get() + badBoxes.get();
      return bad == 0 ? verdict : Verdict.fail(String.format("data differed from the CPU reference: %d pixels, "
          + "%d labels, %d boxes", badPixels.get(), badLabels.get(), badBoxes.get()));
    }
  }

  /** A step that keeps the compute stream busy for {@code nanos} (the spin kernel), enqueued without a host wait. */
  private static TrainingStep spinStep(CUfunction spin, long nanos, AtomicLong stepped) {
    return batch -> {
      stepped.incrementAndGet();
      CudaModule.launch(spin, 1, 1, batch.stream(), nanos);
    };
  }

  /**
   * Copy/compute overlap with a synthetic step: the event timeline must keep the feed's ordering
   * (batch n computes only after its copy started; batch n's copy starts only after batch n-2's step
   * ended, as its buffer is reused), and on a GPU the copy of batch n+1 must run while batch n
   * computes for at least 90% of the steady-state batches.
   */
  static Verdict overlap(CheckEnv env) {
    Sizes sizes = env.sizes();
    int batches = sizes.overlapBatches();
    AtomicLong stepped = new AtomicLong();
    try (FeedRun run = FeedRun.open(DeviceFeed.openRecording(DeviceTransform.imagenet(PixelType.FLOAT16),
        Math.max(1, batches)), sizes.feedLayout(), sizes.slots())) {
      CudaModule checks = run.call(() -> CudaModule.load(FeedChecks.class, "checks.fatbin"));
      try {
        CUfunction spin = run.call(() -> checks.function("stoker_spin"));
        run.start(batches, new Samples(sizes.feedLayout(), true), env.producerFailsAt());
        RingStats stats = run.drain(run.feed().consumer(spinStep(spin, sizes.stepNanos(), stepped), host -> { }));
        String counts = run.countsProblem(stats, stepped.get());
        if (counts != null) {
          return Verdict.fail(counts);
        }
        double[][] t = run.call(() -> ((Timeline.Recording) run.feed().timeline()).millis(batches));
        String order = orderProblem(t);
        int pairs = 0;
        int overlapping = 0;
        for (int n = 2; n + 1 < t.length; n++) {
          pairs++;
          overlapping += t[n + 1][0] < t[n][3] && t[n + 1][1] > t[n][2] ? 1 : 0;
        }
        env.out().printf("  %d batches, %.1f ms step: the copy of batch n+1 overlapped compute on batch n for %d of %d"
            + " batches%s%n", stats.batches(), sizes.stepNanos() / 1e6, overlapping, pairs, env.figureNote());
        env.measure("overlap_pct", pairs == 0 ? Double.NaN : 100.0 * overlapping / pairs);
        Verdict verdict = Verdict.pass(String.format("%d batches in order; %d of %d copies overlapped compute%s",
            stats.batches(), overlapping, pairs, env.figureNote())).unless(order);
        if (verdict.passed() && env.speedTargets() && overlapping < 0.9 * pairs) {
          return Verdict.fail("too few copies overlapped compute: " + overlapping + " of " + pairs);
        }
        return verdict;
      } finally {
        unload(run, checks);
      }
    }
  }

  /**
   * Unloads {@code module} once the feed's compute stream has run every step launched from it: a
   * drain that threw (a failed producer) leaves spin kernels queued, and a module must not be
   * unloaded under its own queued launches.
   */
  private static void unload(FeedRun run, CudaModule module) {
    run.call(() -> {
      try {
        CUstream compute = run.feed().computeStream();
        if (compute != null) {
          Cuda.check(cuStreamSynchronize(compute), "cuStreamSynchronize(compute)");
        }
      } finally {
        module.close();
      }
      return null;
    });
  }

  /**
   * The first ordering violation in a timeline (per batch: copy start, copy end, compute start,
   * compute end, in ms), or {@code null}: batch n's compute must not start before its copy started,
   * nor batch n's copy before batch n-2's compute ended, nor any span end before it starts.
   */
  static String orderProblem(double[][] t) {
    for (int n = 0; n < t.length; n++) {
      if (t[n][1] + EVENT_SLACK_MS < t[n][0] || t[n][3] + EVENT_SLACK_MS < t[n][2]) {
        return String.format("batch %d: a span ends before it starts (copy %.3f-%.3f, compute %.3f-%.3f ms)", n,
            t[n][0], t[n][1], t[n][2], t[n][3]);
      }
      if (t[n][2] + EVENT_SLACK_MS < t[n][0]) {
        return String.format("batch %d computed at %.3f ms, before its copy started at %.3f ms", n, t[n][2], t[n][0]);
      }
      if (n >= 2 && t[n][0] + EVENT_SLACK_MS < t[n - 2][3]) {
        return String.format("batch %d's copy started at %.3f ms, before batch %d's step (same buffer) ended at %.3f ms",
            n, t[n][0], n - 2, t[n - 2][3]);
      }
    }
    return null;
  }

  /**
   * Host-to-device bandwidth over the whole window of copies: from the event before the first timed
   * copy of the feed to the event after its last, against plain synchronous {@code cuMemcpyHtoD}s of
   * the same pinned bytes (the same copies, the same count) timed the same way. Both rates and their
   * ratio are reported; on a GPU the feed must reach 80% of the plain rate.
   */
  static Verdict bandwidth(CheckEnv env) {
    Sizes sizes = env.sizes();
    BatchLayout layout = sizes.feedLayout();
    int batches = sizes.bandwidthBatches();
    AtomicLong stepped = new AtomicLong();
    try (FeedRun run = FeedRun.open(DeviceFeed.openRecording(DeviceTransform.imagenet(PixelType.FLOAT16),
        Math.max(1, batches)), layout, sizes.slots())) {
      run.start(batches, new Samples(layout, false), env.producerFailsAt());
      RingStats stats = run.drain(run.feed().consumer(batch -> stepped.incrementAndGet(), host -> { }));
      String counts = run.countsProblem(stats, stepped.get());
      if (counts != null) {
        return Verdict.fail(counts);
      }
      int timed = batches - Sizes.WARMUP_BATCHES;
      if (timed < 2) {
        return Verdict.fail("too few batches to time: " + batches + " (at least " + (Sizes.WARMUP_BATCHES + 2) + ")");
      }
      double[][] t = run.call(() -> ((Timeline.Recording) run.feed().timeline()).millis(batches));
      double windowMs = t[batches - 1][1] - t[Sizes.WARMUP_BATCHES][0];
      long bytes = layout.batchBytes();
      double feedRate = bytes * (double) timed / (windowMs / 1e3) / 1e9;
      double plain = run.call(() -> PlainCopy.gigabytesPerSecond(bytes, timed));
      double ratio = feedRate / plain;
      env.measure("h2d_gb_s_feed", feedRate);
      env.measure("h2d_gb_s_plain", plain);
      env.measure("h2d_ratio", ratio);
      String line = String.format("%d copies of %,d bytes: feed %.2f GB/s over %.3f ms, plain pinned cuMemcpyHtoD "
          + "%.2f GB/s (%.2fx)%s", timed, bytes, feedRate, windowMs, plain, ratio, env.figureNote());
      env.out().println("  " + line);
      if (!(feedRate > 0 && plain > 0 && Double.isFinite(feedRate) && Double.isFinite(plain))) {
        return Verdict.fail("the copies were not timed: " + line);
      }
      if (env.speedTargets() && ratio < 0.8) {
        return Verdict.fail("the feed's copies ran below 80% of a plain pinned copy: " + line);
      }
      return Verdict.pass(line);
    }
  }

  /**
   * Consumer wait with a synthetic fixed-length step (the spin kernel) fed by a producer that keeps
   * up: the share of the consumer's time spent waiting for data. Always: the steps must have taken
   * the GPU at least their length each (the spin kernel ran). On a GPU the wait must stay under 10%.
   */
  static Verdict consumerWait(CheckEnv env) {
    Sizes sizes = env.sizes();
    BatchLayout layout = sizes.feedLayout();
    int batches = sizes.waitBatches();
    AtomicLong stepped = new AtomicLong();
    try (FeedRun run = FeedRun.open(DeviceFeed.open(DeviceTransform.imagenet(PixelType.FLOAT16)), layout,
        sizes.slots())) {
      CudaModule checks = run.call(() -> CudaModule.load(FeedChecks.class, "checks.fatbin"));
      try {
        CUfunction spin = run.call(() -> checks.function("stoker_spin"));
        run.start(batches, new Samples(layout, true), env.producerFailsAt());
        long start = System.nanoTime();
        RingStats stats = run.call(() -> {
          RingStats s = run.ring().drain(run.feed().consumer(spinStep(spin, sizes.stepNanos(), stepped), host -> { }));
          Cuda.check(cuStreamSynchronize(run.feed().computeStream()), "cuStreamSynchronize");
          return s;
        });
        double seconds = (System.nanoTime() - start) / 1e9;
        String counts = run.countsProblem(stats, stepped.get());
        if (counts != null) {
          return Verdict.fail(counts);
        }
        double waitPct = stats.consumerWaitPercent();
        double deviceWait = run.feed().stats().deviceWaitNanos() / 1e9;
        env.measure("consumer_wait_pct", waitPct);
        String line = String.format("%d batches, %.1f ms step, in %.2f s (%.0f images/s, ideal %.0f): the consumer "
                + "waited for data %.1f%% of the time, for the GPU %.2f s%s", stats.batches(), sizes.stepNanos() / 1e6,
            seconds, stats.samples() / seconds, layout.batchSize() * 1e9 / sizes.stepNanos(), waitPct, deviceWait,
            env.figureNote());
        env.out().println("  " + line);
        if (seconds * 1e9 < stats.batches() * sizes.stepNanos()) {
          return Verdict.fail("the steps took less than their length: the spin kernel did not run; " + line);
        }
        if (!(waitPct >= 0 && waitPct <= 100)) {
          return Verdict.fail("consumer wait is not a share: " + line);
        }
        if (env.speedTargets() && waitPct >= 10) {
          return Verdict.fail("the consumer waited for data more than 10% of the time: " + line);
        }
        return Verdict.pass(line);
      } finally {
        unload(run, checks);
      }
    }
  }
}
