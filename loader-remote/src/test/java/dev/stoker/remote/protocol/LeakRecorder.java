package dev.stoker.remote.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CopyOnWriteArraySet;

/**
 * A leak detector factory whose detectors record every leak Netty reports (and still log it), so
 * tests can assert that none happened. Installed by {@link LeakRecorderSession} before any test
 * runs, because Netty creates the {@code ByteBuf} detector once, when the first buffer class loads.
 * Public: the node and client tests assert with it too.
 *
 * <pre>{@code
 * assertThat(LeakRecorder.collect("ByteBuf")).isEmpty();
 * }</pre>
 */
public final class LeakRecorder extends ResourceLeakDetectorFactory {
  /** One reported leak: the resource type and Netty's access records. */
  public record Leak(String resourceType, String records) {}

  private static final List<Leak> LEAKS = new CopyOnWriteArrayList<>();
  private static final Set<String> WATCHED = new CopyOnWriteArraySet<>();
  private static volatile boolean installed;

  private LeakRecorder() {}

  public static synchronized void install() {
    if (!installed) {
      ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(new LeakRecorder());
      installed = true;
    }
  }

  /** Whether the detector of every {@code ByteBuf} is one of ours (Netty makes it on first use). */
  public static boolean watchesByteBufs() {
    UnpooledByteBufAllocator.DEFAULT.heapBuffer(1).release();
    return WATCHED.contains(ByteBuf.class.getSimpleName());
  }

  /**
   * Collects garbage and allocates a little so that detectors look at their reference queues,
   * then returns the leaks of {@code resourceType} recorded so far.
   */
  public static List<Leak> collect(String resourceType) throws InterruptedException {
    for (int i = 0; i < 5; i++) {
      System.gc();
      Thread.sleep(20);
      for (int j = 0; j < 16; j++) {
        ByteBuf probe = UnpooledByteBufAllocator.DEFAULT.heapBuffer(8);
        probe.release();
      }
    }
    return LEAKS.stream().filter(l -> l.resourceType().equals(resourceType)).toList();
  }

  @Override
  public <T> ResourceLeakDetector<T> newResourceLeakDetector(Class<T> resource, int samplingInterval,
      long maxActive) {
    WATCHED.add(resource.getSimpleName());
    return new Recording<>(resource, samplingInterval, true);
  }

  /** Records every leak it reports, and logs it too if {@code log}. */
  static final class Recording<T> extends ResourceLeakDetector<T> {
    private final boolean log;

    Recording(Class<T> resource, int samplingInterval, boolean log) {
      super(resource, samplingInterval);
      this.log = log;
    }

    @Override
    protected boolean needReport() {
      return true; // report even when no logger is configured
    }

    @Override
    protected void reportTracedLeak(String resourceType, String records) {
      LEAKS.add(new Leak(resourceType, records));
      if (log) {
        super.reportTracedLeak(resourceType, records);
      }
    }

    @Override
    protected void reportUntracedLeak(String resourceType) {
      LEAKS.add(new Leak(resourceType, "(untraced)"));
      if (log) {
        super.reportUntracedLeak(resourceType);
      }
    }
  }
}
