package dev.stoker.dataset;

import java.util.ArrayList;
import java.util.List;

/**
 * The problems a source met while opening that did not stop it (an annotation that refers to a
 * missing image, a degenerate box, a damaged tar shard). Keeps the first {@value #KEPT} lines and
 * counts the rest, so a badly broken dataset cannot flood memory or a terminal; what
 * {@link dev.stoker.api.SampleSource#warnings()} and {@code warningCount()} return. Thread-safe, for
 * sources (such as those a {@link DatasetProvider} adds) that scan in parallel.
 *
 * <pre>{@code
 * SourceProblems problems = new SourceProblems();
 * problems.add("train/annotations.json: image 17 is missing; skipped");
 * List<String> warnings = problems.lines();   // at most KEPT lines, then "... and N more"
 * }</pre>
 */
public final class SourceProblems {
  /** The most lines kept; the rest are counted. */
  public static final int KEPT = 100;

  private final List<String> kept = new ArrayList<>();
  private int count;

  /** Creates an empty record of problems. */
  public SourceProblems() {}

  /**
   * Records one problem.
   *
   * @param problem one line naming the file and what is wrong
   */
  public synchronized void add(String problem) {
    if (kept.size() < KEPT) {
      kept.add(problem);
    }
    count++;
  }

  /**
   * Records every problem {@code other} holds, its kept lines and its count.
   *
   * @param other problems found apart, e.g. by one of several parallel scans
   */
  public void addAll(SourceProblems other) {
    List<String> lines;
    int more;
    synchronized (other) {
      lines = List.copyOf(other.kept);
      more = other.count - other.kept.size();
    }
    synchronized (this) {
      lines.forEach(this::add);
      count += more;
    }
  }

  /**
   * How many problems were recorded, kept or not.
   *
   * @return the number of problems
   */
  public synchronized int count() {
    return count;
  }

  /**
   * The kept lines, then one line saying how many more there were.
   *
   * @return the lines, at most {@value #KEPT} + 1
   */
  public synchronized List<String> lines() {
    List<String> lines = new ArrayList<>(kept);
    if (count > kept.size()) {
      lines.add("... and " + (count - kept.size()) + " more");
    }
    return List.copyOf(lines);
  }
}
