package dev.stoker.cuda.checks;

import dev.stoker.api.BatchLayout;
import dev.stoker.api.ElementType;
import dev.stoker.api.internal.Checks;

/**
 * How much work each feed check does. {@link #full()} is what a GPU run uses; {@link #quick()}
 * keeps a run on the driver stand-in (which executes kernels on the CPU) within seconds.
 *
 * <pre>{@code
 * Sizes sizes = options.quick() ? Sizes.quick() : Sizes.full();
 * }</pre>
 *
 * @param roundTripLayout the round trip's batches (with boxes)
 * @param roundTripBatches batches through the round trip
 * @param feedLayout the batches of the overlap, bandwidth and consumer-wait checks
 * @param overlapBatches batches timed by the overlap check
 * @param bandwidthBatches batches copied by the bandwidth check (and plain copies of the same size)
 * @param waitBatches batches through the consumer-wait check
 * @param stepNanos the synthetic step's length (the spin kernel's busy wait)
 * @param slots ring slots
 */
record Sizes(BatchLayout roundTripLayout, int roundTripBatches, BatchLayout feedLayout, int overlapBatches,
    int bandwidthBatches, int waitBatches, long stepNanos, int slots) {
  /** Batches at the start of the bandwidth run left out of the timed window (first-touch costs). */
  static final int WARMUP_BATCHES = 2;

  Sizes {
    Checks.notNull(roundTripLayout, "roundTripLayout");
    Checks.notNull(feedLayout, "feedLayout");
    Checks.notNegative(roundTripBatches, "roundTripBatches");
    Checks.notNegative(overlapBatches, "overlapBatches");
    Checks.notNegative(bandwidthBatches, "bandwidthBatches");
    Checks.notNegative(waitBatches, "waitBatches");
    Checks.argument(stepNanos > 0, "stepNanos", "must be positive, got " + stepNanos);
    Checks.positive(slots, "slots");
  }

  /** The sizes of a GPU run. */
  static Sizes full() {
    return new Sizes(new BatchLayout(16, 48, 64, 3, ElementType.UINT8, 2), 300, new BatchLayout(64, 224, 224, 3), 24,
        30, 100, 5_000_000, 4);
  }

  /** Small sizes for the stand-in: every check still cycles the ring's slots several times. */
  static Sizes quick() {
    return new Sizes(new BatchLayout(4, 12, 20, 3, ElementType.UINT8, 2), 24, new BatchLayout(4, 16, 24, 3), 12, 12,
        12, 1_000_000, 4);
  }

  /** These sizes with every feed check's batch count set to {@code batches} (0 for the vacuous-run test). */
  Sizes withBatches(int batches) {
    return new Sizes(roundTripLayout, batches, feedLayout, batches, batches, batches, stepNanos, slots);
  }
}
