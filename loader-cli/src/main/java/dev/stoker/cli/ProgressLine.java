package dev.stoker.cli;

import dev.stoker.api.Progress;
import java.io.PrintStream;
import java.util.function.Supplier;

/**
 * One live status line on the terminal, redrawn in place a few times a second: images/s, ring
 * occupancy and the consumer's wait share. Without a terminal it prints a plain line every few
 * seconds instead.
 */
final class ProgressLine implements AutoCloseable {
  private final Thread thread;
  private final PrintStream out;
  private final boolean terminal;
  private volatile boolean stopped;

  ProgressLine(String label, Supplier<Progress> progress, PrintStream out) {
    this.out = out;
    this.terminal = System.console() != null;
    long period = terminal ? 250 : 5_000;
    this.thread = Thread.ofPlatform().daemon().name("stoker-progress").start(() -> {
      while (!stopped) {
        try {
          Thread.sleep(period);
        } catch (InterruptedException e) {
          return;
        }
        if (!stopped) {
          print(label, progress.get());
        }
      }
    });
  }

  private synchronized void print(String label, Progress p) {
    String line = String.format("%s: %,d images  %,.0f images/s  ring %d/%d  consumer wait %.1f%%%s",
        label, p.delivered(), p.imagesPerSecond(), p.ringOccupancy(), p.ringSlots(), p.consumerWaitPercent(),
        p.failed() > 0 ? String.format("  failed %,d", p.failed()) : "");
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
