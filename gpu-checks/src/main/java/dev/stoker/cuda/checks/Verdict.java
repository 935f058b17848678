package dev.stoker.cuda.checks;

import dev.stoker.api.internal.Checks;

/**
 * What one check concluded: passed or not, and a one-line detail (what it measured, or why it
 * failed). No raw data: the detail goes into the JSON report as it is.
 *
 * <pre>{@code
 * return bad == 0 ? Verdict.pass("300 batches, every pixel matched") : Verdict.fail(bad + " pixels differ");
 * }</pre>
 *
 * @param passed whether the check passed
 * @param detail one line
 */
record Verdict(boolean passed, String detail) {
  Verdict {
    Checks.notNull(detail, "detail");
  }

  static Verdict pass(String detail) {
    return new Verdict(true, detail);
  }

  static Verdict fail(String detail) {
    return new Verdict(false, detail);
  }

  /** This verdict, failed with {@code why} when {@code why} is not {@code null}. */
  Verdict unless(String why) {
    return why == null ? this : fail(why + (detail.isEmpty() ? "" : "; " + detail));
  }
}
