package dev.stoker.remote.client;

import io.netty.util.ReferenceCounted;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Releases a received sample's buffer once, however many paths try (the loader after copying,
 * a discard on cancellation, the source giving back what it held).
 */
final class ReleaseOnce implements Runnable {
  private final ReferenceCounted sample;
  private final AtomicBoolean done = new AtomicBoolean();

  ReleaseOnce(ReferenceCounted sample) {
    this.sample = sample;
  }

  @Override
  public void run() {
    if (done.compareAndSet(false, true)) {
      sample.release();
    }
  }
}
