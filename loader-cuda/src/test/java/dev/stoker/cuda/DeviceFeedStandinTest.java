package dev.stoker.cuda;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stoker.api.BatchRing;
import dev.stoker.api.BatchSlot;
import dev.stoker.api.LoaderException;
import dev.stoker.cuda.standin.CudaStandin;
import dev.stoker.cuda.standin.StandinCheck;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The GPU backend of {@link DeviceFeed} on the CUDA driver stand-in: the ring round trip checked
 * value by value ({@link StandinRoundTrip}), the negative controls that show the check catches a
 * transfer without the cross-stream wait and slots released without their fences, and closing a
 * feed under a running producer.
 */
@Tag("standin")
@ExtendWith(StandinCheck.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DeviceFeedStandinTest {
  /** 50 samples in batches of 4: twelve full batches and a last one of 2. */
  private static final int SAMPLES = 50;
  /** Runs of a broken build before a negative control gives up on seeing it caught. */
  private static final int TRIES = 5;

  private static DeviceFeed open(PixelType type) {
    DeviceFeed feed = DeviceFeed.open(StandinRoundTrip.transform(type), 0);
    assertThat(feed.backend()).as("the stand-in's device 0: %s", feed.cuda().reason()).isEqualTo("cuda");
    return feed;
  }

  @ParameterizedTest
  @EnumSource(PixelType.class)
  void roundTrip_partialLastBatch_everyPixelLabelAndBoxMatchesTheReference(PixelType type) throws Exception {
    long before = CudaStandin.liveAllocations();
    StandinRoundTrip.Outcome outcome;
    try (DeviceFeed feed = open(type)) {
      outcome = StandinRoundTrip.run(feed, SAMPLES, 4);
    }

    assertThat(outcome.batches()).isEqualTo(13);
    assertThat(outcome.sizes()).hasSize(13).startsWith(4, 4, 4).endsWith(4, 2);
    assertThat(outcome.ring().samples()).isEqualTo(SAMPLES);
    assertThat(outcome.checkedValues()).as("values compared").isGreaterThan(SAMPLES * 6 * 8 * 3L);
    assertThat(outcome.badPixels()).as("pixels unlike NormalizeReference").isZero();
    assertThat(outcome.badLabels()).as("labels unlike the producer's").isZero();
    assertThat(outcome.badBoxes()).as("boxes unlike the producer's, flipped").isZero();
    assertThat(CudaStandin.liveAllocations()).as("driver objects left after the feed closed").isEqualTo(before);
  }

  @Test
  void roundTrip_negativeControlWithoutTheCrossStreamWait_isCaught() throws Exception {
    assertThat(caughtWithin(CudaTransfer.Ordering.NO_CROSS_STREAM_WAIT))
        .as("a transfer whose compute stream does not wait for the copy gives wrong values").isTrue();
  }

  @Test
  void roundTrip_negativeControlReleasingSlotsWithoutFences_isCaught() throws Exception {
    assertThat(caughtWithin(CudaTransfer.Ordering.NO_RELEASE_FENCE))
        .as("slots handed back before their copies finished are overwritten under them").isTrue();
  }

  /** Whether a round trip through a transfer built with {@code ordering} saw wrong values within {@link #TRIES} runs. */
  private static boolean caughtWithin(CudaTransfer.Ordering ordering) throws Exception {
    for (int i = 0; i < TRIES; i++) {
      try (DeviceFeed feed = open(PixelType.FLOAT32).withOrdering(ordering)) {
        StandinRoundTrip.Outcome outcome = StandinRoundTrip.run(feed, 4 * SAMPLES, 2);
        assertThat(outcome.batches()).isEqualTo(50);
        if (outcome.bad() > 0) {
          return true;
        }
      }
    }
    return false;
  }

  @Test
  void close_underAProducerWritingIntoASlot_theProducerGetsAnErrorAndTheSlotsAreFreed() throws Exception {
    long before = CudaStandin.liveAllocations();
    DeviceFeed feed = open(PixelType.FLOAT32);
    BatchRing ring = feed.rings().create(StandinRoundTrip.LAYOUT, 2);
    AtomicBoolean writing = new AtomicBoolean();
    CompletableFuture<Throwable> producer = new CompletableFuture<>();
    Thread.ofPlatform().daemon().start(() -> {
      BatchSlot slot = ring.tryClaim();
      MemorySegment sample = slot.sampleMemory(0);
      try {
        for (long i = 0; ; i++) {
          sample.fill((byte) i);
          writing.set(true);
        }
      } catch (Throwable e) {
        producer.complete(e);
      }
    });
    while (!writing.get()) {
      Thread.onSpinWait();
    }

    feed.close();

    assertThat(producer).succeedsWithin(Duration.ofSeconds(10))
        .isInstanceOf(IllegalStateException.class);
    assertThat(CudaStandin.liveAllocations()).isEqualTo(before);
    ring.close();   // a no-op now
  }

  @Test
  void close_whileARunDrainsTheRing_failsTheRunInsteadOfWaitingForIt() throws Exception {
    DeviceFeed feed = open(PixelType.FLOAT32);
    BatchRing ring = feed.rings().create(StandinRoundTrip.LAYOUT, 2);
    AtomicBoolean stop = new AtomicBoolean();
    StandinRoundTrip.produce(ring, Integer.MAX_VALUE, stop);
    AtomicInteger steps = new AtomicInteger();
    // Own threads, not the common pool: on a 2-core machine it has one worker, which the run would hold.
    CompletableFuture<Object> run = new CompletableFuture<>();
    Thread.ofPlatform().daemon().start(() -> {
      try {
        run.complete(feed.call(() -> ring.drain(feed.consumer(batch -> steps.incrementAndGet(), host -> { }))));
      } catch (Throwable e) {
        run.completeExceptionally(e);
      }
    });
    try {
      while (steps.get() < 3) {
        LockSupport.parkNanos(1_000_000);
      }
      CompletableFuture<Void> closing = new CompletableFuture<>();
      Thread.ofPlatform().daemon().start(() -> {
        feed.close();
        closing.complete(null);
      });

      assertThat(closing).succeedsWithin(Duration.ofSeconds(20));
      assertThat(run).failsWithin(Duration.ofSeconds(5)).withThrowableThat()
          .havingCause().isInstanceOf(LoaderException.class).withMessageContaining("device feed was closed");
    } finally {
      stop.set(true);
    }
  }
}
