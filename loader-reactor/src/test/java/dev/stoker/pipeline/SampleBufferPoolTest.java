package dev.stoker.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A pool nobody closes (a node's sample maker, dropped when its plan leaves the node's cache) must
 * not keep its native memory: FFM allocations are counted in the JVM's "direct" buffer pool.
 */
class SampleBufferPoolTest {
  private static final long BYTES = 4L << 20;
  private static final int BUFFERS = 16;

  @Test
  void freedByGc_poolAndBuffersDropped_memoryReturns() throws InterruptedException {
    long before = settledDirectBytes();
    fill(SampleBufferPool.freedByGc(BYTES, 0));
    assertThat(directBytes() - before).as("allocated").isGreaterThanOrEqualTo(BUFFERS * BYTES);

    long after = Long.MAX_VALUE;
    for (int i = 0; i < 100 && after - before >= BYTES; i++) {
      System.gc();
      Thread.sleep(50);
      after = directBytes();
    }
    assertThat(after - before).as("native bytes still held after the pool became unreachable").isLessThan(BYTES);
  }

  @Test
  void freedByGc_buffersStillHeld_memoryStays_negativeControl() throws InterruptedException {
    long before = settledDirectBytes();
    List<SampleBuffer> held = fill(SampleBufferPool.freedByGc(BYTES, 0));
    for (int i = 0; i < 10; i++) {
      System.gc();
      Thread.sleep(20);
    }
    assertThat(directBytes() - before).as("reachable buffers keep their memory").isGreaterThanOrEqualTo(BUFFERS * BYTES);
    assertThat(held).hasSize(BUFFERS);
  }

  private static List<SampleBuffer> fill(SampleBufferPool pool) {
    List<SampleBuffer> buffers = new ArrayList<>();
    for (int i = 0; i < BUFFERS; i++) {
      buffers.add(pool.acquire());
    }
    return buffers;
  }

  /** Direct bytes in use once garbage from earlier tests has been collected and freed. */
  private static long settledDirectBytes() throws InterruptedException {
    long last = Long.MAX_VALUE;
    for (int i = 0; i < 50; i++) {
      System.gc();
      Thread.sleep(20);
      long now = directBytes();
      if (now == last) {
        return now;
      }
      last = now;
    }
    return last;
  }

  private static long directBytes() {
    return ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
        .filter(p -> p.getName().equals("direct")).mapToLong(BufferPoolMXBean::getMemoryUsed).sum();
  }
}
