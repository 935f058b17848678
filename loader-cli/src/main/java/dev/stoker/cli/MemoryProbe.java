package dev.stoker.cli;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The memory free for a cache: {@code MemAvailable} of {@code /proc/meminfo} (what the kernel
 * could give without swapping, page cache included), else the JDK's free physical memory.
 *
 * @param bytes the memory available, or -1 when neither source answered
 * @param method where the figure came from
 */
record MemoryProbe(long bytes, String method) {
  private static final Path MEMINFO = Path.of("/proc/meminfo");

  /** Measures it on this machine. */
  static MemoryProbe measure() {
    try {
      long kib = memAvailableKib(Files.readString(MEMINFO));
      if (kib >= 0) {
        return new MemoryProbe(kib << 10, "MemAvailable in /proc/meminfo");
      }
    } catch (IOException | RuntimeException e) {
      // not Linux, or not readable: the JDK's figure below
    }
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
      return new MemoryProbe(os.getFreeMemorySize(), "the JDK's free physical memory (no /proc/meminfo)");
    }
    return new MemoryProbe(-1, "unknown: no /proc/meminfo and no JDK figure");
  }

  /** The {@code MemAvailable} line's value in KiB, or -1 if {@code meminfo} has none. */
  static long memAvailableKib(String meminfo) {
    for (String line : meminfo.split("\n")) {
      if (line.startsWith("MemAvailable:")) {
        String[] parts = line.substring("MemAvailable:".length()).trim().split("\\s+");
        return Long.parseLong(parts[0]);
      }
    }
    return -1;
  }
}
