package dev.stoker.dataset;

import dev.stoker.api.SampleSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;

/** The assignment of {@link Sources#split}: which samples go to which part. */
final class StratifiedSplit {
  private StratifiedSplit() {}

  /** For each part, its source indices in ascending order. Fractions are checked by the caller. */
  static int[][] assign(SampleSource source, long seed, double[] fractions) {
    TreeMap<Integer, List<Integer>> byLabel = new TreeMap<>();
    for (int i = 0; i < source.size(); i++) {
      byLabel.computeIfAbsent(source.label(i), l -> new ArrayList<>()).add(i);
    }
    int[] partOf = new int[source.size()];
    for (var entry : byLabel.entrySet()) {
      Integer[] members = entry.getValue().toArray(Integer[]::new);
      // ordered by name (then index, for equal names) so that the split does not depend on the order
      // in which the source lists its samples
      Arrays.sort(members, Comparator.<Integer, String>comparing(source::sourceName).thenComparing(i -> i));
      SplittableRandom random = new SplittableRandom(mix(seed, entry.getKey()));
      for (int i = members.length - 1; i > 0; i--) {
        int j = random.nextInt(i + 1);
        Integer t = members[i];
        members[i] = members[j];
        members[j] = t;
      }
      int n = members.length;
      double cumulative = 0;
      int start = 0;
      for (int k = 0; k < fractions.length; k++) {
        cumulative += fractions[k];
        int end = k == fractions.length - 1 ? n : (int) Math.min(n, Math.round(n * cumulative));
        for (int m = start; m < end; m++) {
          partOf[members[m]] = k;
        }
        start = Math.max(start, end);
      }
    }
    int[] counts = new int[fractions.length];
    for (int p : partOf) {
      counts[p]++;
    }
    int[][] parts = new int[fractions.length][];
    for (int k = 0; k < parts.length; k++) {
      parts[k] = new int[counts[k]];
    }
    int[] filled = new int[fractions.length];
    for (int i = 0; i < partOf.length; i++) {
      parts[partOf[i]][filled[partOf[i]]++] = i;
    }
    return parts;
  }

  /** SplitMix64's finalizer over (seed, label), apart from the loader's (seed, epoch, index) keys. */
  private static long mix(long seed, int label) {
    long h = fmix(seed ^ 0x5EED5B11759A1B3DL);
    return fmix(h ^ ((label + 2L) * 0xC2B2AE3D27D4EB4FL));
  }

  private static long fmix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
