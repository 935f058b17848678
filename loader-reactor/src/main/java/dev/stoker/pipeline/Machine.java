package dev.stoker.pipeline;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What the advice on a run needs to know of the machine: its cores and the memory free for a
 * cache. {@link #current()} asks the JVM and Linux; tests give their own.
 *
 * @param cores processors the JVM may use
 * @param memoryAvailableBytes memory free for a cache (Linux's {@code MemAvailable}, at most the
 *     JVM's view of the physical memory, a container's limit where there is one), or -1 when unknown
 */
record Machine(int cores, long memoryAvailableBytes) {
  private static final Path MEMINFO = Path.of("/proc/meminfo");

  /** This machine, now. */
  static Machine current() {
    long total = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getTotalMemorySize();
    long available = memAvailable(MEMINFO);
    long memory = available < 0 ? -1 : total > 0 ? Math.min(available, total) : available;
    return new Machine(Runtime.getRuntime().availableProcessors(), memory);
  }

  /** {@code MemAvailable} of a {@code /proc/meminfo}-like file in bytes, or -1 when absent or unreadable. */
  static long memAvailable(Path meminfo) {
    try {
      List<String> lines = Files.readAllLines(meminfo, StandardCharsets.US_ASCII);
      for (String line : lines) {
        if (line.startsWith("MemAvailable:")) {
          String[] parts = line.substring("MemAvailable:".length()).trim().split("\\s+");
          long kib = Long.parseLong(parts[0]);
          return parts.length > 1 && parts[1].equalsIgnoreCase("kB") ? Math.multiplyExact(kib, 1024L) : kib;
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }
}
