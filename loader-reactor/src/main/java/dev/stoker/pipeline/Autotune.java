package dev.stoker.pipeline;

import dev.stoker.api.MemoryLimitException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The rules of {@link LoaderBuilder#memoryBudget}, pure (no clock, no threads): which threads,
 * in-flight samples and ring slots fit a budget ({@link #choose}), and, from the stage times
 * measured over the first batches, how many of those workers should decode ({@link #activeWorkers}).
 *
 * <p>At build time the budget holds the maxima: every byte the settings may hold is counted
 * ({@link Costs#bytes}), and the largest settings that fit are taken in this order of preference:
 * threads first (a producer-bound loader scales with them), then for each thread count the
 * ring and in-flight window from the defaults down: (4 slots, 4 x threads), (4, 2 x threads),
 * (2, 2 x threads), (2, threads), (1, threads), and for the fewest threads (1, 1). A value the
 * user set is never changed; a budget
 * that cannot hold even the smallest setting (1 thread, 1 slot, 1 sample in flight, or the user's
 * values) is refused.
 *
 * <p>After calibration the loader keeps every worker when the consumer waited for data (the
 * producers set the pace; more workers than cores never help, so the maximum is the core count),
 * and otherwise parks those the consumer cannot use: it keeps
 * {@code ceil(HEADROOM * consumer rate / one worker's rate)} of them, leaving the cores to the
 * consumer. Parking never changes a delivered byte: samples are placed by position, whichever
 * worker made them.
 */
final class Autotune {
  /** The read buffer a worker keeps between samples under a budget; a larger file's is given back after it. */
  static final long KEPT_READ_BYTES = 4L << 20;
  /** Producer capacity kept above the consumer's rate when parking workers. */
  static final double HEADROOM = 1.25;
  /** Default ring slots, as without a budget. */
  static final int DEFAULT_SLOTS = 4;
  /** Default samples in flight per thread, as without a budget. */
  static final int IN_FLIGHT_PER_THREAD = 4;

  private Autotune() {}

  /**
   * The bytes each setting costs.
   *
   * @param slotBytes one ring slot
   * @param sampleBytes one sample buffer
   * @param workerBytes one decode worker's kept read buffer and scratch (0 where samples come processed)
   */
  record Costs(long slotBytes, long sampleBytes, long workerBytes) {
    /** The bytes of {@code slots} slots, {@code inFlight + threads} sample buffers and {@code threads} workers, exact. */
    long bytes(int threads, int inFlight, int slots) {
      try {
        return Math.addExact(Math.addExact(Math.multiplyExact(slots, slotBytes),
            Math.multiplyExact((long) inFlight + threads, sampleBytes)), Math.multiplyExact(threads, workerBytes));
      } catch (ArithmeticException e) {
        return Long.MAX_VALUE;
      }
    }

    Tuning tuning(boolean autotuned, long budget, int threads, int inFlight, int slots, String reason) {
      return new Tuning(autotuned, budget, threads, threads, inFlight, slots, slots * slotBytes,
          ((long) inFlight + threads) * sampleBytes, threads * workerBytes, reason);
    }
  }

  /**
   * What the user asked for; 0 where a value was left to the loader.
   *
   * @param threads the user's threads, or 0
   * @param inFlight the user's in-flight samples, or 0
   * @param slots the user's ring slots, or 0
   * @param cores the machine's cores: the most threads chosen
   */
  record Asked(int threads, int inFlight, int slots, int cores) {}

  /** The settings as given, without a budget: the defaults for what was left open. */
  static Tuning fixed(Costs costs, Asked asked) {
    int threads = asked.threads() > 0 ? asked.threads() : Math.max(1, asked.cores());
    int inFlight = asked.inFlight() > 0 ? asked.inFlight() : IN_FLIGHT_PER_THREAD * threads;
    int slots = asked.slots() > 0 ? asked.slots() : DEFAULT_SLOTS;
    return costs.tuning(false, 0, threads, inFlight, slots, "no memory budget");
  }

  /**
   * The largest settings inside {@code budget}, in the order of preference of the class
   * documentation, keeping every value the user set.
   *
   * @throws MemoryLimitException naming memoryBudget and the smallest budget that would do
   */
  static Tuning choose(long budget, Costs costs, Asked asked) {
    int most = asked.threads() > 0 ? asked.threads() : Math.max(1, asked.cores());
    int least = asked.threads() > 0 ? asked.threads() : 1;
    for (int threads = most; threads >= least; threads--) {
      for (int[] step : ladder(threads, threads == least, asked)) {
        if (costs.bytes(threads, step[1], step[0]) <= budget) {
          return costs.tuning(true, budget, threads, step[1], step[0], reason(asked, costs, budget, threads, most));
        }
      }
    }
    int inFlight = asked.inFlight() > 0 ? asked.inFlight() : 1;
    int slots = asked.slots() > 0 ? asked.slots() : 1;
    long minimum = costs.bytes(least, inFlight, slots);
    throw new MemoryLimitException(String.format(Locale.ROOT, "memoryBudget: %,d bytes cannot hold the smallest "
            + "setting, %d thread(s), %d sample(s) in flight and %d ring slot(s), which needs %,d bytes (a ring slot "
            + "%,d, a sample buffer %,d, a worker's read buffer and scratch %,d); raise memoryBudget to at least %,d "
            + "bytes, or lower batchSize, the output size or maxScratchBytes",
        budget, least, inFlight, slots, minimum, costs.slotBytes(), costs.sampleBytes(), costs.workerBytes(),
        minimum));
  }

  /**
   * The (slots, inFlight) steps for {@code threads}, largest first, with the user's values in
   * place; for the fewest threads it may take ({@code last}), down to one sample in flight.
   */
  private static List<int[]> ladder(int threads, boolean last, Asked asked) {
    int[][] steps = {{DEFAULT_SLOTS, IN_FLIGHT_PER_THREAD * threads}, {DEFAULT_SLOTS, 2 * threads},
        {2, 2 * threads}, {2, threads}, {1, threads}, {1, last ? 1 : threads}};
    List<int[]> out = new ArrayList<>();
    for (int[] step : steps) {
      int[] s = {asked.slots() > 0 ? asked.slots() : step[0], asked.inFlight() > 0 ? asked.inFlight() : step[1]};
      if (out.stream().noneMatch(o -> o[0] == s[0] && o[1] == s[1])) {
        out.add(s);
      }
    }
    return out;
  }

  private static String reason(Asked asked, Costs costs, long budget, int threads, int most) {
    List<String> said = new ArrayList<>();
    if (asked.threads() > 0) {
      said.add("threads as given");
    }
    if (asked.inFlight() > 0) {
      said.add("in-flight as given");
    }
    if (asked.slots() > 0) {
      said.add("ring slots as given");
    }
    int topInFlight = asked.inFlight() > 0 ? asked.inFlight() : IN_FLIGHT_PER_THREAD * most;
    int topSlots = asked.slots() > 0 ? asked.slots() : DEFAULT_SLOTS;
    long top = costs.bytes(most, topInFlight, topSlots);
    said.add(top <= budget ? "the budget holds the full setting"
        : String.format(Locale.ROOT, "memory-bound: %d threads, %d in flight and %d slots would need %,d bytes",
            most, topInFlight, topSlots, top));
    return String.join(", ", said);
  }

  /**
   * What one calibration window measured.
   *
   * @param workerNanos a worker's mean time per image (read, decode, augment and collate)
   * @param consumerNanos the consumer's mean time per batch
   * @param batchSize samples per batch
   * @param consumerWaitPercent the consumer's share of the window spent waiting for data
   * @param samples samples delivered in the window
   */
  record Measured(double workerNanos, double consumerNanos, int batchSize, double consumerWaitPercent, long samples) {}

  /**
   * How many of {@code threads} workers to keep decoding, and why.
   *
   * @param active workers to keep, in {@code [1, threads]}
   * @param why one clause for the summary
   */
  record Decision(int active, String why) {}

  /** The workers to keep after a calibration window that measured {@code m}. */
  static Decision activeWorkers(int threads, Measured m) {
    if (m.samples() == 0 || m.workerNanos() <= 0) {
      return new Decision(threads, "calibration measured nothing; all workers kept");
    }
    if (m.consumerWaitPercent() >= BottleneckRules.PRODUCER_BOUND_WAIT_PERCENT) {
      return new Decision(threads, String.format(Locale.ROOT, "producer-bound in calibration (the consumer waited "
          + "%.0f%%, a worker takes %.2f ms per image): all %d workers kept", m.consumerWaitPercent(),
          m.workerNanos() / 1e6, threads));
    }
    if (m.consumerNanos() <= 0) {
      return new Decision(threads, "consumer took no measurable time; all workers kept");
    }
    double consumerRate = m.batchSize() * 1e9 / m.consumerNanos();
    double workerRate = 1e9 / m.workerNanos();
    int need = (int) Math.min(threads, Math.max(1, Math.ceil(HEADROOM * consumerRate / workerRate)));
    return new Decision(need, String.format(Locale.ROOT, "consumer-bound in calibration (it takes %,.0f images/s, "
            + "one worker makes %,.0f): %d of %d workers kept%s", consumerRate, workerRate, need, threads,
        need < threads ? ", the rest parked" : ""));
  }
}
