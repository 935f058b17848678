package dev.stoker.testkit;

import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Polls until something another thread does has happened, failing after a generous bound (not a
 * timing assertion). Shared with other modules through loader-reactor's test jar.
 *
 * <pre>{@code
 * Await.until(() -> loader.sampleMemoryFreed(), "sample memory freed");
 * }</pre>
 */
public final class Await {
  private static final long BOUND_SECONDS = 10;

  private Await() {}

  /** Returns once {@code condition} holds; throws an {@link AssertionError} naming {@code what} after 10 s. */
  public static void until(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(BOUND_SECONDS);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(5);
    }
  }
}
