package dev.stoker.cuda.checks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stoker.api.BatchLayout;
import dev.stoker.api.LoaderException;
import dev.stoker.api.RingStats;
import dev.stoker.cuda.DeviceFeed;
import dev.stoker.cuda.DeviceTransform;
import dev.stoker.cuda.PixelType;
import dev.stoker.ring.DisruptorBatchRing;
import dev.stoker.ring.SlotMemory;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The synthetic producer and the close order of a feed run, on the host backend (no GPU needed). */
@Timeout(60)
class FeedRunTest {
  private static final BatchLayout LAYOUT = new BatchLayout(2, 4, 4, 3);

  private static FeedRun hostRun() {
    return FeedRun.open(DeviceFeed.openOnHost(DeviceTransform.imagenet(PixelType.FLOAT32)), LAYOUT, 4);
  }

  @Test
  void drain_producerThrows_drainThrowsItInsteadOfWaiting() {
    try (FeedRun run = hostRun()) {
      run.start(10, new FeedChecks.Samples(LAYOUT, true), 3);

      assertThatThrownBy(() -> run.drain(run.feed().consumer(b -> { }, b -> { })))
          .isInstanceOf(LoaderException.class).rootCause().hasMessageContaining("injected");
      assertThat(run.produced()).isEqualTo(3);
    }
  }

  @Test
  void drain_producerCompletes_everyBatchCountedOnce() {
    AtomicLong stepped = new AtomicLong();
    try (FeedRun run = hostRun()) {
      run.start(10, new FeedChecks.Samples(LAYOUT, true), -1);

      RingStats stats = run.drain(run.feed().consumer(b -> { }, b -> stepped.incrementAndGet()));

      assertThat(stats.batches()).isEqualTo(10);
      assertThat(run.produced()).isEqualTo(10);
      assertThat(run.countsProblem(stats, stepped.get())).isNull();
    }
  }

  @Test
  void countsProblem_zeroBatches_isAProblem() {
    try (FeedRun run = hostRun()) {
      run.start(0, new FeedChecks.Samples(LAYOUT, true), -1);

      RingStats stats = run.drain(run.feed().consumer(b -> { }, b -> { }));

      assertThat(stats.batches()).isZero();
      assertThat(run.countsProblem(stats, 0)).startsWith("zero batches");
    }
  }

  @Test
  void countsProblem_eachMismatch_named() {
    assertThat(FeedRun.countsProblem(10, 10, 10, 10)).isNull();
    assertThat(FeedRun.countsProblem(0, 0, 0, 0)).startsWith("zero batches");
    assertThat(FeedRun.countsProblem(10, 9, 9, 9)).contains("published 9 of 10");
    assertThat(FeedRun.countsProblem(10, 10, 9, 9)).contains("consumer got 9 of 10");
    assertThat(FeedRun.countsProblem(10, 10, 10, 8)).contains("step ran on 8 of 10");
  }

  /** A producer stuck writing into its claimed slot until {@code go} opens; records what the write threw. */
  private static final class SlowWriter implements SyntheticProducer.Filler {
    final CountDownLatch writing = new CountDownLatch(1);
    final CountDownLatch go = new CountDownLatch(1);
    final CountDownLatch wrote = new CountDownLatch(1);
    volatile Throwable writeError;

    @Override
    public void fill(dev.stoker.api.BatchSlot slot, int n) throws Exception {
      writing.countDown();
      go.await();
      try {
        slot.sampleMemory(0).set(ValueLayout.JAVA_BYTE, 0, (byte) 1);
      } catch (Throwable e) {
        writeError = e;
        throw e;
      } finally {
        wrote.countDown();
      }
    }
  }

  @Test
  void close_producerStillWriting_waitsForItBeforeFreeingTheSlots() throws Exception {
    SlowWriter writer = new SlowWriter();
    FeedRun run = hostRun();
    run.start(1, writer, -1);
    writer.writing.await();

    Thread closer = Thread.ofPlatform().start(run::close);
    closer.join(Duration.ofMillis(300)); // time enough for a close that does not wait to free the slots
    writer.go.countDown();
    closer.join();
    writer.wrote.await();

    assertThat(writer.writeError).isNull();
  }

  @Test
  void close_negativeControl_freeingUnderTheWritingProducerBreaksItsWrite() throws Exception {
    SlowWriter writer = new SlowWriter();
    DisruptorBatchRing ring = new DisruptorBatchRing(LAYOUT, 4, SlotMemory.direct());
    SyntheticProducer producer = SyntheticProducer.start(ring, 1, writer, -1);
    writer.writing.await();

    ring.close(); // what the old checks' try-with-resources did while the producer still ran
    writer.go.countDown();
    assertThat(producer.stopAndJoin(Duration.ofSeconds(30))).isTrue();

    assertThat(writer.writeError).isInstanceOf(IllegalStateException.class);
    assertThat(producer.error()).isSameAs(writer.writeError);
  }

  @Test
  void close_producerNeverEnds_throwsAndLeavesTheSlotsAllocated() throws Exception {
    SlowWriter writer = new SlowWriter();
    FeedRun run = hostRun();
    run.start(1, writer, -1);
    writer.writing.await();

    assertThatThrownBy(() -> run.closeWithin(Duration.ofMillis(100))).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("did not end");
    writer.go.countDown();
    writer.wrote.await();
    run.close();

    assertThat(writer.writeError).as("the slot was still allocated when the producer wrote").isNull();
  }

  @Test
  void stopAndJoin_producerWaitingForAFullRing_ends() {
    DisruptorBatchRing ring = new DisruptorBatchRing(LAYOUT, 4, SlotMemory.direct());
    SyntheticProducer producer = SyntheticProducer.start(ring, 100, new FeedChecks.Samples(LAYOUT, true), -1);
    while (producer.published() < 4) {
      Thread.onSpinWait();
    }

    assertThat(producer.stopAndJoin(Duration.ofSeconds(30))).isTrue();
    assertThat(producer.published()).isEqualTo(4);
    assertThat(producer.error()).isNull();
    ring.close();
  }
}
