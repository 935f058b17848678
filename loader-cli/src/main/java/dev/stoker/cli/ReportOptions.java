package dev.stoker.cli;

import dev.stoker.api.StageReport;
import dev.stoker.pipeline.Loader;
import dev.stoker.pipeline.Tuning;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * {@code --report FILE} of {@code bench} and {@code demo}: a {@link RunTimeline} sampled while the
 * loader runs, and after a run that ended well one self-contained HTML page ({@link HtmlReport})
 * written to a temporary file beside {@code FILE} and moved onto it, so a reader never sees half a
 * page. The temporary file is made before anything is opened: a folder that does not exist or
 * cannot be written is a usage error naming the option (exit status 2). A run that fails writes no
 * report and leaves no temporary file.
 *
 * <pre>{@code
 * report.check("bench");
 * try (Loader loader = ...; RunTimeline timeline = report.timeline(loader)) {
 *   loader.run(0, epochs, consumer);
 *   report.write(loader, input, options, epochs, 0, loader.stageReport(), jsonLine, timeline, dir);
 * } finally {
 *   report.discard();
 * }
 * }</pre>
 */
final class ReportOptions {
  @picocli.CommandLine.Option(names = "--report", paramLabel = "FILE",
      description = "after the run, write one self-contained HTML page to FILE (e.g. run.html): a timeline of "
          + "images/s per stage, the consumer's busy and waiting time and the ring's fill, sampled while it ran; the "
          + "stage table, the verdict, the settings, the machine and the run's JSON (default: no report)")
  Path file;

  private String command;
  private Path temp;

  /** Whether {@code --report} was given. */
  boolean given() {
    return file != null;
  }

  /**
   * Makes the temporary file beside {@code --report FILE}, so that a folder that cannot take it is
   * refused before the run.
   *
   * @throws UsageException naming {@code --report} and the file if it cannot be written there
   */
  void check(String command) {
    this.command = command;
    if (file == null) {
      return;
    }
    Path target = file.toAbsolutePath();
    if (Files.isDirectory(target)) {
      throw new UsageException("--report " + file + ": is a directory; name the HTML file to write");
    }
    try {
      // createFile, not createTempFile: the page gets the umask's permissions, as any file the user writes
      temp = Files.createFile(target.getParent().resolve("." + target.getFileName() + "."
          + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp"));
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      throw new UsageException("--report " + file + ": cannot write there (" + e.getClass().getSimpleName()
          + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")", e);
    }
  }

  /** A timeline of {@code loader}, sampling from now on; null without {@code --report}. */
  RunTimeline timeline(Loader loader) {
    return file == null ? null : RunTimeline.start(LoaderProbe.of(loader), System::nanoTime);
  }

  /**
   * With {@code --report}: stops {@code timeline}, writes the page into the temporary file and
   * moves it onto {@code FILE} (atomically where the file system can), then says where on stderr.
   *
   * @param epochs the epochs the command ran (timed epochs, for bench)
   * @param warmUpEpochs the untimed warm-up epochs before them
   * @param json the run's JSON line, as {@code --json} prints it
   * @param path the dataset's path as given, null for none
   * @throws UncheckedIOException naming {@code --report} if the page cannot be written
   */
  void write(Loader loader, Input input, LoaderOptions options, int epochs, int warmUpEpochs, StageReport stages,
      String json, RunTimeline timeline, String path) {
    if (file == null) {
      return;
    }
    timeline.stop();
    String page = HtmlReport.page(new HtmlReport.Run(command, loader.sourceDescription(),
        path, input.classes(),
        settings(loader, input, options, epochs, warmUpEpochs), MachineInfo.here(), timeline, warmUpEpochs, stages, json));
    try {
      Files.writeString(temp, page, StandardCharsets.UTF_8);
      try {
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("--report " + file + ": cannot write it: " + e.getMessage(), e);
    } finally {
      discard();
    }
    System.err.println(command + ": report written to " + file);
  }

  /** Deletes the temporary file if it is still there (a run that failed); safe to call twice. */
  void discard() {
    if (temp != null) {
      try {
        Files.deleteIfExists(temp);
      } catch (IOException e) {
        System.err.println(command + ": --report: cannot delete " + temp + ": " + e.getMessage());
      }
      temp = null;
    }
  }

  private static Map<String, String> settings(Loader loader, Input input, LoaderOptions options, int epochs,
      int warmUpEpochs) {
    Tuning t = loader.tuning();
    Map<String, String> s = new LinkedHashMap<>();
    s.put("epochs", epochs + (warmUpEpochs > 0 ? " timed, after " + warmUpEpochs + " warm-up" : ""));
    s.put("batch", Integer.toString(options.batch));
    s.put("output", loader.layout().toString());
    s.put("transforms", options.describeTransforms(input.hasBoxes()));
    s.put("decoder", Summaries.decoder(loader.decoderName()));
    s.put("threads", t.threads() + " (" + t.activeThreads() + " active)");
    s.put("in flight", Integer.toString(t.inFlight()));
    s.put("ring slots", Integer.toString(t.ringSlots()));
    s.put("tuning", t.describe());
    s.put("seed", Long.toString(options.seed));
    s.put("shuffle", Boolean.toString(!options.noShuffle));
    s.put("shard", "rank " + options.shardRank + " of " + options.shardWorldSize);
    s.put("last batch", options.lastBatchPolicy().toString());
    if (options.cacheBytes != null) {
      s.put("cache", options.cacheBytes + " bytes, " + (options.cacheKind == null ? "encoded" : options.cacheKind));
    }
    return s;
  }
}
