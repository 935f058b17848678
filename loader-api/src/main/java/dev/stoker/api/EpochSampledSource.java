package dev.stoker.api;

/**
 * A source whose epochs are drawn from its samples rather than being a permutation of all of them,
 * e.g. a weighted mix of datasets ({@code Sources.mix} in {@code dev.stoker.dataset}). Its indices
 * still address fixed samples (names, labels, bytes and boxes do not depend on the epoch), so caches,
 * failure lists and dataset identities work as for any source; only which indices an epoch visits
 * changes. The loader asks for each epoch's {@link #epochOrder} instead of permuting
 * {@code 0..size()-1}, then deals it to the ranks and shuffles it with its own seed as usual, so a
 * rank, a resumed run and any thread count see the same samples.
 *
 * <pre>{@code
 * EpochSampledSource mixed = ...;
 * int[] epoch3 = mixed.epochOrder(42, 3);   // mixed.samplesPerEpoch() indices into [0, mixed.size())
 * }</pre>
 */
public interface EpochSampledSource extends SampleSource {
  /**
   * The number of samples every epoch visits, repeats included.
   *
   * @return the length of every {@link #epochOrder}, 1 or more
   */
  int samplesPerEpoch();

  /**
   * The samples epoch {@code epoch} visits: a pure function of its arguments (and of how the source
   * was made), whatever thread asks and however often.
   *
   * @param seed the loader's seed
   * @param epoch the epoch, 0 or more
   * @return a new array of {@link #samplesPerEpoch()} indices in {@code [0, size())}; an index may repeat
   */
  int[] epochOrder(long seed, int epoch);

  /**
   * Whether the loader must keep {@link #epochOrder}'s order as it is: when {@code true} it neither
   * permutes the drawn order (whatever its shuffle setting) nor interleaves it across ranks, but
   * deals each rank one contiguous run of it, so that a source whose cheap reads are sequential
   * (tar shards on object storage, read shard by shard) is read in the order it laid out. The
   * source then does its own shuffling inside {@code epochOrder}, still a pure function of
   * {@code (seed, epoch)}, so resume and "same seed, same bytes" hold as for any source. The
   * default, {@code false}, lets the loader shuffle and interleave as usual.
   *
   * <pre>{@code
   * if (source.keepsOrder()) {
   *   int[] order = source.epochOrder(seed, epoch);   // delivered in this order, rank r a contiguous run
   * }
   * }</pre>
   *
   * @return {@code true} if the loader must deliver the drawn order unpermuted, in contiguous runs per rank
   */
  default boolean keepsOrder() {
    return false;
  }

  /**
   * A fingerprint of how this source draws its epochs, kept in every {@link LoaderState} so that a
   * state is never resumed on a source that draws differently (other weights, sizes or sources).
   * Two sources that draw the same {@link #epochOrder} for every seed and epoch should have the same
   * fingerprint, and any change to what the draws depend on should change it. This default hashes
   * {@link #size()}, {@link #samplesPerEpoch()} and the draws of two fixed (seed, epoch) pairs;
   * implementations that know their parameters hash those instead. Never 0 (0 marks a source whose
   * epochs are permutations of all its samples).
   *
   * @return a non-zero fingerprint of the drawing
   */
  default long samplingFingerprint() {
    long h = 0x9E3779B97F4A7C15L ^ size();
    h = h * 31 + samplesPerEpoch();
    for (int[] draws : new int[][] {epochOrder(0x5EED, 0), epochOrder(-7, 1)}) {
      for (int index : draws) {
        h = h * 0x100000001B3L + index;
      }
    }
    return h == 0 ? 1 : h;
  }
}
