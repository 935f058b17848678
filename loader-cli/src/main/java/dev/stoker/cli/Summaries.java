package dev.stoker.cli;

import dev.stoker.api.RunSummary;
import dev.stoker.api.SampleFailure;
import java.io.PrintStream;

/** The short human summary printed after a run. */
final class Summaries {
  private static final int FAILURES_SHOWN = 10;

  private Summaries() {}

  static void print(RunSummary s, PrintStream out) {
    out.printf("%,d images in %,d batches over %d epoch(s) in %.2f s: %,.0f images/s; consumer waited %.1f%% of "
            + "the time; decoder %s%n", s.delivered(), s.batches(), s.epochs(), s.seconds(), s.imagesPerSecond(),
        s.consumerWaitPercent(), s.decoder());
    if (s.failed() > 0) {
      out.printf("%,d sample(s) failed and were skipped:%n", s.failed());
      s.failures().stream().limit(FAILURES_SHOWN).map(SampleFailure::describe).forEach(f -> out.println("  " + f));
      if (s.failed() > FAILURES_SHOWN) {
        out.printf("  ... and %,d more%n", s.failed() - FAILURES_SHOWN);
      }
    }
  }
}
