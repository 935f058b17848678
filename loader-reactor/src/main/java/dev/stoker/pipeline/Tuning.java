package dev.stoker.pipeline;

/**
 * The loader's concurrency settings and the memory they hold: what {@link LoaderBuilder#memoryBudget}
 * chose (or the settings as given, without a budget), for the run summary.
 *
 * <p>The bytes are bounds, counted before anything is allocated: {@code ringBytes} for the ring's
 * slots, {@code sampleBufferBytes} for {@code inFlight + threads} sample buffers, and
 * {@code workerBytes} for each decode worker's kept read buffer and scratch
 * ({@link LoaderBuilder#maxScratchBytes}); {@link #totalBytes()} is their sum, at most
 * {@code budgetBytes} when there is a budget. {@code activeThreads} is how many of the
 * {@code threads} workers decode after calibration (the rest are parked; their memory is counted
 * all the same).
 *
 * <pre>{@code
 * Tuning t = loader.tuning();
 * System.out.println(t.describe());   // "autotuned within 512.0 MiB: 2 threads (2 active), ..."
 * }</pre>
 *
 * @param autotuned whether a memory budget was given and the loader chose the settings the user left open
 * @param budgetBytes the memory budget, 0 without one
 * @param threads decode workers the loader may run (the maximum), 0 for samples processed elsewhere
 * @param activeThreads decode workers decoding now (after calibration, {@code <= threads})
 * @param inFlight samples read or decoded at once, ahead of the ring
 * @param ringSlots batch slots in the ring
 * @param ringBytes bytes of the ring's slots
 * @param sampleBufferBytes bytes of the sample buffers, {@code (inFlight + threads)} samples
 * @param workerBytes bytes each worker may keep (read buffer and scratch), times {@code threads}
 * @param reason why these values: which the user set, what bounded them, what calibration found
 */
public record Tuning(boolean autotuned, long budgetBytes, int threads, int activeThreads, int inFlight, int ringSlots,
    long ringBytes, long sampleBufferBytes, long workerBytes, String reason) {

  /**
   * The bytes the settings hold at most: ring, sample buffers and workers.
   *
   * @return the sum of the three counts
   */
  public long totalBytes() {
    return ringBytes + sampleBufferBytes + workerBytes;
  }

  /**
   * The same settings with {@code active} workers decoding and {@code why} said after the reason.
   *
   * @param active workers decoding, at most {@link #threads()}
   * @param why what calibration found
   * @return the updated tuning
   */
  Tuning withActive(int active, String why) {
    return new Tuning(autotuned, budgetBytes, threads, active, inFlight, ringSlots, ringBytes, sampleBufferBytes,
        workerBytes, reason + "; " + why);
  }

  /**
   * One line for a run summary.
   *
   * @return e.g. {@code autotuned within 512.0 MiB: 2 threads (2 active), 8 in flight, 4 ring slots; holds ...}
   */
  public String describe() {
    return String.format(java.util.Locale.ROOT,
        "%s: %d threads (%d active), %d in flight, %d ring slots; holds at most %s (ring %s, sample buffers %s, "
            + "workers %s); %s",
        autotuned ? "autotuned within " + mib(budgetBytes) : "settings as given", threads, activeThreads, inFlight,
        ringSlots, mib(totalBytes()), mib(ringBytes), mib(sampleBufferBytes), mib(workerBytes), reason);
  }

  private static String mib(long bytes) {
    return String.format(java.util.Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
  }
}
