package dev.stoker.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stoker.api.SampleSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code stoker list PATH}: opens a dataset (listing its files, parsing its annotations or
 * manifest), prints its class list (label and name) to standard error and one JSON line:
 * {@code files}, {@code classes}, {@code class_names} (index = label), {@code warnings} (the
 * problems the description counts, plus the missing images), {@code missing_images} and the
 * {@code seconds} opening took. {@code scripts/listing-bench.sh} times listings with it.
 *
 * <p>A COCO or VOC source does not look at its image files when it opens (a missing one fails its
 * sample when read); {@code list} does: it checks that each listed image exists (one
 * {@code stat} each, no contents read) and reports how many do not, naming the first
 * {@value #MISSING_NAMED}. A packed or remote dataset's samples are not local files: they are not
 * checked (a missing shard or object fails its samples when read).
 */
@Command(name = "list", mixinStandardHelpOptions = true,
    description = "Opens a dataset (ImageFolder, COCO, VOC or a .csv/.jsonl manifest), prints its classes "
        + "(label and name) and, as one JSON line, how many files and classes it has, the class names and how "
        + "long opening took. Checks that every listed image exists (reading none) and counts the missing "
        + "ones as warnings.")
final class ListCommand implements Callable<Integer> {
  /** Missing images named in the warning. */
  static final int MISSING_NAMED = 5;

  @Parameters(index = "0", arity = "0..1", paramLabel = "PATH",
      description = "a dataset directory, a .csv or .jsonl manifest, a packed dataset or tar shards, or an "
          + "s3://bucket/prefix or http(s):// location")
  String dir;

  @Mixin
  DatasetOptions dataset = new DatasetOptions();

  @Override
  public Integer call() throws Exception {
    try (DatasetOptions opened = dataset) {
      return list(opened);
    }
  }

  private int list(DatasetOptions opened) throws Exception {
    long start = System.nanoTime();
    SampleSource source = opened.open(dir);
    double seconds = (System.nanoTime() - start) / 1e9;
    Summaries.printWarnings(source, System.err);
    System.err.println("list: " + source.description());
    // a pack's or a remote dataset's samples are not files here: its index names them, its reads check them
    int missing = dir != null && DatasetLocations.packed(dir) ? 0 : missingImages(source);
    Summaries.printClasses("list", source.classes(), Integer.MAX_VALUE, System.err);
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("files", source.size());
    result.put("classes", source.classes().size());
    result.put("class_names", source.classes());
    result.put("warnings", source.warningCount() + missing);
    result.put("missing_images", missing);
    if (source.hasBoxes()) {
      long boxes = 0;
      for (int i = 0; i < source.size(); i++) {
        boxes += source.boxCount(i);
      }
      result.put("boxes", boxes);
      System.err.printf("list: %,d boxes in the annotations; a run delivers fewer if some are empty after clipping "
          + "to their image or a crop, or exceed --max-boxes (its summary warns, dropped_boxes and truncated_boxes "
          + "in --json)%n", boxes);
    }
    result.put("seconds", Math.round(seconds * 1000) / 1000.0);
    System.out.println(new ObjectMapper().writeValueAsString(result));
    return 0;
  }

  /**
   * Counts the samples whose image file does not exist (a stat each, nothing read) and, if any,
   * prints one warning naming how many and the first few.
   */
  private static int missingImages(SampleSource source) {
    int missing = 0;
    List<String> named = new ArrayList<>();
    for (int i = 0; i < source.size(); i++) {
      String name = source.sourceName(i);
      if (!Files.exists(Path.of(name))) {
        missing++;
        if (named.size() < MISSING_NAMED) {
          named.add(name);
        }
      }
    }
    if (missing > 0) {
      System.err.printf("list: warning: %,d of %,d images do not exist (a run fails each of them): %s%s%n", missing,
          source.size(), String.join(", ", named), missing > named.size() ? ", ..." : "");
    }
    return missing;
  }
}
