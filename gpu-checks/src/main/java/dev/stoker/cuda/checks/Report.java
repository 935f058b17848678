package dev.stoker.cuda.checks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.stoker.api.internal.Checks;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The results of one {@link GpuChecks} run: each check's verdict and time, the numbers the checks
 * measured, and the device. Prints the closing {@code N passed, M failed} line and writes the JSON
 * object that {@code scripts/gpu-check.sh} merges into its summary:
 *
 * <pre>
 * {"device": "...", "driver": "13.0", "standin": false, "checks": [{"name": "preflight", "passed": true,
 *  "seconds": 0.4, "detail": "..."}, ...], "passed": 7, "failed": 0, "exit_code": 0,
 *  "h2d_gb_s_feed": 24.1, "h2d_gb_s_plain": 25.0, "h2d_ratio": 0.96, "consumer_wait_pct": 0.8}
 * </pre>
 */
final class Report {
  /** The numbers always present in the JSON ({@code null} when not measured). */
  static final List<String> NUMBERS = List.of("h2d_gb_s_feed", "h2d_gb_s_plain", "h2d_ratio", "consumer_wait_pct",
      "overlap_pct");

  /**
   * One check's line in the report.
   *
   * @param name the check
   * @param passed whether it passed
   * @param seconds how long it ran
   * @param detail what it measured or why it failed, one line
   * @param threadDump the stacks when it timed out, else {@code ""}
   */
  record Entry(String name, boolean passed, double seconds, String detail, String threadDump) {}

  private final List<Entry> entries = new ArrayList<>();
  private final Map<String, Object> header = new LinkedHashMap<>();
  private final Map<String, Double> measured;

  Report(Map<String, Double> measured) {
    this.measured = Checks.notNull(measured, "measured");
  }

  /** Records the device (or why there is none) and the run's settings. */
  void device(Device cuda, Options options) {
    boolean standin = cuda.standin();
    boolean quick = options.quick() || standin;
    header.put("device", cuda.usable() ? cuda.name() : null);
    header.put("driver", cuda.driver());
    header.put("driver_version", cuda.driverVersion());
    header.put("compute_capability", cuda.compute());
    header.put("cuda_usable", cuda.usable());
    header.put("cuda_reason", cuda.reason());
    header.put("standin", standin);
    header.put("sizes", quick ? "quick" : "full");
    header.put("speed_targets", cuda.usable() && !quick);
    header.put("java", Runtime.version().toString());
  }

  void add(Entry entry) {
    entries.add(Checks.notNull(entry, "entry"));
  }

  List<Entry> entries() {
    return List.copyOf(entries);
  }

  long passed() {
    return entries.stream().filter(Entry::passed).count();
  }

  long failed() {
    return entries.size() - passed();
  }

  /** 0 only when something was checked and nothing failed. */
  int exitCode() {
    return failed() == 0 && passed() > 0 ? 0 : 1;
  }

  /** {@code N passed, M failed}, then the failed checks' names. */
  String summary() {
    List<String> failedNames = entries.stream().filter(e -> !e.passed()).map(Entry::name).toList();
    return passed() + " passed, " + failed() + " failed" + (failedNames.isEmpty() ? "" : ": "
        + String.join(", ", failedNames));
  }

  /** The whole report as one JSON object's fields, in a stable order. */
  Map<String, Object> json(int exitCode) {
    Map<String, Object> json = new LinkedHashMap<>(header);
    List<Map<String, Object>> checks = new ArrayList<>();
    for (Entry e : entries) {
      Map<String, Object> c = new LinkedHashMap<>();
      c.put("name", e.name());
      c.put("passed", e.passed());
      c.put("seconds", Math.round(e.seconds() * 1000) / 1000.0);
      c.put("detail", e.detail());
      if (!e.threadDump().isEmpty()) {
        c.put("thread_dump", e.threadDump());
      }
      checks.add(c);
    }
    json.put("checks", checks);
    json.put("passed", passed());
    json.put("failed", failed());
    json.put("exit_code", exitCode);
    for (String key : NUMBERS) {
      json.put(key, measured.get(key));
    }
    return json;
  }

  /** Writes {@link #json} to {@code file}. */
  void write(Path file, int exitCode) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), json(exitCode));
  }
}
