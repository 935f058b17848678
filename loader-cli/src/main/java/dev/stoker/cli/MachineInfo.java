package dev.stoker.cli;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * The machine a report was made on: cores, CPU model, memory, JDK and operating system.
 *
 * <pre>{@code
 * MachineInfo machine = MachineInfo.here();
 * System.out.println(machine.cores() + " cores, " + machine.cpu());
 * }</pre>
 *
 * @param cores the processors the JVM may use
 * @param cpu the CPU model ({@code model name} in {@code /proc/cpuinfo}), or "unknown"
 * @param memoryBytes the machine's physical memory, 0 if unknown
 * @param jdk the Java runtime: version, vendor and VM
 * @param os the operating system: name, version and architecture
 */
record MachineInfo(int cores, String cpu, long memoryBytes, String jdk, String os) {
  /** The most of {@code /proc/cpuinfo} read: the model is on its first lines. */
  private static final int CPUINFO_BYTES = 64 << 10;

  /** This machine. */
  static MachineInfo here() {
    return new MachineInfo(Runtime.getRuntime().availableProcessors(),
        readCpuModel(Path.of("/proc/cpuinfo")).orElse("unknown"), memory(),
        System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ", "
            + System.getProperty("java.vm.name") + ")",
        System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
  }

  /**
   * The first {@code model name} in a cpuinfo file, reading at most its first 64 KiB.
   *
   * @return the model, empty if the file cannot be read or names none
   */
  static Optional<String> readCpuModel(Path cpuinfo) {
    byte[] head;
    try (InputStream in = Files.newInputStream(cpuinfo)) {
      head = in.readNBytes(CPUINFO_BYTES);
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
    return cpuModel(new String(head, StandardCharsets.UTF_8));
  }

  /** The first {@code model name : ...} value of cpuinfo text. */
  static Optional<String> cpuModel(String cpuinfo) {
    return cpuinfo.lines()
        .filter(l -> l.toLowerCase(Locale.ROOT).startsWith("model name") && l.contains(":"))
        .map(l -> l.substring(l.indexOf(':') + 1).strip().replaceAll("\\s+", " "))
        .filter(s -> !s.isEmpty())
        .findFirst();
  }

  private static long memory() {
    try {
      return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
          .getTotalMemorySize();
    } catch (RuntimeException e) {
      return 0;
    }
  }

  /** The memory as people read it, e.g. {@code 15.6 GiB}. */
  String memoryText() {
    return memoryBytes <= 0 ? "unknown" : String.format(Locale.ROOT, "%.1f GiB", memoryBytes / (double) (1L << 30));
  }
}
