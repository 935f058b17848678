package dev.stoker.api;

/**
 * A live snapshot of a running loader, cheap enough to take several times a second.
 *
 * @param delivered samples delivered so far in this run
 * @param failed samples failed so far in this run
 * @param elapsedSeconds time since the run started
 * @param ringOccupancy slots claimed or published and not yet released
 * @param ringSlots slots in the ring
 * @param consumerWaitPercent the consumer's share of time spent waiting so far
 */
public record Progress(long delivered, long failed, double elapsedSeconds, int ringOccupancy, int ringSlots,
    double consumerWaitPercent) {
  /**
   * Delivered samples per second so far.
   *
   * @return {@code delivered / elapsedSeconds}, or 0 before any time has passed
   */
  public double imagesPerSecond() {
    return elapsedSeconds > 0 ? delivered / elapsedSeconds : 0.0;
  }
}
