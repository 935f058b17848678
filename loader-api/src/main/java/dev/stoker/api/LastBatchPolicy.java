package dev.stoker.api;

/**
 * What happens to the samples that do not fill a whole batch on every rank at the end of an epoch.
 *
 * <p>Each epoch's global permutation of the {@code N} samples is dealt to the {@code W} ranks in
 * turn: position {@code g} of the permutation goes to rank {@code g % W}. Worked example with
 * {@code N = 10} samples, {@code W = 3} ranks and batches of {@code B = 2}, for a permutation
 * {@code p0 .. p9}:
 *
 * <pre>
 * DROP     each rank: floor(10 / (3*2)) = 1 batch of 2     6 samples used, 4 skipped
 *          rank 0: [p0 p3]   rank 1: [p1 p4]   rank 2: [p2 p5]          (p6..p9 not this epoch)
 * FILL     each rank: ceil(10 / (3*2)) = 2 batches of 2    12 positions, p0 and p1 twice
 *          rank 0: [p0 p3] [p6 p9]   rank 1: [p1 p4] [p7 p0]   rank 2: [p2 p5] [p8 p1]
 * PARTIAL  every sample once; ranks get 4, 3, 3 samples
 *          rank 0: [p0 p3] [p6 p9]   rank 1: [p1 p4] [p7]      rank 2: [p2 p5] [p8]
 * </pre>
 *
 * <p>DROP and FILL give every rank the same number of batches, all full. PARTIAL delivers every
 * sample exactly once; ranks hold {@code ceil(N/W)} or {@code floor(N/W)} samples, so their batch
 * counts are equal except when {@code floor(N/W)} is a multiple of {@code B} and {@code W} does
 * not divide {@code N} (e.g. {@code N = 13, W = 3, B = 2}: batches 3, 2, 2); a distributed trainer
 * that needs equal step counts on every rank uses DROP or FILL. With shuffling on, the samples DROP
 * skips and those FILL repeats differ from epoch to epoch.
 *
 * <p>A sample that fails is skipped (under the default failure policy) and the batch fills from the
 * next samples of the rank's sequence, so failures shorten only the rank's last batch.
 */
public enum LastBatchPolicy {
  /** Pad the last round by wrapping around to the start of the epoch's permutation. */
  FILL,
  /** Leave out the samples that do not make a full batch on every rank. */
  DROP,
  /** Deliver every sample once; each rank's last batch may be short. */
  PARTIAL
}
