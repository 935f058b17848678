package dev.stoker.api;

import java.util.List;

/**
 * What one run of a loader did, for people and for the bench JSON.
 *
 * @param epochs epochs run
 * @param delivered samples delivered to the consumer
 * @param failed samples that failed to read or decode (and were skipped)
 * @param batches batches delivered
 * @param seconds wall time from the first request to the last batch consumed
 * @param consumer what the consumer thread did during the run
 * @param decoder the decoder that ran
 * @param failures the failures, in the order they were seen (all of them; their count is
 *     {@code failed})
 */
public record RunSummary(int epochs, long delivered, long failed, long batches, double seconds,
    RingStats consumer, String decoder, List<SampleFailure> failures) {

  /** Validates and copies the fields. */
  public RunSummary {
    Checks.notNull(consumer, "consumer");
    Checks.notNull(decoder, "decoder");
    failures = List.copyOf(failures);
  }

  /** Delivered samples per second of wall time. */
  public double imagesPerSecond() {
    return seconds > 0 ? delivered / seconds : 0.0;
  }

  /** The consumer's share of time spent waiting for data, in percent. */
  public double consumerWaitPercent() {
    return consumer.consumerWaitPercent();
  }
}
