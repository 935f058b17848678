package dev.stoker.cuda.checks;

import dev.stoker.api.BatchLayout;
import dev.stoker.api.BatchRing;
import dev.stoker.api.BatchSlot;
import dev.stoker.cuda.CudaStatus;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;

/**
 * The checks that need a GPU, in one command: a pinned-ring round trip with data verification,
 * each kernel against its CPU reference, the copy/compute overlap timeline, host-to-device
 * bandwidth against a plain pinned copy, and the consumer's wait with a synthetic 5 ms step. Prints
 * one line per check and ends with {@code N passed, N failed}; exits 1 if any failed. Without CUDA
 * it says why and runs nothing.
 *
 * <pre>
 * tar xzf .gpu/bundle.tgz -C /tmp &amp;&amp; /tmp/bundle/run.sh dev.stoker.cuda.checks.GpuChecks
 * </pre>
 */
public final class GpuChecks {
  private final PrintStream out;
  private final List<String> failures = new ArrayList<>();
  private int passed;

  private GpuChecks(PrintStream out) {
    this.out = out;
  }

  /** Runs every check; the exit status is 1 if one failed. */
  public static void main(String[] args) {
    Locale.setDefault(Locale.ROOT);
    CudaStatus cuda = CudaStatus.probe();
    GpuChecks checks = new GpuChecks(System.out);
    if (!cuda.usable()) {
      System.out.println("CUDA unavailable: " + cuda.reason());
      System.out.println("0 passed, 0 failed (nothing to check without a GPU)");
      return;
    }
    System.out.printf("GPU: %s, compute %d.%d, driver CUDA %d.%d, %s%n", cuda.device(), cuda.computeCapability() / 10,
        cuda.computeCapability() % 10, cuda.driverVersion() / 1000, cuda.driverVersion() % 1000 / 10,
        Runtime.version());
    checks.run("ring round trip", () -> FeedChecks.roundTrip(System.out));
    checks.run("kernels vs CPU reference", () -> KernelChecks.all(System.out));
    checks.run("copy/compute overlap", () -> FeedChecks.overlap(System.out));
    checks.run("H2D bandwidth", () -> FeedChecks.bandwidth(System.out));
    checks.run("consumer wait, 5 ms step", () -> FeedChecks.consumerWait(System.out));
    System.out.printf("%d passed, %d failed%s%n", checks.passed, checks.failures.size(),
        checks.failures.isEmpty() ? "" : ": " + String.join(", ", checks.failures));
    if (!checks.failures.isEmpty()) {
      System.exit(1);
    }
  }

  /** Runs one check: it returns {@code null} when it passed, or why it failed. */
  private void run(String name, Callable<String> check) {
    String failure;
    long start = System.nanoTime();
    try {
      failure = check.call();
    } catch (Throwable e) {
      failure = e.toString();
      e.printStackTrace(out);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    if (failure == null) {
      passed++;
      out.printf("PASS %s (%.1f s)%n", name, seconds);
    } else {
      failures.add(name);
      out.printf("FAIL %s (%.1f s): %s%n", name, seconds, failure);
    }
  }

  /**
   * Publishes {@code batches} synthetic batches into {@code ring} from a producer thread: every
   * byte of sample {@code p} of batch {@code n} is {@code pattern(n, p, offset)}.
   */
  static CompletableFuture<Void> produce(BatchRing ring, int batches) {
    BatchLayout layout = ring.layout();
    return CompletableFuture.runAsync(() -> {
      byte[] row = new byte[(int) layout.sampleBytes()];
      for (int n = 0; n < batches; n++) {
        BatchSlot slot;
        while ((slot = ring.tryClaim()) == null) {
          Thread.onSpinWait();
        }
        for (int p = 0; p < layout.batchSize(); p++) {
          for (int i = 0; i < row.length; i++) {
            row[i] = pattern(n, p, i);
          }
          java.lang.foreign.MemorySegment.copy(row, 0, slot.sampleMemory(p), java.lang.foreign.ValueLayout.JAVA_BYTE,
              0, row.length);
          slot.setSample(p, n * layout.batchSize() + p, (n + p) % 10);
        }
        slot.setHeader(0, n, layout.batchSize());
        ring.publish(slot);
      }
      ring.complete();
    });
  }

  /** The byte at {@code offset} of sample {@code p} in batch {@code n}. */
  static byte pattern(int n, int p, int offset) {
    return (byte) (n * 31 + p * 7 + offset * 13 + (offset >>> 8));
  }
}
