package dev.stoker.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stoker.api.RunSummary;
import dev.stoker.api.TransformSpec;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The memory budget stated on {@link LoaderBuilder#inFlight} holds while the consumer stalls. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BoundedMemoryTest {
  private static final int SIZE = 200_000;
  private static final int IN_FLIGHT = 8;
  private static final int THREADS = 2;

  @Test
  void run_consumerStallsOnALargeDataset_offHeapWithinBudgetAndHeapFlat() throws Exception {
    FakeSamples.Source source = new FakeSamples.Source(SIZE);
    RecordingRing.Factory rings = new RecordingRing.Factory();
    try (ReactorLoader loader = (ReactorLoader) Loader.builder()
        .source(source)
        .decoder(new FakeSamples.Decoder())
        .transforms(List.of(new TransformSpec.Resize(32, 32)))
        .batchSize(16)
        .threads(THREADS)
        .inFlight(IN_FLIGHT)
        .ring(rings, 4)
        .build()) {
      CountDownLatch stalled = new CountDownLatch(1);
      CountDownLatch resume = new CountDownLatch(1);
      CompletableFuture<RunSummary> run = CompletableFuture.supplyAsync(() -> loader.run(1, batch -> {
        if (batch.indexInEpoch() == 0) {
          stalled.countDown();
          resume.await(30, TimeUnit.SECONDS);
        }
      }));
      assertThat(stalled.await(20, TimeUnit.SECONDS)).isTrue();
      Thread.sleep(200);
      long heapAtStall = usedHeapAfterGc();
      int readsAtStall = source.reads.get();
      Thread.sleep(1000);
      long heapLater = usedHeapAfterGc();

      assertThat(source.reads.get()).as("reads while stalled").isEqualTo(readsAtStall)
          .isLessThanOrEqualTo(4 * 16 + IN_FLIGHT + THREADS);
      assertThat(loader.offHeapBytes()).isLessThanOrEqualTo(loader.offHeapBudget());
      assertThat(heapLater - heapAtStall).as("heap growth while stalled").isLessThan(8L << 20);

      resume.countDown();
      RunSummary summary = run.get(50, TimeUnit.SECONDS);
      assertThat(summary.delivered()).isEqualTo(SIZE);
      assertThat(loader.offHeapBytes()).isLessThanOrEqualTo(loader.offHeapBudget());
    }
  }

  private static long usedHeapAfterGc() {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    System.gc();
    return memory.getHeapMemoryUsage().getUsed();
  }
}
