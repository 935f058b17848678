package dev.stoker.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stoker.api.Progress;
import dev.stoker.api.SampleFailure;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * What a run leaves behind however it ends: the {@code --failures} file, opened before the run
 * (an unwritable path is refused then) and written and flushed failure by failure; on a failed run
 * the {@code --json} line with an {@code error} field and the counts so far; on Ctrl-C (a shutdown
 * hook) the progress line ended, {@code interrupted} with the partial summary, the file flushed and
 * the JSON line.
 *
 * <pre>{@code
 * try (RunRecord record = RunRecord.open("bench", options.failuresFile, json, System.out, System.err)) {
 *   builder.onFailure(record::failed);
 *   record.watch(loader::progress, line);
 * }
 * }</pre>
 */
final class RunRecord implements AutoCloseable {
  private final String command;
  private final Path file;
  private final BufferedWriter failures;
  private final boolean json;
  private final PrintStream out;
  private final PrintStream err;
  private final ObjectMapper mapper = new ObjectMapper();
  private final Thread hook;
  private volatile Supplier<Progress> progress;
  private volatile ProgressLine line;
  private boolean ended;
  /** False during bench's untimed warm-up: its failures are held back, written only if it fails. */
  private boolean recording = true;
  private final List<SampleFailure> heldBack = new ArrayList<>();
  /** Runs first on Ctrl-C (bench's {@code --save-state}); nothing by default. */
  private volatile Runnable onInterrupt = () -> { };

  private RunRecord(String command, Path file, BufferedWriter failures, boolean json, PrintStream out,
      PrintStream err) {
    this.command = command;
    this.file = file;
    this.failures = failures;
    this.json = json;
    this.out = out;
    this.err = err;
    this.hook = new Thread(this::interrupted, "stoker-interrupt");
  }

  /**
   * Opens {@code failuresFile} (null: none) and arms the Ctrl-C hook.
   *
   * @throws IllegalArgumentException in one sentence naming {@code --failures} if the file cannot
   *     be written
   */
  static RunRecord open(String command, Path failuresFile, boolean json, PrintStream out, PrintStream err) {
    BufferedWriter writer = null;
    if (failuresFile != null) {
      try {
        writer = Files.newBufferedWriter(failuresFile);
      } catch (IOException | UnsupportedOperationException e) {
        throw new UsageException("--failures " + failuresFile + ": cannot write there ("
            + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")", e);
      }
    }
    RunRecord record = new RunRecord(command, failuresFile, writer, json, out, err);
    Runtime.getRuntime().addShutdownHook(record.hook);
    return record;
  }

  /**
   * The run now going on: where its counts come from, and its progress line (ended on Ctrl-C).
   * With {@code recorded} false (bench's untimed warm-up) its failures are written only if it fails
   * or is interrupted, so that the file lists the timed epochs' failures, as the summary does.
   */
  synchronized void watch(Supplier<Progress> progress, ProgressLine line, boolean recorded) {
    this.progress = progress;
    this.line = line;
    this.recording = recorded;
    heldBack.clear();
  }

  /** Sets what runs on Ctrl-C, before the counts are printed, e.g. saving the loader's state. */
  void onInterrupt(Runnable action) {
    this.onInterrupt = action;
  }

  /**
   * Writes {@code f} to the file as one JSON object line ({@code epoch}, {@code index},
   * {@code source}, {@code error}) and flushes it; a loader's failure listener.
   *
   * @throws UncheckedIOException naming the file if it cannot be written
   */
  synchronized void failed(SampleFailure f) {
    if (failures == null || ended) {
      return;
    }
    if (!recording) {
      heldBack.add(f);
      return;
    }
    write(f);
  }

  private synchronized void write(SampleFailure f) {
    ObjectNode o = mapper.createObjectNode();
    o.put("epoch", f.epoch());
    o.put("index", f.index());
    o.put("source", f.source());
    o.put("error", f.describe());
    try {
      failures.write(o.toString());
      failures.newLine();
      failures.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("--failures " + file + ": cannot write: " + e.getMessage(), e);
    }
  }

  /** With {@code --json}: prints the result line of a run that failed with {@code error}. */
  void runFailed(Throwable error) {
    writeHeldBack();
    if (json) {
      out.println(errorLine(error.getMessage() == null ? error.toString() : error.getMessage()));
    }
  }

  /**
   * The Ctrl-C hook's work: ends the progress line, prints {@code interrupted} and the counts so
   * far, flushes the failures file and, with {@code --json}, prints the result line with
   * {@code "error":"interrupted"}.
   */
  void interrupted() {
    ProgressLine current = line;
    if (current != null) {
      current.close();
    }
    try {
      onInterrupt.run();
    } catch (RuntimeException e) {
      err.println(command + ": " + e.getMessage());
    }
    writeHeldBack();
    Progress p = progress();
    err.printf(Locale.ROOT, "%s: interrupted after %,d images (%,d failed) in %.2f s%s%n", command, p.delivered(),
        p.failed(), p.elapsedSeconds(), file == null ? "" : "; failures so far are in " + file);
    err.flush();
    end();
    if (json) {
      out.println(errorLine("interrupted"));
      out.flush();
    }
  }

  private synchronized void writeHeldBack() {
    if (!ended && failures != null) {
      recording = true;
      heldBack.forEach(this::write);
      heldBack.clear();
    }
  }

  private Progress progress() {
    Supplier<Progress> source = progress;
    return source == null ? new Progress(0, 0, 0, 0, 0, 0) : source.get();
  }

  private String errorLine(String error) {
    Progress p = progress();
    ObjectNode o = mapper.createObjectNode();
    o.put("error", error);
    o.put("images", p.delivered());
    o.put("failed", p.failed());
    o.put("seconds", Math.round(p.elapsedSeconds() * 1000) / 1000.0);
    return o.toString();
  }

  private synchronized void end() {
    if (ended) {
      return;
    }
    ended = true;
    if (failures != null) {
      try {
        failures.close();
      } catch (IOException e) {
        err.println(command + ": --failures " + file + ": cannot write: " + e.getMessage());
      }
    }
  }

  /** Disarms the Ctrl-C hook and closes the file; the run ended on its own. */
  @Override
  public void close() {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // shutting down: the hook is running or ran
    }
    end();
  }
}
