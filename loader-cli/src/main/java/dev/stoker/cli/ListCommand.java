package dev.stoker.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stoker.api.SampleSource;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code stoker list PATH}: opens a dataset (listing its files, parsing its annotations or
 * manifest), prints its class list (label and name) to standard error and one JSON line:
 * {@code files}, {@code classes}, {@code class_names} (index = label), {@code warnings} and the
 * {@code seconds} opening took. {@code scripts/listing-bench.sh} times listings with it.
 */
@Command(name = "list", mixinStandardHelpOptions = true,
    description = "Opens a dataset (ImageFolder, COCO, VOC or a .csv/.jsonl manifest), prints its classes "
        + "(label and name) and, as one JSON line, how many files and classes it has, the class names and how "
        + "long opening took.")
final class ListCommand implements Callable<Integer> {
  @Parameters(index = "0", arity = "0..1", paramLabel = "PATH",
      description = "a dataset directory, or a .csv or .jsonl manifest")
  Path dir;

  @Mixin
  DatasetOptions dataset = new DatasetOptions();

  @Override
  public Integer call() throws Exception {
    long start = System.nanoTime();
    SampleSource source = dataset.open(dir);
    double seconds = (System.nanoTime() - start) / 1e9;
    Summaries.printWarnings(source, System.err);
    System.err.println("list: " + source.description());
    Summaries.printClasses("list", source.classes(), Integer.MAX_VALUE, System.err);
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("files", source.size());
    result.put("classes", source.classes().size());
    result.put("class_names", source.classes());
    result.put("warnings", source.warnings().size());
    result.put("seconds", Math.round(seconds * 1000) / 1000.0);
    System.out.println(new ObjectMapper().writeValueAsString(result));
    return 0;
  }
}
