package dev.stoker.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stoker.advice.FeedAdvice;
import dev.stoker.api.Stage;
import dev.stoker.api.StageReport;
import dev.stoker.api.StageStats;
import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The page {@code --report FILE.html} writes: one self-contained HTML file (inline CSS and SVG, no
 * script but the run's JSON as data, nothing fetched) with the run's key figures, the verdict, the
 * timeline charts ({@link TimelineCharts}), the stage table (the figures of the summary's table),
 * the settings, the machine and the dataset, and the run's JSON in a
 * {@code <script type="application/json" id="run-json">} block. Every value from the dataset or
 * the command line is {@linkplain Html#escape escaped}.
 *
 * <pre>{@code
 * String page = HtmlReport.page(new HtmlReport.Run("bench", description, dir, classes, settings,
 *     MachineInfo.here(), timeline, 1, loader.stageReport(), jsonLine));
 * }</pre>
 */
final class HtmlReport {
  /** The JSON keys shown as key figures, in this order, when the run's JSON has them. */
  static final List<String> FIGURES = List.of("images_per_s", "consumer_wait_pct", "images", "delivered", "failed",
      "batches", "seconds", "bound", "remedy", "backend", "decoder", "accuracy", "chance", "loss_start", "loss_end",
      "digest");
  /** Class names listed at most; the rest are counted. */
  static final int CLASSES_SHOWN = 200;

  private HtmlReport() {}

  /**
   * What a report shows.
   *
   * @param command {@code bench} or {@code demo}
   * @param dataset the loader's description of its source
   * @param path the dataset's path as given, null where there is none (a generated set, remote nodes)
   * @param classes the class names, index = label
   * @param settings the settings that ran, as name and value, in order
   * @param machine where it ran
   * @param timeline the run's timeline, stopped
   * @param warmUpEpochs epochs at the start that were an untimed warm-up (bench: 1, or 0 on resume)
   * @param stages the stage table and verdict of the (timed) run
   * @param json the run's JSON line, as {@code --json} prints it
   */
  record Run(String command, String dataset, String path, List<String> classes, Map<String, String> settings,
      MachineInfo machine, RunTimeline timeline, int warmUpEpochs, StageReport stages, String json) {}

  /** The whole page. */
  static String page(Run run) {
    JsonNode json = parse(run.json());
    StringBuilder s = new StringBuilder(64 << 10);
    s.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
        .append("<title>stoker ").append(Html.escape(run.command())).append(": ").append(Html.escape(run.dataset()))
        .append("</title>\n<style>\n").append(STYLE).append("</style>\n</head>\n<body>\n");
    s.append("<h1>stoker ").append(Html.escape(run.command())).append("</h1>\n<p class=\"dataset\">")
        .append(run.path() == null ? "" : Html.escape(run.path()) + " &mdash; ").append(Html.escape(run.dataset()))
        .append("</p>\n");
    figures(s, json);
    s.append("<h2>Verdict</h2>\n<p class=\"verdict\"").append(json.has("verdict") ? " data-key=\"verdict\"" : "")
        .append('>').append(Html.escape(run.stages().bottleneck().sentence())).append("</p>\n");
    FeedAdvice advice = run.stages().bottleneck().advice();
    if (advice.judged()) {
      s.append("<p class=\"verdict\"").append(json.has("advice") ? " data-key=\"advice\"" : "").append('>')
          .append(Html.escape(advice.sentence())).append("</p>\n");
    }
    s.append("<h2>Timeline</h2>\n");
    TimelineCharts charts = new TimelineCharts(run.timeline(), run.warmUpEpochs());
    s.append("<figure>").append(charts.rates()).append("<figcaption>Images per second through each stage, "
        + "averaged over each sampling interval (").append(Html.escape(charts.period())).append(").")
        .append(charts.warmUpNote()).append("</figcaption></figure>\n");
    s.append("<figure>").append(charts.consumer()).append("<figcaption>The consumer's time: inside its batches "
        + "(busy) or waiting for the next one (waiting), as a share of each interval. A consumer that waits is "
        + "fed too slowly.</figcaption></figure>\n");
    s.append("<figure>").append(charts.ring()).append("<figcaption>Ring slots in use when the consumer took a batch, "
        + "averaged over each interval (0 where it took none). Near the slot count the producers are ahead; near 1 "
        + "the ring runs dry.</figcaption></figure>\n");
    stageTable(s, run.stages());
    table(s, "Settings", "settings", run.settings());
    MachineInfo m = run.machine();
    table(s, "Machine", "machine", Map.of("cores", Integer.toString(m.cores()), "CPU", m.cpu(), "memory",
        m.memoryText(), "JDK", m.jdk(), "OS", m.os()), List.of("cores", "CPU", "memory", "JDK", "OS"));
    classes(s, run.classes());
    s.append("<h2>The run's JSON</h2>\n<details><summary>as <code>--json</code> prints it</summary><pre class=\"json\">")
        .append(Html.escape(pretty(json))).append("</pre></details>\n");
    s.append("<script type=\"application/json\" id=\"run-json\">").append(Html.scriptJson(run.json().strip()))
        .append("</script>\n</body>\n</html>\n");
    return s.toString();
  }

  private static JsonNode parse(String json) {
    try {
      return new ObjectMapper().readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("json: not a JSON object: " + e.getOriginalMessage(), e);
    }
  }

  private static String pretty(JsonNode json) {
    try {
      return new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(json);
    } catch (JsonProcessingException e) {
      return json.toString();
    }
  }

  private static void figures(StringBuilder s, JsonNode json) {
    s.append("<dl class=\"figures\">\n");
    for (String key : FIGURES) {
      JsonNode value = json.get(key);
      if (value == null || value.isNull() || value.isContainerNode()) {
        continue;
      }
      s.append("<div><dt>").append(Html.escape(key.replace('_', ' '))).append("</dt><dd data-key=\"")
          .append(Html.escape(key)).append("\">").append(Html.escape(shown(value))).append("</dd></div>\n");
    }
    s.append("</dl>\n");
  }

  /**
   * A JSON value as the page shows it: a number grouped in thousands with the decimals the JSON
   * has ({@code 1234.5} as {@code 1,234.5}), anything else as its text.
   */
  static String shown(JsonNode value) {
    if (value.isIntegralNumber()) {
      return String.format(Locale.ROOT, "%,d", value.longValue());
    }
    if (value.isNumber()) {
      BigDecimal exact = new BigDecimal(value.asText());
      return String.format(Locale.ROOT, "%,." + Math.max(0, exact.scale()) + "f", exact);
    }
    return value.asText();
  }

  /** The table {@link Summaries#printStages} prints, with the same figures and formats. */
  private static void stageTable(StringBuilder s, StageReport r) {
    s.append("<h2>Stages</h2>\n<table class=\"stages\">\n<thead><tr><th>stage</th><th>count</th><th>per s</th>"
        + "<th>mean ms</th><th>p50 ms</th><th>p95 ms</th><th>p99 ms</th></tr></thead>\n<tbody>\n");
    for (StageStats st : r.stages()) {
      if (st.count() == 0) {
        continue;
      }
      String rate = st.stage() == Stage.LIST ? "-" : String.format("%,.0f", st.perSecond());
      s.append("<tr><td>").append(st.stage().tag()).append("</td><td>").append(String.format("%,d", st.count()))
          .append("</td><td>").append(rate).append("</td><td>").append(String.format("%.3f", st.meanMillis()))
          .append("</td><td>").append(String.format("%.3f", st.p50Millis())).append("</td><td>")
          .append(String.format("%.3f", st.p95Millis())).append("</td><td>").append(String.format("%.3f", st.p99Millis()))
          .append("</td></tr>\n");
    }
    s.append("</tbody>\n</table>\n<p class=\"ring\">").append(Html.escape(String.format("ring: %.1f of %d slots in use, "
        + "on average, when the consumer took a batch; the consumer waited %.1f%% of the time", r.meanRingOccupancy(),
        r.ringSlots(), r.consumerWaitPercent()))).append("</p>\n");
  }

  private static void table(StringBuilder s, String title, String cssClass, Map<String, String> rows) {
    table(s, title, cssClass, rows, List.copyOf(rows.keySet()));
  }

  private static void table(StringBuilder s, String title, String cssClass, Map<String, String> rows,
      List<String> order) {
    s.append("<h2>").append(Html.escape(title)).append("</h2>\n<table class=\"").append(cssClass).append("\">\n");
    for (String key : order) {
      s.append("<tr><th>").append(Html.escape(key)).append("</th><td>").append(Html.escape(rows.get(key)))
          .append("</td></tr>\n");
    }
    s.append("</table>\n");
  }

  private static void classes(StringBuilder s, List<String> classes) {
    s.append("<h2>Classes</h2>\n<p class=\"classes\">");
    if (classes.isEmpty()) {
      s.append("none (labels come from boxes, or the nodes did not say)");
    }
    for (int i = 0; i < Math.min(CLASSES_SHOWN, classes.size()); i++) {
      s.append(i == 0 ? "" : ", ").append("<span class=\"class\">").append(i).append("&nbsp;")
          .append(Html.escape(classes.get(i))).append("</span>");
    }
    if (classes.size() > CLASSES_SHOWN) {
      s.append(String.format(", ... and %,d more", classes.size() - CLASSES_SHOWN));
    }
    s.append("</p>\n");
  }

  private static final String STYLE = """
      body { font-family: sans-serif; margin: 24px auto; max-width: 800px; color: #111; background: #fff; }
      h1 { font-size: 22px; margin-bottom: 4px; }
      h2 { font-size: 16px; margin-top: 26px; border-bottom: 1px solid #ccc; }
      .dataset { color: #444; margin-top: 0; word-break: break-all; }
      dl.figures { display: flex; flex-wrap: wrap; gap: 8px; margin: 12px 0; }
      dl.figures div { border: 1px solid #ccc; border-radius: 4px; padding: 6px 10px; min-width: 90px; }
      dl.figures dt { font-size: 11px; color: #555; }
      dl.figures dd { margin: 0; font-size: 16px; font-weight: bold; word-break: break-all; }
      .verdict { font-size: 15px; background: #fff8e1; border-left: 4px solid #f0a000; padding: 8px 12px; }
      figure { margin: 12px 0; }
      figcaption { font-size: 12px; color: #444; }
      table { border-collapse: collapse; font-size: 13px; }
      th, td { border: 1px solid #ddd; padding: 3px 8px; text-align: left; vertical-align: top; }
      table.stages td { text-align: right; font-variant-numeric: tabular-nums; }
      table.stages td:first-child { text-align: left; }
      pre.json { font-size: 12px; background: #f6f6f6; padding: 8px; overflow-x: auto; }
      .classes, .ring { font-size: 13px; }
      """;
}
