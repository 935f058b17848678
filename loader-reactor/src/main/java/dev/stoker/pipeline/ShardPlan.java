package dev.stoker.pipeline;

import dev.stoker.api.internal.Checks;
import dev.stoker.api.LastBatchPolicy;

/**
 * One rank's share of every epoch: the epoch's global permutation (see {@link EpochOrder}) dealt to
 * the ranks in turn, cut or padded by the {@link LastBatchPolicy} (whose Javadoc has a worked
 * example). Position {@code k} of rank {@code r}'s sequence is position {@code k * worldSize + r}
 * of the permutation, wrapped around its end under FILL.
 *
 * <p>A {@linkplain #contiguous contiguous} plan (for a source that keeps its order,
 * {@link dev.stoker.api.EpochSampledSource#keepsOrder()}) deals each rank one run of the epoch's
 * order instead: rank {@code r} gets positions {@code start(r)} to {@code start(r) + length(r) - 1},
 * the ranks' runs one after the other from position 0, wrapped around the end under FILL. Every
 * rank's length is the interleaved plan's, so batch counts do not change: with {@code N = 10},
 * {@code W = 3}, {@code B = 2} DROP gives {@code [p0 p1] [p2 p3] [p4 p5]}, FILL
 * {@code [p0 p1 p2 p3] [p4 p5 p6 p7] [p8 p9 p0 p1]}, PARTIAL {@code [p0 p1 p2 p3] [p4 p5 p6] [p7 p8 p9]}.
 */
final class ShardPlan {
  private final int size;
  private final int batchSize;
  private final int rank;
  private final int worldSize;
  private final LastBatchPolicy policy;
  private final int length;
  /** Whether the rank's share is one contiguous run of the epoch order; else interleaved. */
  private final boolean contiguous;
  /** The first position of the epoch order in this rank's run (contiguous plans only). */
  private final long start;

  ShardPlan(int size, int batchSize, int rank, int worldSize, LastBatchPolicy policy) {
    this(size, batchSize, rank, worldSize, policy, false);
  }

  /**
   * A plan dealing the epoch's order interleaved ({@code contiguous} false), or in one contiguous
   * run per rank.
   */
  ShardPlan(int size, int batchSize, int rank, int worldSize, LastBatchPolicy policy, boolean contiguous) {
    this.size = Checks.notNegative(size, "size");
    this.batchSize = Checks.positive(batchSize, "batchSize");
    this.worldSize = Checks.positive(worldSize, "worldSize");
    Checks.argument(rank >= 0 && rank < worldSize, "rank", "must be in [0, " + worldSize + "), got " + rank);
    this.rank = rank;
    this.policy = Checks.notNull(policy, "policy");
    this.length = Math.toIntExact(length(size, batchSize, rank, worldSize, policy));
    this.contiguous = contiguous;
    this.start = start(size, batchSize, rank, worldSize, policy);
  }

  /**
   * The first position of rank {@code rank}'s contiguous run: the lengths of the ranks before it
   * together. DROP and FILL give every rank the same length; PARTIAL gives the first
   * {@code size % worldSize} ranks one sample more than the others.
   */
  private static long start(long size, long batchSize, long rank, long worldSize, LastBatchPolicy policy) {
    if (policy == LastBatchPolicy.PARTIAL) {
      return rank * (size / worldSize) + Math.min(rank, size % worldSize);
    }
    return rank * length(size, batchSize, rank, worldSize, policy);
  }

  private static long length(long size, long batchSize, long rank, long worldSize, LastBatchPolicy policy) {
    long round = worldSize * batchSize;
    return switch (policy) {
      case DROP -> size / round * batchSize;
      case FILL -> (size + round - 1) / round * batchSize;
      case PARTIAL -> size > rank ? (size - rank + worldSize - 1) / worldSize : 0;
    };
  }

  /**
   * Refuses settings under which a rank gets no sample in any epoch: a trainer would loop over
   * empty epochs, or wait for ever in a collective for the rank that has nothing. Checked for
   * every rank, not only this one, since all ranks build with the same settings: under PARTIAL a
   * {@code worldSize} above the dataset's size leaves the last ranks empty; under DROP a dataset
   * smaller than one full batch per rank ({@code batchSize * worldSize}) leaves every epoch empty.
   *
   * @return this plan
   * @throws IllegalArgumentException naming the parameter to change, in one sentence
   */
  ShardPlan requireWork() {
    if (size == 0) {
      throw new IllegalArgumentException("source: the dataset has no samples, so every epoch would be empty");
    }
    if (policy == LastBatchPolicy.PARTIAL && size < worldSize) {
      throw new IllegalArgumentException("worldSize: " + worldSize + " ranks share " + size + " samples, so ranks "
          + size + " to " + (worldSize - 1) + " would get no sample in any epoch; use at most " + size + " ranks");
    }
    if (policy == LastBatchPolicy.DROP && length == 0) {
      long round = (long) batchSize * worldSize;
      throw new IllegalArgumentException("batchSize: " + batchSize + " with lastBatch DROP"
          + (worldSize > 1 ? " on worldSize " + worldSize + " ranks" : "") + " leaves every epoch empty: the "
          + size + " samples do not make one full batch" + (worldSize > 1 ? " per rank (" + round + " samples)" : "")
          + "; use a batchSize of at most " + size / worldSize + ", or lastBatch PARTIAL or FILL");
    }
    return this;
  }

  /** The samples (delivered or failed) in this rank's sequence of every epoch. */
  int length() {
    return length;
  }

  /** This rank's sample indices for {@code epoch}, in delivery order. */
  int[] epochIndices(long seed, int epoch, boolean shuffle) {
    return epochIndices(EpochOrder.permutation(seed, epoch, size, shuffle));
  }

  /** This rank's share of an epoch's global order of {@code size} positions, in delivery order. */
  int[] epochIndices(int[] permutation) {
    if (permutation.length != size) {
      throw new IllegalStateException("an epoch order of " + permutation.length + " samples, expected " + size);
    }
    int[] mine = new int[length];
    for (int k = 0; k < length; k++) {
      long position = contiguous ? start + k : (long) k * worldSize + rank;
      mine[k] = permutation[(int) (position % size)];
    }
    return mine;
  }

  /** Whether each rank gets one contiguous run of the epoch order (else the order is interleaved). */
  boolean contiguous() {
    return contiguous;
  }

  int rank() {
    return rank;
  }

  int worldSize() {
    return worldSize;
  }

  LastBatchPolicy policy() {
    return policy;
  }

  @Override
  public String toString() {
    return "rank " + rank + " of " + worldSize + ", " + policy + ", " + length + " samples per epoch"
        + (contiguous ? ", contiguous from position " + start : "");
  }
}
