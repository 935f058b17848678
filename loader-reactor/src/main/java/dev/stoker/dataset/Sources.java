package dev.stoker.dataset;

import dev.stoker.api.EpochSampledSource;
import dev.stoker.api.SampleSource;
import dev.stoker.api.internal.Checks;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Sources made of other sources: {@link #concat concatenated}, {@link #subset chosen by index},
 * {@link #filter filtered}, {@link #split split} deterministically into train and validation
 * parts, and {@link #mix mixed} with weights, drawn anew each epoch. Each result is an ordinary
 * {@link SampleSource}, so it shards, shuffles, resumes, caches and
 * serves from a data-server node like any other; a combined source reads its samples through the
 * sources it was made of, which stay open as long as it is used.
 *
 * <pre>{@code
 * SampleSource all = Sources.concat(Datasets.open(Path.of("/data/a")), Datasets.open(Path.of("/data/b")));
 * List<SampleSource> parts = Sources.split(all, 42, 0.9, 0.1);   // stratified by label
 * Loader train = Loader.builder().source(parts.get(0)).seed(7).shard(rank, worldSize).build();
 * SampleSource cats = Sources.filter(all, (index, label, name) -> all.classes().get(label).equals("cat"));
 * }</pre>
 *
 * <p>Sample names and {@link SampleSource#contentKey content keys}, and so {@code DatasetIdentity}, are
 * those of the underlying samples: two nodes that build the same combination of the same files (or of
 * copies under other paths) have the same identity, and a different combination (another order,
 * another split seed) has another.
 */
public final class Sources {
  private Sources() {}

  /**
   * A test on one sample of a source, for {@link #filter}.
   *
   * <pre>{@code
   * SampleSource small = Sources.filter(source, (index, label, name) -> label < 10 && !name.endsWith(".png"));
   * }</pre>
   */
  @FunctionalInterface
  public interface SampleFilter {
    /**
     * Whether to keep a sample.
     *
     * @param index the sample's index in the filtered source
     * @param label its label, as {@link SampleSource#label} gives it ({@code -1} for a detection sample
     *     without boxes)
     * @param name its name, as {@link SampleSource#sourceName} gives it
     * @return {@code true} to keep the sample
     */
    boolean keep(int index, int label, String name);
  }

  /**
   * The sources laid end to end: the samples of {@code sources[0]} first (indices {@code 0} to
   * {@code sources[0].size() - 1}), then those of {@code sources[1]}, and so on. Names and boxes are
   * kept. Class names are unified <b>by name, in first-seen order</b>: the classes of
   * {@code sources[0]} keep their labels, and each class of a later source that has not been seen
   * yet is appended; labels (and box labels) of every source are remapped to that list. A read that
   * fails names the source, e.g. {@code "source 1 (image folder /data/b ...): ..."}; warnings are
   * prefixed the same way.
   *
   * <pre>{@code
   * // a: classes [cat, dog], b: classes [bird, cat] -> classes [cat, dog, bird]; b's cat keeps label 0
   * SampleSource both = Sources.concat(a, b);
   * }</pre>
   *
   * @param sources the sources, at least one, none null; their total size fits an {@code int}
   * @return a source of all their samples, in order
   * @throws IllegalArgumentException if {@code sources} is empty or too large together
   */
  public static SampleSource concat(SampleSource... sources) {
    Checks.notNull(sources, "sources");
    Checks.argument(sources.length > 0, "sources", "must name at least one source");
    for (int k = 0; k < sources.length; k++) {
      Checks.notNull(sources[k], "sources[" + k + "]");
    }
    return new ConcatSource(List.of(sources));
  }

  /**
   * The samples of {@code source} at {@code indices}, in that order: sample {@code i} of the result
   * is sample {@code indices[i]} of {@code source}. An index may repeat (the sample is then seen as
   * often per epoch). Names, labels, classes and boxes are the source's.
   *
   * <pre>{@code
   * SampleSource firstHundred = Sources.subset(source, IntStream.range(0, 100).toArray());
   * }</pre>
   *
   * @param source the source
   * @param indices indices into {@code source}, each in {@code [0, source.size())}; copied
   * @return a source of those samples
   * @throws IllegalArgumentException naming the offending position if an index is out of range
   */
  public static SampleSource subset(SampleSource source, int... indices) {
    Checks.notNull(source, "source");
    Checks.notNull(indices, "indices");
    int[] copy = indices.clone();
    for (int i = 0; i < copy.length; i++) {
      if (copy[i] < 0 || copy[i] >= source.size()) {
        throw new IllegalArgumentException(
            "indices[" + i + "] must be in [0, " + source.size() + "), got " + copy[i]);
      }
    }
    return new SubsetSource(source, copy, "subset");
  }

  /**
   * The samples of {@code source} that {@code filter} keeps, in the source's order. The filter is
   * asked once per sample, now, on the calling thread.
   *
   * <pre>{@code
   * int cat = source.classes().indexOf("cat");
   * SampleSource cats = Sources.filter(source, (index, label, name) -> label == cat);
   * }</pre>
   *
   * @param source the source
   * @param filter the test each kept sample passes
   * @return a source of the kept samples; classes are the source's, also those no kept sample has
   */
  public static SampleSource filter(SampleSource source, SampleFilter filter) {
    Checks.notNull(source, "source");
    Checks.notNull(filter, "filter");
    int[] kept = new int[source.size()];
    int n = 0;
    for (int i = 0; i < source.size(); i++) {
      if (filter.keep(i, source.label(i), source.sourceName(i))) {
        kept[n++] = i;
      }
    }
    return new SubsetSource(source, Arrays.copyOf(kept, n), "filtered");
  }

  /**
   * Splits {@code source} into disjoint parts that together hold every sample once, stratified by
   * label: the samples of each label (the {@code -1} of detection samples without boxes counting as
   * one more label) are split in the proportions of {@code fractions}, each part receiving
   * {@code round(n * (f0 + ... + fk)) - round(n * (f0 + ... + fk-1))} of a label's {@code n}
   * samples. Which samples go where is a pure function of {@code seed} and the source's samples
   * (their names and labels, not their order): each label's samples are ordered by name and
   * shuffled with a generator keyed by {@code (seed, label)}. Each part lists its samples in the
   * source's order.
   *
   * <pre>{@code
   * List<SampleSource> parts = Sources.split(source, 42, 0.9, 0.1);
   * SampleSource train = parts.get(0), val = parts.get(1);   // 90% and 10% of every class
   * }</pre>
   *
   * @param source the source to split
   * @param seed the split's seed: the same seed gives the same parts
   * @param fractions each part's share, each in {@code (0, 1]}, together 1 (within {@code 1e-6})
   * @return one source per fraction, in order
   * @throws IllegalArgumentException naming {@code fractions} if they are not shares of a whole
   */
  public static List<SampleSource> split(SampleSource source, long seed, double... fractions) {
    Checks.notNull(source, "source");
    Checks.notNull(fractions, "fractions");
    Checks.argument(fractions.length > 0, "fractions", "must hold at least one fraction");
    double sum = 0;
    for (int k = 0; k < fractions.length; k++) {
      Checks.argument(fractions[k] > 0 && fractions[k] <= 1, "fractions",
          "must each be in (0, 1], got fractions[" + k + "] = " + fractions[k]);
      sum += fractions[k];
    }
    Checks.argument(Math.abs(sum - 1) <= 1e-6, "fractions", "must add up to 1, got " + sum);
    int[][] parts = StratifiedSplit.assign(source, seed, fractions);
    List<SampleSource> result = new ArrayList<>(parts.length);
    for (int k = 0; k < parts.length; k++) {
      result.add(new SubsetSource(source, parts[k],
          "split part " + k + " of " + parts.length + " (seed " + seed + ", " + fractions[k] + ")"));
    }
    return List.copyOf(result);
  }

  /**
   * A weighted mix of sources, drawn anew each epoch: its samples are those of
   * {@link #concat concat(sources)} (same indices, names, unified classes and boxes), and each epoch
   * visits {@code samplesPerEpoch} of them, {@code round(samplesPerEpoch * weight / sum of weights)}
   * from each source (largest remainders, so the counts add up exactly), drawn with or without
   * replacement by a generator keyed by the loader's seed, the epoch and the source, then interleaved.
   * Without replacement no sample of a source repeats within an epoch until all of that source's
   * samples have been drawn. The loader asks for each epoch's draw ({@link EpochSampledSource}), deals
   * it to the ranks and resumes in it like any epoch (a resumed state carries the mix's
   * {@link EpochSampledSource#samplingFingerprint()}, so a changed mix is refused). A data-server
   * node refuses to serve a mix (its clients ask for every index), and a loader reading from nodes
   * ({@code LoaderBuilder.supplier}) cannot mix them: mix where the files are read. A sample drawn twice in one epoch gets the same
   * augmentation both times (its randomness is keyed by seed, epoch and index). Its samples, and so its
   * {@code DatasetIdentity}, are those of the concatenation: the weights choose epochs, not samples.
   *
   * <pre>{@code
   * // 70% A, 30% B, 10,000 samples per epoch, without replacement
   * EpochSampledSource mixed = Sources.mix(new double[] {0.7, 0.3}, 10_000, false, a, b);
   * Loader loader = Loader.builder().source(mixed).seed(42).build();   // 7,000 of A and 3,000 of B each epoch
   * }</pre>
   *
   * @param weights each source's weight, positive and finite, one per source
   * @param samplesPerEpoch the samples every epoch visits, 1 or more
   * @param withReplacement {@code true} to draw each sample independently, {@code false} to draw without
   *     repeats (cycling through a source that is drawn more often than it has samples)
   * @param sources the sources, at least one, none null, none empty
   * @return the mix
   * @throws IllegalArgumentException naming the parameter if the weights do not match the sources
   */
  public static EpochSampledSource mix(double[] weights, int samplesPerEpoch, boolean withReplacement,
      SampleSource... sources) {
    Checks.notNull(weights, "weights");
    Checks.positive(samplesPerEpoch, "samplesPerEpoch");
    Checks.notNull(sources, "sources");
    Checks.argument(sources.length > 0, "sources", "must name at least one source");
    Checks.argument(weights.length == sources.length, "weights",
        "must hold one weight per source, got " + weights.length + " for " + sources.length + " sources");
    for (int k = 0; k < sources.length; k++) {
      Checks.notNull(sources[k], "sources[" + k + "]");
      Checks.argument(weights[k] > 0 && Double.isFinite(weights[k]), "weights",
          "must each be positive and finite, got weights[" + k + "] = " + weights[k]);
      Checks.argument(sources[k].size() > 0, "sources", "sources[" + k + "] has no samples");
    }
    return new MixSource(List.of(sources), weights, samplesPerEpoch, withReplacement);
  }
}
