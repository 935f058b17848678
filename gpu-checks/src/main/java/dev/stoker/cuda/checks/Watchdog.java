package dev.stoker.cuda.checks;

import dev.stoker.api.internal.Checks;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * Runs one check on a daemon thread of its own and gives up on it after a time limit. A check that
 * is still running then is reported as timed out, with the stacks of its thread and of every thread
 * started while it ran (the feed's consumer thread, its producer), and is interrupted; being a
 * daemon, a thread stuck for good (in a driver call) cannot keep the JVM alive.
 *
 * <pre>{@code
 * Watchdog.Outcome o = Watchdog.run("ring round trip", () -> check(), Duration.ofSeconds(30));
 * if (o.timedOut()) System.out.println(o.threadDump());
 * }</pre>
 */
final class Watchdog {
  /** Frames shown per thread in a dump. */
  private static final int FRAMES = 40;
  /** How long an interrupted check gets to end before the run goes on without it. */
  private static final long GRACE_MILLIS = 2_000;

  private Watchdog() {}

  /**
   * How a check ended.
   *
   * @param passed whether it passed
   * @param detail what it found, or why it failed (the exception it threw, named; the time it hung)
   * @param error what it threw, or {@code null}
   * @param seconds how long it ran (up to the limit when it timed out)
   * @param timedOut whether it was still running at the limit
   * @param threadDump the stacks at the limit, {@code ""} unless it timed out
   */
  record Outcome(boolean passed, String detail, Throwable error, double seconds, boolean timedOut,
      String threadDump) {}

  /** Runs {@code check} for at most {@code limit}; a {@code null} verdict is a failure. */
  static Outcome run(String name, Callable<Verdict> check, Duration limit) {
    Checks.notNull(name, "name");
    Checks.notNull(check, "check");
    Checks.notNull(limit, "limit");
    Set<Thread> before = new HashSet<>(Thread.getAllStackTraces().keySet());
    Verdict[] result = {null};
    Throwable[] error = {null};
    Thread thread = Thread.ofPlatform().name("gpu-check " + name).daemon().unstarted(() -> {
      try {
        result[0] = check.call();
      } catch (Throwable e) {
        error[0] = e;
      }
    });
    long start = System.nanoTime();
    thread.start();
    boolean finished = join(thread, limit.toMillis());
    double seconds = (System.nanoTime() - start) / 1e9;
    if (!finished) {
      String dump = dump(thread, before);
      thread.interrupt();
      join(thread, GRACE_MILLIS);
      return new Outcome(false, String.format("timed out after %.0f s (thread dump above)", seconds), null, seconds,
          true, dump);
    }
    if (error[0] != null) {
      return new Outcome(false, describe(error[0]), error[0], seconds, false, "");
    }
    if (result[0] == null) {
      return new Outcome(false, "the check returned no verdict", null, seconds, false, "");
    }
    return new Outcome(result[0].passed(), result[0].detail(), null, seconds, false, "");
  }

  /** Waits for {@code thread} up to {@code millis}; an interrupt of the caller ends the wait early. */
  private static boolean join(Thread thread, long millis) {
    try {
      return thread.join(Duration.ofMillis(millis));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return !thread.isAlive();
    }
  }

  /** The exception and, when it wraps another, its root cause: e.g. {@code "LoaderException: ... (cause: ...)"}. */
  static String describe(Throwable error) {
    Throwable root = error;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String text = error.getClass().getSimpleName() + ": " + error.getMessage();
    return root == error ? text : text + " (cause: " + root.getClass().getName() + ": " + root.getMessage() + ")";
  }

  /** The stacks of {@code check} and of every live thread that was not there before it started. */
  static String dump(Thread check, Set<Thread> before) {
    StringBuilder out = new StringBuilder();
    Map<Thread, StackTraceElement[]> all = Thread.getAllStackTraces();
    append(out, check, check.getStackTrace());
    for (Map.Entry<Thread, StackTraceElement[]> e : all.entrySet()) {
      Thread t = e.getKey();
      if (t != check && t != Thread.currentThread() && !before.contains(t) && t.isAlive()) {
        append(out, t, e.getValue());
      }
    }
    return out.toString();
  }

  private static void append(StringBuilder out, Thread thread, StackTraceElement[] stack) {
    out.append("  \"").append(thread.getName()).append("\" ").append(thread.getState()).append(System.lineSeparator());
    for (int i = 0; i < Math.min(stack.length, FRAMES); i++) {
      out.append("      at ").append(stack[i]).append(System.lineSeparator());
    }
    if (stack.length > FRAMES) {
      out.append("      ... ").append(stack.length - FRAMES).append(" more").append(System.lineSeparator());
    }
  }
}
