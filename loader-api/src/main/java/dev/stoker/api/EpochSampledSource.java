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
}
