package dev.stoker.pack;

import java.util.ArrayList;
import java.util.List;

/**
 * The problems a source met while opening that did not stop it: keeps the first {@value #KEPT}
 * lines and counts the rest, so a badly broken dataset cannot flood memory or a terminal.
 * Thread-safe.
 */
final class Problems {
  static final int KEPT = 100;

  private final List<String> kept = new ArrayList<>();
  private int count;

  synchronized void add(String problem) {
    if (kept.size() < KEPT) {
      kept.add(problem);
    }
    count++;
  }

  synchronized void addAll(Problems other) {
    for (String line : other.kept) {
      add(line);
    }
    count += other.count - other.kept.size();
  }

  synchronized int count() {
    return count;
  }

  /** The kept lines, then one line saying how many more there were. */
  synchronized List<String> lines() {
    List<String> lines = new ArrayList<>(kept);
    if (count > kept.size()) {
      lines.add("... and " + (count - kept.size()) + " more");
    }
    return List.copyOf(lines);
  }
}
