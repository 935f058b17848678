package dev.stoker.cuda.checks;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * For {@link GpuChecksExitTest}, in a JVM of its own: a run whose check is stuck for good (it parks
 * again whenever interrupted, as a thread inside a driver call would ignore the interrupt), ended
 * through the exit path {@link GpuChecks#main} uses.
 */
final class StuckCheckMain {
  private StuckCheckMain() {}

  public static void main(String[] args) {
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    GpuChecks.exit(() -> new GpuChecks(Options.parse(new String[] {"--timeout", "1"}), out)
        .withDevice(() -> new Device(true, "", "Fake GPU", 13000, 90))
        .withPreflight(env -> Verdict.pass("ok"))
        .withChecks(List.of(new GpuChecks.Check("stuck", env -> {
          while (true) {
            LockSupport.park();
          }
        }), new GpuChecks.Check("after", env -> Verdict.pass("ok")))).execute());
  }
}
