package dev.stoker.pipeline;

import dev.stoker.api.internal.Checks;
import dev.stoker.api.LastBatchPolicy;

/**
 * One rank's share of every epoch: the epoch's global permutation (see {@link EpochOrder}) dealt to
 * the ranks in turn, cut or padded by the {@link LastBatchPolicy} (whose Javadoc has a worked
 * example). Position {@code k} of rank {@code r}'s sequence is position {@code k * worldSize + r}
 * of the permutation, wrapped around its end under FILL.
 */
final class ShardPlan {
  private final int size;
  private final int batchSize;
  private final int rank;
  private final int worldSize;
  private final LastBatchPolicy policy;
  private final int length;

  ShardPlan(int size, int batchSize, int rank, int worldSize, LastBatchPolicy policy) {
    this.size = Checks.notNegative(size, "size");
    this.batchSize = Checks.positive(batchSize, "batchSize");
    this.worldSize = Checks.positive(worldSize, "worldSize");
    Checks.argument(rank >= 0 && rank < worldSize, "rank", "must be in [0, " + worldSize + "), got " + rank);
    this.rank = rank;
    this.policy = Checks.notNull(policy, "policy");
    this.length = Math.toIntExact(length(size, batchSize, rank, worldSize, policy));
  }

  private static long length(long size, long batchSize, long rank, long worldSize, LastBatchPolicy policy) {
    long round = worldSize * batchSize;
    return switch (policy) {
      case DROP -> size / round * batchSize;
      case FILL -> (size + round - 1) / round * batchSize;
      case PARTIAL -> size > rank ? (size - rank + worldSize - 1) / worldSize : 0;
    };
  }

  /** The samples (delivered or failed) in this rank's sequence of every epoch. */
  int length() {
    return length;
  }

  /** This rank's sample indices for {@code epoch}, in delivery order. */
  int[] epochIndices(long seed, int epoch, boolean shuffle) {
    int[] permutation = EpochOrder.permutation(seed, epoch, size, shuffle);
    int[] mine = new int[length];
    for (int k = 0; k < length; k++) {
      mine[k] = permutation[(int) (((long) k * worldSize + rank) % size)];
    }
    return mine;
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
    return "rank " + rank + " of " + worldSize + ", " + policy + ", " + length + " samples per epoch";
  }
}
