package dev.stoker.remote.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakTracker;
import org.junit.jupiter.api.Test;

/** The leak assertions of the codec tests can fail: the recorder does see a leak. */
class LeakRecorderTest {
  /** A resource type of its own, so the leak made here cannot be mistaken for a ByteBuf's. */
  static final class Probe {}

  @Test
  void collect_unreleasedTrackedObject_isRecorded() throws InterruptedException {
    LeakRecorder.install();
    ResourceLeakDetector<Probe> detector = new LeakRecorder.Recording<>(Probe.class, 1, false); // quiet: this leak is on purpose
    leakOne(detector);
    boolean seen = false;
    for (int i = 0; i < 20 && !seen; i++) {
      System.gc();
      Thread.sleep(20);
      Probe fresh = new Probe();
      detector.track(fresh).close(fresh); // makes the detector poll its queue
      seen = !LeakRecorder.collect("LeakRecorderTest$Probe").isEmpty();
    }
    assertThat(seen).isTrue();
  }

  @Test
  void install_beforeAnyBuffer_watchesByteBufs() {
    assertThat(LeakRecorder.watchesByteBufs()).isTrue();
  }

  private static void leakOne(ResourceLeakDetector<Probe> detector) {
    ResourceLeakTracker<Probe> tracker = detector.track(new Probe());
    assertThat(tracker).isNotNull(); // never closed: a leak once the probe is collected
  }
}
