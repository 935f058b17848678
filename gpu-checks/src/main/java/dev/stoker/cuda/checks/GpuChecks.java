package dev.stoker.cuda.checks;

import dev.stoker.api.internal.Checks;
import dev.stoker.cuda.CudaStatus;
import java.io.IOException;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The checks that need a GPU, in one command that cannot pass by accident. First a preflight
 * loads every kernel module and launches each kernel once; then a pinned-ring round trip with
 * data verification, each kernel against its CPU reference, the copy/compute overlap, host-to-device
 * bandwidth against a plain pinned copy, and the consumer's wait with a synthetic step. Each check
 * runs under a watchdog ({@code --timeout}, default 120 s): one that hangs fails with a thread dump
 * and ends the run. Every feed check asserts that each batch asked for was produced, consumed and
 * stepped (more than none). Prints one line per check and ends with {@code N passed, M failed};
 * exits 0 only when something passed and nothing failed, 2 on a bad command line. Without a usable
 * CUDA driver it fails (exit 1) unless told {@code --allow-no-gpu}. {@code --json FILE} also writes
 * the results as one JSON object; {@code --preflight-only} stops after the preflight.
 *
 * <p>On the driver stand-in (a test fixture whose device name says "stand-in") the sizes are the
 * small {@code --quick} ones, no speed target is asserted, and every measured speed is labeled as
 * the stand-in's, not a GPU's.
 *
 * <pre>
 * java -cp "$CLASSPATH" dev.stoker.cuda.checks.GpuChecks --json gpu-checks.json
 * </pre>
 */
public final class GpuChecks {
  /** One check: returns its verdict, or throws (a failure naming the exception). */
  @FunctionalInterface
  interface Body {
    Verdict run(CheckEnv env) throws Exception;
  }

  /** A named check. */
  record Check(String name, Body body) {
    Check {
      Checks.notNull(name, "name");
      Checks.notNull(body, "body");
    }
  }

  /** The checks after the preflight, in order. */
  static final List<Check> CHECKS = List.of(
      new Check("ring round trip", FeedChecks::roundTrip),
      new Check("normalize kernels vs CPU reference", KernelChecks::normalize),
      new Check("trainer kernels vs CPU reference", KernelChecks::trainer),
      new Check("copy/compute overlap", FeedChecks::overlap),
      new Check("H2D bandwidth", FeedChecks::bandwidth),
      new Check("consumer wait", FeedChecks::consumerWait));
  static final String PREFLIGHT = "preflight";
  /** Frames of a failed check's exception that are printed. */
  private static final int TRACE_FRAMES = 12;

  private final Options options;
  private final PrintStream out;
  private Supplier<Device> cuda = () -> Device.of(CudaStatus.probe());
  private Sizes sizes;
  private Body preflight = env -> Preflight.run(env, Preflight.KERNELS);
  private List<Check> checks = CHECKS;
  private int producerFailsAt = -1;

  GpuChecks(Options options, PrintStream out) {
    this.options = Checks.notNull(options, "options");
    this.out = Checks.notNull(out, "out");
  }

  /** Runs the checks and exits with {@link #run(String[], PrintStream)}'s status. */
  public static void main(String[] args) {
    exit(() -> run(args, System.out));
  }

  /**
   * Exits the JVM with the status {@code run} returns (1 if it throws): a check thread stuck in a
   * driver call, abandoned by its watchdog, must not keep the process alive.
   */
  static void exit(Supplier<Integer> run) {
    int code;
    try {
      code = run.get();
    } catch (Throwable e) {
      e.printStackTrace(System.out);
      System.out.println("0 passed, 1 failed: GpuChecks itself (" + Watchdog.describe(e) + ")");
      code = 1;
    }
    System.out.flush();
    System.exit(code);
  }

  /** {@link #main}'s work without the exit: returns the exit status (0 all passed, 1 failed, 2 usage). */
  static int run(String[] args, PrintStream out) {
    Locale.setDefault(Locale.ROOT);
    Options options;
    try {
      options = Options.parse(args);
    } catch (IllegalArgumentException e) {
      out.println("GpuChecks: " + e.getMessage());
      out.println(Options.USAGE);
      return 2;
    }
    return new GpuChecks(options, out).execute();
  }

  /** Uses {@code device} instead of probing CUDA (tests). */
  GpuChecks withDevice(Supplier<Device> device) {
    this.cuda = Checks.notNull(device, "device");
    return this;
  }

  /** Uses {@code value} whatever the options and device say (tests). */
  GpuChecks withSizes(Sizes value) {
    this.sizes = Checks.notNull(value, "value");
    return this;
  }

  /** Preflights {@code kernels} instead of {@link Preflight#KERNELS} (tests). */
  GpuChecks withPreflight(List<Preflight.Kernel> kernels) {
    List<Preflight.Kernel> list = List.copyOf(kernels);
    return withPreflight(env -> Preflight.run(env, list));
  }

  /** Runs {@code body} as the preflight (tests). */
  GpuChecks withPreflight(Body body) {
    this.preflight = Checks.notNull(body, "body");
    return this;
  }

  /** Runs {@code list} after the preflight instead of {@link #CHECKS} (tests). */
  GpuChecks withChecks(List<Check> list) {
    this.checks = List.copyOf(list);
    return this;
  }

  /** Makes every synthetic producer throw at batch {@code n} (tests). */
  GpuChecks withProducerFailingAt(int n) {
    this.producerFailsAt = n;
    return this;
  }

  int execute() {
    Map<String, Double> measured = new ConcurrentHashMap<>();
    Report report = new Report(measured);
    Device status = cuda.get();
    boolean standin = status.standin();
    report.device(status, options);
    if (!status.usable()) {
      out.println("CUDA unavailable: " + status.reason());
      if (!options.allowNoGpu()) {
        out.println("FAIL cuda: CUDA is unusable here; pass --allow-no-gpu to accept a machine without a GPU");
        report.add(new Report.Entry("cuda", false, 0, "CUDA unusable: " + status.reason(), ""));
      } else {
        out.println("nothing checked without a GPU (--allow-no-gpu)");
      }
      return finish(report, options.allowNoGpu() ? 0 : report.exitCode());
    }
    boolean quick = options.quick() || standin;
    Sizes run = sizes != null ? sizes : quick ? Sizes.quick() : Sizes.full();
    boolean speedTargets = !quick;
    String note = standin ? " [stand-in, not a GPU figure]" : quick ? " [--quick sizes]" : "";
    out.printf("GPU: %s, compute %s, driver CUDA %s, Java %s%s%n", status.name(), status.compute(), status.driver(),
        Runtime.version(),
        standin ? " (the CUDA driver stand-in: a test fixture; nothing it measures is a GPU figure)" : "");
    out.printf("sizes: %s; speed targets %s; watchdog %d s per check%n",
        quick ? "quick (" + (options.quick() ? "--quick" : "the stand-in") + ")" : "full",
        speedTargets ? "asserted" : "not asserted", options.timeout().toSeconds());
    CheckEnv env = new CheckEnv(out, run, speedTargets, note, measured, producerFailsAt);
    Watchdog.Outcome pre = check(report, new Check(PREFLIGHT, preflight), env);
    if (!pre.passed()) {
      out.println("preflight failed: " + pre.detail() + "; no checks run");
      return finish(report, report.exitCode());
    }
    if (!options.preflightOnly()) {
      for (int i = 0; i < checks.size(); i++) {
        Watchdog.Outcome outcome = check(report, checks.get(i), env);
        if (outcome.timedOut()) {
          List<Check> rest = checks.subList(i + 1, checks.size());
          out.printf("stopping: %s hung; %d checks not run%n", checks.get(i).name(), rest.size());
          for (Check c : rest) {
            report.add(new Report.Entry(c.name(), false, 0, "not run: " + checks.get(i).name() + " hung before it",
                ""));
          }
          break;
        }
      }
    }
    return finish(report, report.exitCode());
  }

  private Watchdog.Outcome check(Report report, Check check, CheckEnv env) {
    Watchdog.Outcome o = Watchdog.run(check.name(), () -> check.body().run(env), options.timeout());
    if (o.timedOut()) {
      out.printf("  %s: still running after %.0f s; its threads:%n%s", check.name(), o.seconds(), o.threadDump());
    } else if (o.error() != null) {
      printTrace(o.error());
    }
    out.printf("%s %s (%.1f s)%s%n", o.passed() ? "PASS" : "FAIL", check.name(), o.seconds(),
        o.detail().isEmpty() ? "" : ": " + o.detail());
    report.add(new Report.Entry(check.name(), o.passed(), o.seconds(), o.detail(), o.threadDump()));
    return o;
  }

  private void printTrace(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
      out.println((t == error ? "  " : "  caused by: ") + t);
      StackTraceElement[] stack = t.getStackTrace();
      for (int i = 0; i < Math.min(stack.length, TRACE_FRAMES); i++) {
        out.println("      at " + stack[i]);
      }
    }
  }

  private int finish(Report report, int exitCode) {
    out.println(report.summary());
    if (options.json() != null) {
      try {
        report.write(options.json(), exitCode);
      } catch (IOException | RuntimeException e) {
        out.println("GpuChecks: cannot write " + options.json() + ": " + e);
        return 1;
      }
    }
    return exitCode;
  }
}
