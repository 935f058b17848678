package dev.stoker.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * CPU time of every thread of this process, from {@code /proc/self/task/TID/stat} (Linux): the
 * JVM's own threads (GC, JIT compilers, the VM thread) included, which {@code ThreadMXBean} does
 * not see. Two snapshots give each thread's CPU between them; threads are grouped by name
 * ({@link #group(String)}), so that a pool of numbered threads reads as one line.
 *
 * <pre>
 * ThreadCpu before = ThreadCpu.snapshot();
 * run();
 * Map&lt;String, Double&gt; seconds = ThreadCpu.snapshot().minus(before);   // group -&gt; CPU seconds
 * </pre>
 *
 * <p>Resolution: one clock tick (USER_HZ, 100 per second on Linux), so compare runs of seconds,
 * not milliseconds. A thread that ended between the snapshots loses its CPU here; the process
 * total ({@link ProcessHandle.Info#totalCpuDuration()}) still counts it.
 */
final class ThreadCpu {
  /** USER_HZ: the unit of utime and stime in /proc, 100 on every Linux architecture the JDK runs on. */
  static final double TICKS_PER_SECOND = 100.0;

  private final Map<Long, Entry> threads;
  private final Entry process;

  /** A thread's (or the process's) name and CPU ticks in user and kernel mode. */
  record Entry(String name, long user, long sys) { }

  private ThreadCpu(Map<Long, Entry> threads, Entry process) {
    this.threads = threads;
    this.process = process;
  }

  /**
   * Every thread of this process now.
   *
   * @return the snapshot
   */
  static ThreadCpu snapshot() {
    return snapshot("self");
  }

  /**
   * Every thread of process {@code pid} now, or an empty snapshot where it (or /proc) is not there.
   *
   * @param pid a process id, or {@code "self"}
   * @return the snapshot
   */
  static ThreadCpu snapshot(String pid) {
    Map<Long, Entry> threads = new LinkedHashMap<>();
    Path root = Path.of("/proc", pid);
    Entry process = read(root.resolve("stat"));
    try (DirectoryStream<Path> tasks = Files.newDirectoryStream(root.resolve("task"))) {
      for (Path task : tasks) {
        Entry e = read(task.resolve("stat"));
        if (e != null) {
          threads.put(Long.parseLong(task.getFileName().toString()), e);
        }
      }
    } catch (IOException | RuntimeException gone) {
      // not Linux, or the process ended: no per-thread figures
    }
    return new ThreadCpu(threads, process);
  }

  private static Entry read(Path stat) {
    try {
      return parse(Files.readString(stat, StandardCharsets.US_ASCII));
    } catch (IOException | RuntimeException gone) {
      return null;   // the thread ended while we listed the directory
    }
  }

  /** name, utime and stime of one {@code stat} line; its name is in parentheses and may hold spaces. */
  static Entry parse(String stat) {
    int open = stat.indexOf('(');
    int close = stat.lastIndexOf(')');
    if (open < 0 || close < open) {
      return null;
    }
    String[] rest = stat.substring(close + 2).trim().split(" ");
    // after the name: state(0) ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime(11) stime(12)
    return new Entry(stat.substring(open + 1, close), Long.parseLong(rest[11]), Long.parseLong(rest[12]));
  }

  /**
   * The whole process's CPU seconds (every thread, ended ones too) between {@code before} and this
   * snapshot: {user, sys}; {-1, -1} if either lacks it.
   *
   * @param before the earlier snapshot
   * @return user and kernel seconds
   */
  double[] processMinus(ThreadCpu before) {
    if (process == null || before.process == null) {
      return new double[] {-1, -1};
    }
    return new double[] {(process.user - before.process.user) / TICKS_PER_SECOND,
        (process.sys - before.process.sys) / TICKS_PER_SECOND};
  }

  /**
   * CPU seconds per thread group between {@code before} and this snapshot, {user, sys}, largest
   * first.
   *
   * @param before the earlier snapshot
   * @return group name to user and kernel CPU seconds
   */
  Map<String, double[]> minus(ThreadCpu before) {
    Map<String, double[]> groups = new TreeMap<>();
    threads.forEach((tid, now) -> {
      Entry then = before.threads.get(tid);
      boolean same = then != null && then.name.equals(now.name);
      double[] g = groups.computeIfAbsent(group(now.name), k -> new double[2]);
      g[0] += (now.user - (same ? then.user : 0)) / TICKS_PER_SECOND;
      g[1] += (now.sys - (same ? then.sys : 0)) / TICKS_PER_SECOND;
    });
    Map<String, double[]> sorted = new LinkedHashMap<>();
    groups.entrySet().stream().sorted((a, b) -> Double.compare(b.getValue()[0] + b.getValue()[1],
        a.getValue()[0] + a.getValue()[1])).forEach(e -> sorted.put(e.getKey(), e.getValue()));
    return sorted;
  }

  /**
   * The group of a thread name (as /proc shows it: at most 15 characters): numbered threads of one
   * pool fall together.
   *
   * @param name the thread's name
   * @return its group
   */
  static String group(String name) {
    if (name.startsWith("stoker-remote")) {
      return "client event loop";
    } else if (name.startsWith("stoker-flux") || name.startsWith("stoker-batches")) {
      return "batch assembly";
    } else if (name.startsWith("stoker-decode")) {
      return "loader workers";
    } else if (name.startsWith("stoker-node-wor")) {
      return "node worker";
    } else if (name.startsWith("multiThreadIoE") || name.startsWith("nioEventLoop")) {
      return "node event loops";
    } else if (name.equals("main") || name.equals("java")) {
      return "main (consumer)";
    } else if (name.startsWith("GC Thread") || name.startsWith("VM Thread") || name.startsWith("G1 ")
        || name.startsWith("ParGC")) {
      return "GC and VM thread";
    } else if (name.contains("CompilerThre")) {
      return "JIT compilers";
    }
    return "other";
  }

  /** Number of threads in the snapshot (for tests). */
  int size() {
    return threads.size();
  }
}
