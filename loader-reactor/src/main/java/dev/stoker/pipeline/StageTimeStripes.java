package dev.stoker.pipeline;

/**
 * Per-sample stage times held back in stripes, one per thread as far as the stripes go, and handed
 * to the shared meters in runs of {@link #RUN}: the decode workers then write the shared meters
 * (the Micrometer timers with their HdrHistograms, the {@link StageHistogram}s) once every
 * {@code RUN} samples instead of several times per sample, so that no cache line of those meters
 * moves between cores at every sample. A stripe is chosen by the thread's id; two threads on one
 * stripe share its lock, which no other thread takes but {@link #flush()}.
 *
 * <p>Nothing is lost or counted twice: a time is either in its stripe or already handed on, and
 * {@link #flush()} hands on every held time (call it before reading the meters: a run's end, a
 * report). So that meters scraped during a run lag by little, {@link #nextGeneration()} (once per
 * batch, on the consumer's thread) tells each stripe to hand on all it holds at its next record:
 * the meters then lag by about one batch, and the writing stays on the workers.
 *
 * <pre>{@code
 * StageTimeStripes held = new StageTimeStripes(Stage.values().length, 16, (stage, nanos) -> ...);
 * held.record(Stage.DECODE.ordinal(), 420_000); // on a worker
 * held.flush();                                  // before reading the meters
 * }</pre>
 */
final class StageTimeStripes {
  /** Times a stripe holds per stage before it hands them on. */
  static final int RUN = 64;
  /** Longs before and after a stripe's own, so that two stripes' times never share a cache line. */
  private static final int PAD = 8;

  /** Where held times go. */
  @FunctionalInterface
  interface Sink {
    /**
     * Records one time.
     *
     * @param stage the stage's index
     * @param nanos the time
     */
    void record(int stage, long nanos);
  }

  /** One stripe: per stage, a count and up to {@code RUN} times, all in one padded array. */
  private static final class Stripe {
    final long[] held;
    /** The generation this stripe last handed everything on in. */
    long seen;

    Stripe(int stages) {
      held = new long[PAD + stages * (RUN + 1) + PAD];
    }
  }

  private final Stripe[] stripes;
  private final int mask;
  private final int stages;
  private final Sink sink;
  /** Advanced once per batch by one thread; a stripe that sees it change hands on what it holds. */
  private volatile long generation;

  /**
   * @param stages stages, indexed from 0
   * @param stripes at least this many stripes (rounded up to a power of two, at most 1024)
   * @param sink where the times go, called under a stripe's lock
   */
  StageTimeStripes(int stages, int stripes, Sink sink) {
    int n = Integer.highestOneBit(Math.clamp(stripes, 1, 1024));
    if (n < stripes) {
      n <<= 1;
    }
    this.stripes = new Stripe[n];
    for (int i = 0; i < n; i++) {
      this.stripes[i] = new Stripe(stages);
    }
    this.mask = n - 1;
    this.stages = stages;
    this.sink = sink;
  }

  /**
   * Stripes for {@code workers} on a machine of {@code cores}: the more of twice the cores and
   * twice the workers, at least 8, so that each worker mostly has a stripe of its own (the decode
   * workers are started together, so their thread ids are mostly consecutive).
   */
  static int stripesFor(int cores, int workers) {
    return Math.max(8, 2 * Math.max(cores, workers));
  }

  /** The number of stripes. */
  int stripes() {
    return stripes.length;
  }

  /** Holds one time of {@code stage}; hands the stripe's run of that stage on when it is full. */
  void record(int stage, long nanos) {
    Stripe s = stripes[(int) Thread.currentThread().threadId() & mask];
    int base = PAD + stage * (RUN + 1);
    synchronized (s) {
      long[] held = s.held;
      long now = generation;
      if (now != s.seen) {
        s.seen = now;
        handOnAll(held);
      }
      int n = (int) held[base];
      held[base + 1 + n] = nanos;
      if (++n == RUN) {
        handOn(held, stage, base, n);
        n = 0;
      }
      held[base] = n;
    }
  }

  /**
   * Tells every stripe to hand on what it holds at its next record; call from one thread at a time
   * (the consumer's, once per batch).
   */
  void nextGeneration() {
    generation = generation + 1; // one writer: no lost update
  }

  /** Hands every held time on to the sink. */
  void flush() {
    for (Stripe s : stripes) {
      synchronized (s) {
        handOnAll(s.held);
      }
    }
  }

  /** Hands on every time {@code held} holds; under its stripe's lock. */
  private void handOnAll(long[] held) {
    for (int stage = 0; stage < stages; stage++) {
      int base = PAD + stage * (RUN + 1);
      int n = (int) held[base];
      if (n > 0) {
        handOn(held, stage, base, n);
        held[base] = 0;
      }
    }
  }

  private void handOn(long[] held, int stage, int base, int n) {
    for (int i = 1; i <= n; i++) {
      sink.record(stage, held[base + i]);
    }
  }
}
