package dev.stoker.cli;

import dev.stoker.api.Progress;
import java.io.Console;
import java.io.PrintStream;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * One live status line on a terminal, redrawn in place a few times a second: the share done and
 * the time left (when the run's size is known), images/s, ring occupancy and the consumer's wait
 * share. Without a terminal (output piped or redirected, {@link Console#isTerminal()} false) it
 * prints a plain line every few seconds instead, without the redraw codes.
 *
 * <pre>{@code
 * try (ProgressLine line = new ProgressLine("bench", loader::progress, expected, System.err)) {
 *   loader.run(0, epochs, consumer);
 * }
 * }</pre>
 */
final class ProgressLine implements AutoCloseable {
  private final Thread thread;
  private final PrintStream out;
  private final boolean terminal;
  private volatile boolean stopped;

  /**
   * Starts the line.
   *
   * @param total the samples (delivered and failed) the run will have tried when it ends; 0 if
   *     unknown (no percent, no time left)
   */
  ProgressLine(String label, Supplier<Progress> progress, long total, PrintStream out) {
    this(label, progress, total, out, onTerminal());
  }

  ProgressLine(String label, Supplier<Progress> progress, long total, PrintStream out, boolean terminal) {
    this(onTerminal -> text(label, progress.get(), total, onTerminal), out, terminal);
  }

  /**
   * Starts a line whose text another command makes ({@code stoker pack}): {@code line} gets
   * whether the output is a terminal.
   */
  ProgressLine(java.util.function.Function<Boolean, String> line, PrintStream out, boolean terminal) {
    this.out = out;
    this.terminal = terminal;
    long period = terminal ? 250 : 5_000;
    this.thread = Thread.ofPlatform().daemon().name("stoker-progress").start(() -> {
      while (!stopped) {
        try {
          Thread.sleep(period);
        } catch (InterruptedException e) {
          return;
        }
        if (!stopped) {
          print(line.apply(this.terminal));
        }
      }
    });
  }

  /** Whether standard output and error are a terminal: a console that is one (JDK 22+). */
  static boolean onTerminal() {
    Console console = System.console();
    return console != null && console.isTerminal();
  }

  /**
   * The line for {@code p}: on a terminal with a known {@code total}, the share done and the time
   * left (at the rate so far) lead, e.g. {@code bench: 42%  ETA 0:13  1,234 images  ...}; otherwise
   * the counts and rates alone.
   */
  static String text(String label, Progress p, long total, boolean terminal) {
    String done = "";
    long tried = p.delivered() + p.failed();
    if (terminal && total > 0) {
      double share = Math.min(1.0, tried / (double) total);
      String eta = tried > 0 && p.elapsedSeconds() > 0
          ? clock(p.elapsedSeconds() * Math.max(0, total - tried) / tried) : "-:--";
      done = String.format(Locale.ROOT, "%3.0f%%  ETA %s  ", 100 * share, eta);
    }
    return String.format(Locale.ROOT, "%s: %s%,d images  %,.0f images/s  ring %d/%d  consumer wait %.1f%%%s",
        label, done, p.delivered(), p.imagesPerSecond(), p.ringOccupancy(), p.ringSlots(), p.consumerWaitPercent(),
        p.failed() > 0 ? String.format(Locale.ROOT, "  failed %,d", p.failed()) : "");
  }

  /** {@code seconds} as {@code m:ss}, or {@code h:mm:ss} from an hour on. */
  static String clock(double seconds) {
    long s = Math.round(seconds);
    return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
        : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
  }

  private synchronized void print(String line) {
    if (stopped) {
      return;
    }
    if (terminal) {
      out.print("\r" + line + "\u001b[K");
    } else {
      out.println(line);
    }
    out.flush();
  }

  @Override
  public synchronized void close() {
    stopped = true;
    thread.interrupt();
    if (terminal) {
      out.print("\r\u001b[K");
      out.flush();
    }
  }
}
