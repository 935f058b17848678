package dev.stoker.dataset;

import java.util.ArrayList;
import java.util.List;

/**
 * The problems a source met while opening that did not stop it (an annotation that refers to a
 * missing image, a degenerate box). Keeps the first {@value #KEPT} lines and counts the rest, so a
 * badly broken annotation file cannot flood memory or a terminal.
 */
final class SourceProblems {
  static final int KEPT = 100;

  private final List<String> kept = new ArrayList<>();
  private int count;

  void add(String problem) {
    if (kept.size() < KEPT) {
      kept.add(problem);
    }
    count++;
  }

  int count() {
    return count;
  }

  /** The kept lines, then one line saying how many more there were. */
  List<String> lines() {
    List<String> lines = new ArrayList<>(kept);
    if (count > kept.size()) {
      lines.add("... and " + (count - kept.size()) + " more");
    }
    return List.copyOf(lines);
  }
}
