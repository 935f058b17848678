package dev.stoker.cuda.checks;

import dev.stoker.api.internal.Checks;
import java.io.PrintStream;
import java.util.Map;

/**
 * What every check gets: where to print, how big to run, whether speed targets count, and where
 * to leave the numbers the JSON report carries.
 *
 * <pre>{@code
 * CheckEnv env = new CheckEnv(System.out, Sizes.full(), true, "", new ConcurrentHashMap<>(), -1);
 * Verdict v = FeedChecks.roundTrip(env);
 * }</pre>
 *
 * @param out where the checks print their indented lines
 * @param sizes how much work each check does
 * @param speedTargets whether the speed targets (bandwidth ratio, overlap share, consumer wait) are
 *     asserted: only with full sizes on a real GPU, never on the stand-in
 * @param figureNote appended to every line that shows a measured speed, e.g. that it comes from
 *     the stand-in and is no GPU figure; {@code ""} on a GPU
 * @param measured the numbers for the JSON report, by key ({@code h2d_gb_s_feed}, ...)
 * @param producerFailsAt the batch at which the synthetic producers throw, {@code -1} for never (tests)
 */
record CheckEnv(PrintStream out, Sizes sizes, boolean speedTargets, String figureNote, Map<String, Double> measured,
    int producerFailsAt) {
  CheckEnv {
    Checks.notNull(out, "out");
    Checks.notNull(sizes, "sizes");
    Checks.notNull(figureNote, "figureNote");
    Checks.notNull(measured, "measured");
  }

  /** Records a number for the JSON report (non-finite numbers are left out). */
  void measure(String key, double value) {
    if (Double.isFinite(value)) {
      measured.put(key, value);
    }
  }
}
