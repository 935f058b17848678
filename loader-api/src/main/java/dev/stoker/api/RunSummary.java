package dev.stoker.api;

import dev.stoker.api.internal.Checks;

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
 * @param boxes boxes delivered with the samples (0 without a detection source)
 * @param truncatedBoxes boxes that survived the transforms but were left out because their sample
 *     already carried {@link BatchLayout#maxBoxes()} boxes (each sample keeps its first ones)
 * @param warnings images delivered although the decoder reported corrupt data (a lenient decoder
 *     keeps its best effort; a strict one fails them, and they count in {@code failed})
 * @param cache what the sample cache did during the run, {@link CacheStats#NONE} without one
 * @param droppedBoxes boxes of the source that the transforms dropped from processed samples:
 *     empty after clipping to the image (a manifest box outside its image) or to a crop, or
 *     narrower than a pixel; not counted in {@code boxes} nor {@code truncatedBoxes}
 */
public record RunSummary(int epochs, long delivered, long failed, long batches, double seconds,
    RingStats consumer, String decoder, List<SampleFailure> failures, long boxes, long truncatedBoxes,
    long warnings, CacheStats cache, long droppedBoxes) {

  /** Validates and copies the fields. */
  public RunSummary {
    Checks.notNull(consumer, "consumer");
    Checks.notNull(decoder, "decoder");
    Checks.notNull(cache, "cache");
    failures = List.copyOf(failures);
  }

  /**
   * A summary without dropped boxes.
   *
   * @param epochs epochs run
   * @param delivered samples delivered to the consumer
   * @param failed samples that failed to read or decode
   * @param batches batches delivered
   * @param seconds wall time of the run, in seconds
   * @param consumer what the consumer thread did, not null
   * @param decoder the decoder's name, not null
   * @param failures the failures, in the order they were seen
   * @param boxes boxes delivered
   * @param truncatedBoxes boxes left out because their sample was full
   * @param warnings images delivered despite corrupt data
   * @param cache what the sample cache did, not null
   */
  public RunSummary(int epochs, long delivered, long failed, long batches, double seconds, RingStats consumer,
      String decoder, List<SampleFailure> failures, long boxes, long truncatedBoxes, long warnings,
      CacheStats cache) {
    this(epochs, delivered, failed, batches, seconds, consumer, decoder, failures, boxes, truncatedBoxes, warnings,
        cache, 0);
  }

  /**
   * A summary without decoder warnings or a cache.
   *
   * @param epochs epochs run
   * @param delivered samples delivered to the consumer
   * @param failed samples that failed to read or decode
   * @param batches batches delivered
   * @param seconds wall time of the run, in seconds
   * @param consumer what the consumer thread did, not null
   * @param decoder the decoder's name, not null
   * @param failures the failures, in the order they were seen
   * @param boxes boxes delivered
   * @param truncatedBoxes boxes left out because their sample was full
   */
  public RunSummary(int epochs, long delivered, long failed, long batches, double seconds, RingStats consumer,
      String decoder, List<SampleFailure> failures, long boxes, long truncatedBoxes) {
    this(epochs, delivered, failed, batches, seconds, consumer, decoder, failures, boxes, truncatedBoxes, 0,
        CacheStats.NONE);
  }

  /**
   * A summary of a run without boxes.
   *
   * @param epochs epochs run
   * @param delivered samples delivered to the consumer
   * @param failed samples that failed to read or decode
   * @param batches batches delivered
   * @param seconds wall time of the run, in seconds
   * @param consumer what the consumer thread did, not null
   * @param decoder the decoder's name, not null
   * @param failures the failures, in the order they were seen
   */
  public RunSummary(int epochs, long delivered, long failed, long batches, double seconds, RingStats consumer,
      String decoder, List<SampleFailure> failures) {
    this(epochs, delivered, failed, batches, seconds, consumer, decoder, failures, 0, 0);
  }

  /**
   * Delivered samples per second of wall time.
   *
   * @return {@code delivered / seconds}, or 0 when no time was measured
   */
  public double imagesPerSecond() {
    return seconds > 0 ? delivered / seconds : 0.0;
  }

  /**
   * The consumer's share of time spent waiting for data, in percent.
   *
   * @return the consumer's wait share, in {@code [0, 100]}
   */
  public double consumerWaitPercent() {
    return consumer.consumerWaitPercent();
  }
}
