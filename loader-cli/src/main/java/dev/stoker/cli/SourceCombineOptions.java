package dev.stoker.cli;

import dev.stoker.api.SampleSource;
import dev.stoker.dataset.Sources;
import dev.stoker.storage.BlobStores;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import picocli.CommandLine.Option;

/**
 * The source combinators of {@code dev.stoker.dataset.Sources} on the command line. Each dataset (DIR,
 * or each of {@code --mix}) is opened, then kept to {@code --filter-labels}, split ({@code --split},
 * {@code --split-part}) and cut to {@code --subset}, in that order; with {@code --mix} the results are
 * then mixed. For example {@code --mix data/a:0.7,data/b:0.3 --per-epoch 10000 --split
 * train:0.9,val:0.1 --split-part train}: 7,000 samples of a's train part and 3,000 of b's each epoch.
 */
final class SourceCombineOptions {
  @Option(names = "--filter-labels", paramLabel = "NAMES", split = ",",
      description = "keep only the samples of these classes (comma-separated class names), in each dataset")
  List<String> filterLabels;

  @Option(names = "--split", paramLabel = "NAME:FRACTION,...", description = "split each dataset into named parts, "
      + "stratified by label and keyed by --split-seed, e.g. train:0.9,val:0.1 (the fractions add up to 1); "
      + "--split-part picks the part to run on")
  String split;

  @Option(names = "--split-part", paramLabel = "NAME", description = "the --split part to run on, e.g. val")
  String splitPart;

  @Option(names = "--split-seed", paramLabel = "S", description = "the seed of --split, apart from --seed so that "
      + "another run seed keeps train and val apart (default: ${DEFAULT-VALUE})")
  long splitSeed;

  @Option(names = "--subset", paramLabel = "N", description = "keep the first N samples of each dataset, by index, "
      + "after --filter-labels and --split")
  Integer subset;

  @Option(names = "--mix", paramLabel = "DIR:WEIGHT,...", split = ",", description = "instead of DIR, a weighted mix "
      + "of datasets drawn anew each epoch, e.g. data/a:0.7,data/b:0.3; each DIR is any dataset location (a pack, "
      + "s3://bucket/prefix, ...)")
  List<String> mix;

  @Option(names = "--per-epoch", paramLabel = "N", description = "with --mix: the samples each epoch draws "
      + "(default: the mixed datasets' samples together)")
  Integer perEpoch;

  @Option(names = "--with-replacement", description = "with --mix: draw each sample independently (default: no "
      + "sample of a dataset twice before all of its samples once)")
  boolean withReplacement;

  /** Whether any combinator was asked for. */
  boolean given() {
    return filterLabels != null || split != null || splitPart != null || subset != null || mix != null
        || perEpoch != null || withReplacement;
  }

  /** Refuses combinations that make no sense before anything is opened. */
  void check(String dir, DatasetOptions dataset, boolean remote) {
    if (remote && given()) {
      throw new UsageException("--filter-labels, --split, --subset and --mix combine local datasets; with --remote "
          + "the nodes read the files");
    }
    if (mix != null && (dir != null || dataset.given())) {
      throw new UsageException("--mix names the datasets: give either DIR (or --annotations/--images) or --mix");
    }
    if (mix == null && (perEpoch != null || withReplacement)) {
      throw new UsageException("--per-epoch and --with-replacement go with --mix");
    }
    if ((split == null) != (splitPart == null)) {
      throw new UsageException("--split and --split-part go together");
    }
    if (subset != null && subset < 1) {
      throw new UsageException("--subset: must be at least 1, got " + subset);
    }
    if (perEpoch != null && perEpoch < 1) {
      throw new UsageException("--per-epoch: must be at least 1, got " + perEpoch);
    }
  }

  /** Opens the dataset (DIR through {@code dataset}, or each of {@code --mix}) and combines it as asked. */
  SampleSource open(String dir, DatasetOptions dataset) {
    if (mix == null) {
      return combine(dataset.open(dir), dir == null ? "the dataset" : dir, filterNames(List.of()));
    }
    Map<String, Double> weights = mixWeights();
    List<SampleSource> opened = new ArrayList<>();
    for (String path : weights.keySet()) {
      opened.add(dataset.openLocation(path));
    }
    Set<String> keep = filterNames(opened);
    List<SampleSource> parts = new ArrayList<>();
    int k = 0;
    for (String path : weights.keySet()) {
      parts.add(combine(opened.get(k++), path, keep));
    }
    int total = parts.stream().mapToInt(SampleSource::size).sum();
    double[] w = weights.values().stream().mapToDouble(Double::doubleValue).toArray();
    return Sources.mix(w, perEpoch != null ? perEpoch : total, withReplacement, parts.toArray(SampleSource[]::new));
  }

  /** The {@code --filter-labels} names, each known to at least one of {@code sources} (checked per dataset if none). */
  private Set<String> filterNames(List<SampleSource> sources) {
    if (filterLabels == null) {
      return null;
    }
    Set<String> keep = new LinkedHashSet<>(filterLabels);
    if (!sources.isEmpty()) {
      for (String name : keep) {
        if (sources.stream().noneMatch(s -> s.classes().contains(name))) {
          throw new UsageException("--filter-labels: no dataset of --mix has a class \"" + name + "\"");
        }
      }
    }
    return keep;
  }

  private SampleSource combine(SampleSource source, String what, Set<String> keep) {
    SampleSource result = source;
    if (keep != null) {
      List<String> classes = source.classes();
      Set<Integer> labels = new LinkedHashSet<>();
      for (String name : keep) {
        int label = classes.indexOf(name);
        if (label >= 0) {
          labels.add(label);
        } else if (mix == null) {
          throw new UsageException("--filter-labels: " + what + " has no class \"" + name + "\"; its classes are "
              + (classes.size() > 20 ? classes.subList(0, 20) + "..." : classes));
        }
      }
      result = Sources.filter(result, (index, label, name) -> labels.contains(label));
      if (result.size() == 0) {
        throw new UsageException("--filter-labels: no sample of " + what + " is of " + keep);
      }
    }
    if (split != null) {
      Map<String, Double> parts = splitParts();
      int part = new ArrayList<>(parts.keySet()).indexOf(splitPart);
      if (part < 0) {
        throw new UsageException("--split-part " + splitPart + ": not a part of --split " + split);
      }
      try {
        result = Sources.split(result, splitSeed, parts.values().stream().mapToDouble(Double::doubleValue).toArray())
            .get(part);
      } catch (IllegalArgumentException e) {
        throw new UsageException("--split " + split + ": " + e.getMessage(), e);
      }
      if (result.size() == 0) {
        throw new UsageException("--split-part " + splitPart + ": no sample of " + what + " falls in it");
      }
    }
    if (subset != null) {
      if (subset > result.size()) {
        throw new UsageException("--subset " + subset + ": " + what + " has only " + result.size() + " samples"
            + (keep != null || split != null ? " after --filter-labels/--split" : ""));
      }
      result = Sources.subset(result, IntStream.range(0, subset).toArray());
    }
    return result;
  }

  /** {@code --split} as its parts' names and fractions, in order. */
  private Map<String, Double> splitParts() {
    Map<String, Double> parts = new LinkedHashMap<>();
    for (String item : split.split(",", -1)) {
      int colon = item.lastIndexOf(':');
      String name = colon < 0 ? "" : item.substring(0, colon).strip();
      if (name.isEmpty() || parts.containsKey(name)) {
        throw new UsageException("--split " + split + ": \"" + item + "\" is not NAME:FRACTION with a new NAME");
      }
      parts.put(name, number("--split", item, item.substring(colon + 1)));
    }
    return parts;
  }

  /** {@code --mix} as its datasets (locations; local paths normalized) and weights, in order. */
  private Map<String, Double> mixWeights() {
    Map<String, Double> weights = new LinkedHashMap<>();
    for (String item : mix) {
      int colon = item.lastIndexOf(':');
      if (colon <= 0) {
        throw new UsageException("--mix: \"" + item + "\" is not DIR:WEIGHT");
      }
      String location = item.substring(0, colon);
      String path = BlobStores.isRemote(location) ? location : Path.of(location).toString();
      if (weights.put(path, number("--mix", item, item.substring(colon + 1))) != null) {
        throw new UsageException("--mix: " + path + " is named twice");
      }
    }
    return weights;
  }

  private static double number(String option, String item, String text) {
    double value;
    try {
      value = Double.parseDouble(text.strip());
    } catch (NumberFormatException e) {
      throw new UsageException(option + ": \"" + item + "\": \"" + text + "\" is not a number", e);
    }
    if (!(value > 0) || !Double.isFinite(value)) {
      throw new UsageException(option + ": \"" + item + "\": must be positive and finite, got " + text);
    }
    return value;
  }
}
