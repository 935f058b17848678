package dev.stoker.api;

import dev.stoker.api.internal.Checks;

import java.io.Serializable;

/**
 * Where a loader stands, small enough to save with every checkpoint: a loader built with the same
 * dataset and settings and run from this state delivers exactly the batches that the uninterrupted
 * run would have delivered from this point on, byte for byte.
 *
 * <p>{@code position} counts the samples of this rank's epoch sequence (see
 * {@link LastBatchPolicy}) already consumed, delivered or failed; {@code batch} counts the batches
 * already delivered in the epoch, so that batch numbers continue. The other fields identify the
 * sequence and are checked when the state is used: a state cannot be resumed on a loader with a
 * different seed, shuffle, sharding, batch size or dataset size, nor, for a source whose epochs are
 * drawn ({@link EpochSampledSource}, e.g. a weighted mix), with a different way of drawing them
 * ({@code sampling}, the source's {@link EpochSampledSource#samplingFingerprint()}).
 *
 * <pre>{@code
 * LoaderState saved = loader.state();          // e.g. inside the consumer, after a training step
 * // ... later, in a new process, with the same dataset and settings:
 * try (Loader loader = builder.build()) {
 *   loader.run(saved, epochsLeft, batch -> train(batch));
 * }
 * }</pre>
 *
 * @param epoch the epoch to continue
 * @param position samples of the epoch's sequence on this rank already consumed
 * @param batch batches of the epoch already delivered on this rank
 * @param seed the seed of the order and of every random choice
 * @param shuffle whether epochs are shuffled
 * @param rank this loader's rank
 * @param worldSize the number of ranks
 * @param lastBatch the last-batch policy
 * @param batchSize samples per batch
 * @param datasetSize the number of samples in the source
 * @param sampling how the source draws its epochs: its {@link EpochSampledSource#samplingFingerprint()},
 *     or 0 for a source whose every epoch is a permutation of all its samples
 */
public record LoaderState(int epoch, long position, long batch, long seed, boolean shuffle, int rank, int worldSize,
    LastBatchPolicy lastBatch, int batchSize, int datasetSize, long sampling) implements Serializable {

  /** Validates the fields. */
  public LoaderState {
    Checks.notNegative(epoch, "epoch");
    Checks.argument(position >= 0, "position", "must be >= 0, got " + position);
    Checks.argument(batch >= 0, "batch", "must be >= 0, got " + batch);
    Checks.positive(worldSize, "worldSize");
    Checks.argument(rank >= 0 && rank < worldSize, "rank", "must be in [0, " + worldSize + "), got " + rank);
    Checks.notNull(lastBatch, "lastBatch");
    Checks.positive(batchSize, "batchSize");
    Checks.notNegative(datasetSize, "datasetSize");
  }

  /**
   * A state of a source whose every epoch is a permutation of all its samples ({@code sampling} 0).
   *
   * @param epoch the epoch to continue
   * @param position samples of the epoch's sequence on this rank already consumed
   * @param batch batches of the epoch already delivered on this rank
   * @param seed the seed of the order and of every random choice
   * @param shuffle whether epochs are shuffled
   * @param rank this loader's rank
   * @param worldSize the number of ranks
   * @param lastBatch the last-batch policy
   * @param batchSize samples per batch
   * @param datasetSize the number of samples in the source
   */
  public LoaderState(int epoch, long position, long batch, long seed, boolean shuffle, int rank, int worldSize,
      LastBatchPolicy lastBatch, int batchSize, int datasetSize) {
    this(epoch, position, batch, seed, shuffle, rank, worldSize, lastBatch, batchSize, datasetSize, 0);
  }

  /**
   * This state moved to the start of {@code nextEpoch}.
   *
   * @param nextEpoch the epoch to start, 0 or more
   * @return a new state at position 0 and batch 0 of {@code nextEpoch}
   */
  public LoaderState atEpochStart(int nextEpoch) {
    return at(nextEpoch, 0, 0);
  }

  /**
   * This state moved to {@code position} and {@code batch} of {@code epoch}, the sequence
   * unchanged.
   *
   * @param epoch the epoch, 0 or more
   * @param position samples of the epoch's sequence already consumed, 0 or more
   * @param batch batches of the epoch already delivered, 0 or more
   * @return a new state; this one is unchanged
   */
  public LoaderState at(int epoch, long position, long batch) {
    return new LoaderState(epoch, position, batch, seed, shuffle, rank, worldSize, lastBatch, batchSize, datasetSize,
        sampling);
  }

  /**
   * Checks that {@code other}, the state of a freshly built loader, describes the same sequence as
   * this one, naming the first field that differs.
   *
   * @param other the state to compare with, not null
   * @throws IllegalArgumentException if a field other than the epoch, position and batch differs
   */
  public void checkSameSequence(LoaderState other) {
    Checks.notNull(other, "other");
    same("seed", seed, other.seed);
    same("shuffle", shuffle, other.shuffle);
    same("rank", rank, other.rank);
    same("worldSize", worldSize, other.worldSize);
    same("lastBatch", lastBatch, other.lastBatch);
    same("batchSize", batchSize, other.batchSize);
    same("datasetSize", datasetSize, other.datasetSize);
    if (sampling != other.sampling) {
      throw new IllegalArgumentException("state: saved with sampling=" + Long.toHexString(sampling)
          + " but this loader has sampling=" + Long.toHexString(other.sampling) + ": its source draws its epochs"
          + " differently (a mixed source's sources, their sizes, weights, replacement or samples per epoch changed);"
          + " build the loader with the source the state was saved with");
    }
  }

  private static void same(String field, Object saved, Object current) {
    if (!saved.equals(current)) {
      throw new IllegalArgumentException("state: saved with " + field + "=" + saved + " but this loader has "
          + field + "=" + current + "; build the loader with the settings the state was saved with");
    }
  }
}
