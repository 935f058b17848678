package dev.stoker.cuda.checks;

import dev.stoker.api.internal.Checks;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The command line of {@link GpuChecks}. Parsed by hand rather than with picocli (the CLI's
 * library): five flags with no subcommands, and the check program's class path stays JCuda,
 * Stoker and Jackson, which the GPU bundle copies as it is.
 *
 * <pre>{@code
 * Options options = Options.parse(new String[] {"--quick", "--json", "out.json"});
 * }</pre>
 *
 * @param allowNoGpu exit 0 when CUDA is unusable (nothing is checked then)
 * @param preflightOnly run the kernel preflight and nothing else
 * @param json where to write the JSON report, or {@code null}
 * @param quick small sizes (seconds on the driver stand-in); speed targets are not asserted
 * @param timeout the watchdog's limit for each check
 */
record Options(boolean allowNoGpu, boolean preflightOnly, Path json, boolean quick, Duration timeout) {
  /** The watchdog's default per-check limit with full sizes: a GPU finishes each check in seconds. */
  static final Duration FULL_TIMEOUT = Duration.ofSeconds(120);
  /** The default per-check limit with {@code --quick}. */
  static final Duration QUICK_TIMEOUT = Duration.ofSeconds(30);

  static final String USAGE = String.join(System.lineSeparator(), List.of(
      "usage: GpuChecks [--allow-no-gpu] [--preflight-only] [--quick] [--json FILE] [--timeout SECONDS]",
      "  --allow-no-gpu    exit 0 when CUDA is unusable (nothing is checked)",
      "  --preflight-only  load every kernel module and launch each kernel once, then stop",
      "  --quick           small sizes, no speed targets (for the driver stand-in)",
      "  --json FILE       also write the results as one JSON object to FILE",
      "  --timeout SECONDS the watchdog's limit per check (default 120, 30 with --quick)"));

  Options {
    Checks.notNull(timeout, "timeout");
    Checks.argument(timeout.isPositive(), "timeout", "must be positive, got " + timeout);
  }

  /** The defaults: full sizes, no JSON, CUDA required. */
  static Options defaults() {
    return new Options(false, false, null, false, FULL_TIMEOUT);
  }

  /** A copy with another per-check limit. */
  Options withTimeout(Duration limit) {
    return new Options(allowNoGpu, preflightOnly, json, quick, limit);
  }

  /**
   * Parses {@code args}.
   *
   * @throws IllegalArgumentException naming the flag for an unknown flag, a missing or bad value, or
   *     a positional argument
   */
  static Options parse(String[] args) {
    Checks.notNull(args, "args");
    boolean allowNoGpu = false;
    boolean preflightOnly = false;
    boolean quick = false;
    Path json = null;
    Duration timeout = null;
    for (int i = 0; i < args.length; i++) {
      String arg = Checks.notNull(args[i], "args[" + i + "]");
      switch (arg) {
        case "--allow-no-gpu" -> allowNoGpu = true;
        case "--preflight-only" -> preflightOnly = true;
        case "--quick" -> quick = true;
        case "--json" -> json = Path.of(value(args, ++i, arg));
        case "--timeout" -> timeout = Duration.ofSeconds(seconds(value(args, ++i, arg)));
        default -> throw new IllegalArgumentException(arg.startsWith("-") ? "unknown flag " + arg
            : "unexpected argument " + arg + " (GpuChecks takes flags only)");
      }
    }
    return new Options(allowNoGpu, preflightOnly, json, quick,
        timeout != null ? timeout : quick ? QUICK_TIMEOUT : FULL_TIMEOUT);
  }

  private static String value(String[] args, int i, String flag) {
    if (i >= args.length || args[i].startsWith("--")) {
      throw new IllegalArgumentException(flag + " needs a value");
    }
    return args[i];
  }

  private static long seconds(String text) {
    try {
      long seconds = Long.parseLong(text);
      if (seconds > 0) {
        return seconds;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException("--timeout: a positive number of seconds, got " + text);
  }
}
