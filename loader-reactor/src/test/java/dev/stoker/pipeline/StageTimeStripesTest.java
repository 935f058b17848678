package dev.stoker.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stoker.api.Stage;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The per-thread holding of per-sample stage times: under many threads every time reaches the
 * meters exactly once, held times are not visible before a flush (the negative control that shows
 * the flush matters), and a new generation hands a stripe's times on at its next record.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StageTimeStripesTest {
  private static final int THREADS = 16;
  /** Not a multiple of {@link StageTimeStripes#RUN}: every thread leaves times held. */
  private static final int PER_THREAD = 20_011;

  /** What a sink saw: each value's count, under the sink's lock. */
  private static final class Seen implements StageTimeStripes.Sink {
    final int[][] counts;
    long total;

    Seen(int stages, int values) {
      counts = new int[stages][values];
    }

    @Override
    public synchronized void record(int stage, long nanos) {
      counts[stage][(int) nanos]++;
      total++;
    }

    synchronized long total() {
      return total;
    }

    /** Values of {@code stage} seen other than exactly once, among the first {@code values}. */
    synchronized int notOnce(int stage, int values) {
      int wrong = 0;
      for (int v = 0; v < values; v++) {
        wrong += counts[stage][v] == 1 ? 0 : 1;
      }
      return wrong;
    }
  }

  /** Runs {@code work(thread)} on {@code THREADS} threads started together; returns once all ended. */
  private static void onThreads(java.util.function.IntConsumer work) throws InterruptedException {
    CountDownLatch go = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      int thread = t;
      threads.add(Thread.ofPlatform().start(() -> {
        try {
          go.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
        work.accept(thread);
      }));
    }
    go.countDown();
    for (Thread t : threads) {
      t.join();
    }
  }

  @Test
  void record_manyThreadsThenFlush_everyTimeReachesTheSinkExactlyOnce() throws InterruptedException {
    int values = THREADS * PER_THREAD;
    Seen seen = new Seen(2, values);
    StageTimeStripes stripes = new StageTimeStripes(2, 4, seen); // fewer stripes than threads: shared stripes too

    onThreads(t -> {
      for (int i = 0; i < PER_THREAD; i++) {
        stripes.record(i & 1, (long) t * PER_THREAD + i);
      }
    });
    long beforeFlush = seen.total();
    stripes.flush();

    assertThat(beforeFlush).as("negative control: held times are not visible before the flush")
        .isLessThan(values);
    assertThat(seen.total()).isEqualTo(values);
    // stage 0 got the even i of each thread, stage 1 the odd: each value once, in its own stage
    int wrong = 0;
    for (int t = 0; t < THREADS; t++) {
      for (int i = 0; i < PER_THREAD; i++) {
        int v = t * PER_THREAD + i;
        wrong += seen.counts[i & 1][v] == 1 && seen.counts[1 - (i & 1)][v] == 0 ? 0 : 1;
      }
    }
    assertThat(wrong).as("values not seen exactly once in their stage").isZero();
  }

  @Test
  void flush_twice_handsNothingOnTwice() {
    Seen seen = new Seen(1, 10);
    StageTimeStripes stripes = new StageTimeStripes(1, 1, seen);
    for (int v = 0; v < 10; v++) {
      stripes.record(0, v);
    }

    stripes.flush();
    stripes.flush();

    assertThat(seen.total()).isEqualTo(10);
    assertThat(seen.notOnce(0, 10)).isZero();
  }

  @Test
  void record_fullRun_handedOnWithoutAFlush() {
    Seen seen = new Seen(1, StageTimeStripes.RUN + 1);
    StageTimeStripes stripes = new StageTimeStripes(1, 1, seen);

    for (int v = 0; v < StageTimeStripes.RUN - 1; v++) {
      stripes.record(0, v);
    }
    long oneShort = seen.total();
    stripes.record(0, StageTimeStripes.RUN - 1);

    assertThat(oneShort).isZero();
    assertThat(seen.total()).isEqualTo(StageTimeStripes.RUN);
  }

  @Test
  void nextGeneration_thenARecord_handsOnWhatTheStripeHeldBefore() {
    Seen seen = new Seen(2, 20);
    StageTimeStripes stripes = new StageTimeStripes(2, 1, seen);
    for (int v = 0; v < 10; v++) {
      stripes.record(v & 1, v);
    }
    long sameGeneration = seen.total();

    stripes.nextGeneration();
    stripes.record(0, 10);

    assertThat(sameGeneration).isZero();
    assertThat(seen.total()).as("the ten held before, of both stages; the new one held").isEqualTo(10);
  }

  @Test
  void constructor_stripes_roundedUpToAPowerOfTwo() {
    StageTimeStripes.Sink none = (stage, nanos) -> { };

    assertThat(new StageTimeStripes(1, 5, none).stripes()).isEqualTo(8);
    assertThat(new StageTimeStripes(1, 8, none).stripes()).isEqualTo(8);
    assertThat(new StageTimeStripes(1, 0, none).stripes()).isEqualTo(1);
    assertThat(StageTimeStripes.stripesFor(2, 2)).isEqualTo(8);
    assertThat(StageTimeStripes.stripesFor(2, 16)).isEqualTo(32);
    assertThat(StageTimeStripes.stripesFor(64, 64)).isEqualTo(128);
  }

  @Test
  void pipelineMetrics_manyWorkers_countsTotalsAndHistogramExactInBothRegistries() throws InterruptedException {
    SimpleMeterRegistry user = new SimpleMeterRegistry();
    try (PipelineMetrics metrics = new PipelineMetrics(user, null)) {
      onThreads(t -> {
        for (int i = 0; i < PER_THREAD; i++) {
          metrics.read(1_000);
          metrics.sample(2_000, 3_000);
        }
      });
      long userBeforeFlush = user.get(PipelineMetrics.STAGE_TIMER).tag("stage", Stage.DECODE.tag()).timer().count();

      long decoded = metrics.count(Stage.DECODE); // flushes first
      long total = (long) THREADS * PER_THREAD;

      assertThat(userBeforeFlush).as("negative control: held times are not in the meters before a flush")
          .isLessThan(total);
      assertThat(decoded).isEqualTo(total);
      assertThat(metrics.count(Stage.READ)).isEqualTo(total);
      assertThat(metrics.count(Stage.AUGMENT)).isEqualTo(total);
      assertThat(metrics.totalNanos(Stage.AUGMENT)).isEqualTo(3_000.0 * total);
      assertThat(java.util.Arrays.stream(metrics.histogram(Stage.READ)).sum()).isEqualTo(total);
      assertThat(user.get(PipelineMetrics.STAGE_TIMER).tag("stage", Stage.DECODE.tag()).timer().count())
          .as("the user's registry too").isEqualTo(total);
    }
  }
}
