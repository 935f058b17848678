package dev.stoker.cuda.checks;

import dev.stoker.api.BatchConsumer;
import dev.stoker.api.BatchLayout;
import dev.stoker.api.BatchRing;
import dev.stoker.api.RingStats;
import dev.stoker.api.internal.Checks;
import dev.stoker.cuda.DeviceFeed;
import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * A feed, its ring and the synthetic producer filling it, closed in the one safe order: the
 * producer is stopped and joined, then the ring's (pinned) slots are freed, then the feed. If the
 * producer does not end, nothing is freed (a slot freed under a running producer is a write into
 * unmapped memory) and {@link #close} says so.
 *
 * <pre>{@code
 * try (FeedRun run = FeedRun.open(DeviceFeed.open(transform), layout, 4)) {
 *   run.start(100, filler, -1);
 *   RingStats stats = run.drain(run.feed().consumer(step, hostStep));
 * }
 * }</pre>
 */
final class FeedRun implements AutoCloseable {
  /** How long {@link #close} waits for the producer to end. */
  static final Duration PRODUCER_JOIN = Duration.ofSeconds(10);

  private final DeviceFeed feed;
  private final BatchRing ring;
  private SyntheticProducer producer;
  private int expected;

  private FeedRun(DeviceFeed feed, BatchRing ring) {
    this.feed = feed;
    this.ring = ring;
  }

  /** Creates a ring of {@code slots} slots of {@code layout} on {@code feed}, which the run then owns. */
  static FeedRun open(DeviceFeed feed, BatchLayout layout, int slots) {
    Checks.notNull(feed, "feed");
    try {
      return new FeedRun(feed, feed.rings().create(layout, slots));
    } catch (RuntimeException | Error e) {
      feed.close();
      throw e;
    }
  }

  DeviceFeed feed() {
    return feed;
  }

  BatchRing ring() {
    return ring;
  }

  /** Starts the producer: {@code batches} batches written by {@code filler}, failing at {@code failAt} if not negative. */
  void start(int batches, SyntheticProducer.Filler filler, int failAt) {
    if (producer != null) {
      throw new IllegalStateException("the producer already started");
    }
    expected = batches;
    producer = SyntheticProducer.start(ring, batches, filler, failAt);
  }

  /** Drains the ring on the feed's thread with {@code consumer}; what the producer threw arrives here. */
  RingStats drain(BatchConsumer consumer) {
    return feed.call(() -> ring.drain(consumer));
  }

  /** Runs {@code work} on the feed's thread. */
  <T> T call(Callable<T> work) {
    return feed.call(work);
  }

  /** Batches the producer published. */
  long produced() {
    return producer == null ? 0 : producer.published();
  }

  /**
   * Why the batch counts make the run meaningless, or {@code null}: the producer must have published
   * every batch asked for, more than none, the ring's consumer must have consumed each, and the step
   * must have run on each.
   */
  String countsProblem(RingStats stats, long stepped) {
    return countsProblem(expected, produced(), stats.batches(), stepped);
  }

  static String countsProblem(long expected, long produced, long consumed, long stepped) {
    if (expected <= 0 || produced <= 0) {
      return "zero batches: a check over no batches proves nothing (asked for " + expected + ", produced " + produced
          + ")";
    }
    if (produced != expected) {
      return "the producer published " + produced + " of " + expected + " batches";
    }
    if (consumed != produced) {
      return "the consumer got " + consumed + " of " + produced + " published batches";
    }
    if (stepped != consumed) {
      return "the step ran on " + stepped + " of " + consumed + " consumed batches";
    }
    return null;
  }

  @Override
  public void close() {
    closeWithin(PRODUCER_JOIN);
  }

  /**
   * Stops and joins the producer (waiting up to {@code limit}), then frees the ring and the feed.
   *
   * @throws IllegalStateException freeing nothing, if the producer did not end; call again later
   */
  void closeWithin(Duration limit) {
    if (producer != null && !producer.stopAndJoin(limit)) {
      throw new IllegalStateException("the producer thread did not end within " + limit.toMillis()
          + " ms; its ring's pinned slots and the feed stay allocated rather than freed under it");
    }
    boolean interrupted = Thread.interrupted(); // frees must not be cut short by a watchdog's interrupt
    try {
      try {
        ring.close();
      } finally {
        feed.close();
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
