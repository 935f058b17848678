package dev.stoker.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bench --report} rendered by a real browser: headless Chromium (Debian's {@code chromium}
 * package) loads the page with a measuring script appended, and {@code --dump-dom} returns what it
 * measured: each chart's series laid out with a non-empty bounding box and length, the figures
 * shown equal to the run's JSON, the stage table equal to the one bench printed, a hostile class
 * name shown as text (not markup), and nothing fetched. Then a screenshot. Skipped, saying why,
 * where no chromium is installed ({@code .ci/run} installs it).
 */
class ReportBrowserTest {
  /** A class directory whose name is markup: the page must show it as text. */
  static final String HOSTILE_CLASS = "<b id=\"injected\">x<i>&amp;'";
  /** The screenshot's window: a page's width and most of its height. */
  static final int SHOT_WIDTH = 900;
  static final int SHOT_HEIGHT = 2500;

  @RegisterExtension
  static final CliDataset dataset = new CliDataset(dir -> {
    DemoDataset.ensure(dir, 20);
    Path hostile = Files.createDirectory(dir.resolve(HOSTILE_CLASS));
    try (Stream<Path> files = Files.list(dir.resolve(DemoDataset.CLASSES.getFirst()))) {
      for (Path f : files.toList()) {
        Files.copy(f, hostile.resolve(f.getFileName()));
      }
    }
  });

  @RegisterExtension
  final ConsoleCapture console = new ConsoleCapture();

  /** Where chromium is: /usr/bin/chromium, else chromium or chromium-browser on the PATH; null if none. */
  static Path chromium() {
    List<Path> candidates = new ArrayList<>(List.of(Path.of("/usr/bin/chromium")));
    String path = System.getenv("PATH");
    if (path != null) {
      for (String dir : path.split(File.pathSeparator)) {
        candidates.add(Path.of(dir, "chromium"));
        candidates.add(Path.of(dir, "chromium-browser"));
      }
    }
    return candidates.stream().filter(Files::isExecutable).findFirst().orElse(null);
  }

  /** The measuring script appended to a copy of the page: its result goes into {@code <pre id="measured">}. */
  private static final String MEASURE = """
      <script>
      (function () {
        var out = {charts: [], values: {}, stageRows: [], injected: null, classes: '', resources: -1, json: null};
        document.querySelectorAll('svg[data-chart]').forEach(function (svg) {
          var box = svg.getBoundingClientRect();
          var chart = {id: svg.getAttribute('data-chart'), width: box.width, height: box.height, series: []};
          svg.querySelectorAll('[data-series]').forEach(function (el) {
            var b = el.getBBox();
            var length = el.getTotalLength();
            el.setAttribute('data-drawn-width', b.width);
            el.setAttribute('data-drawn-length', length);
            chart.series.push({name: el.getAttribute('data-series'), x: b.x, y: b.y, w: b.width, h: b.height,
                length: length});
          });
          out.charts.push(chart);
        });
        document.querySelectorAll('[data-key]').forEach(function (el) {
          out.values[el.getAttribute('data-key')] = el.innerText;
        });
        document.querySelectorAll('table.stages tbody tr').forEach(function (tr) {
          out.stageRows.push(Array.prototype.map.call(tr.cells, function (c) { return c.innerText; }));
        });
        out.injected = document.getElementById('injected') !== null;
        out.classes = document.querySelector('p.classes').innerText;
        out.ring = document.querySelector('p.ring').innerText;
        out.resources = performance.getEntriesByType('resource').length;
        out.json = JSON.parse(document.getElementById('run-json').textContent);
        var pre = document.createElement('pre');
        pre.id = 'measured';
        pre.textContent = JSON.stringify(out);
        document.body.appendChild(pre);
      })();
      </script>
      """;

  /** Runs chromium headless with {@code args}; its standard output. */
  private static String chromium(Path browser, Path profile, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(browser.toString(), "--headless", "--no-sandbox", "--disable-gpu",
        "--no-first-run", "--hide-scrollbars", "--user-data-dir=" + profile));
    command.addAll(List.of(args));
    Path log = Files.createTempFile(profile.getParent(), "chromium", ".log");
    Process p = new ProcessBuilder(command).redirectError(log.toFile()).start();
    byte[] out = p.getInputStream().readAllBytes();
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("chromium ended").isTrue();
    assertThat(p.exitValue()).as("chromium's exit status; its log: " + Files.readString(log)).isZero();
    return new String(out, StandardCharsets.UTF_8);
  }

  private static String unescapeText(String html) {
    return html.replace("&lt;", "<").replace("&gt;", ">").replace("&nbsp;", "\u00a0").replace("&quot;", "\"")
        .replace("&amp;", "&");
  }

  @Test
  void benchReport_inHeadlessChromium_drawsEveryChartAndShowsTheJsonsNumbers(@TempDir Path tmp) throws Exception {
    Path browser = chromium();
    assumeTrue(browser != null, "chromium is not installed (no /usr/bin/chromium, no chromium on the PATH): "
        + "the browser test of --report is skipped; apt-get install chromium (.ci/run does) to run it");
    Path report = tmp.resolve("report.html");
    int status = StokerCli.run("bench", dataset.dir().toString(), "--threads", "1", "--batch", "8", "--size", "48",
        "--epochs", "8", "--json", "--report", report.toString());
    assertThat(status).as(console.err()).isZero();
    JsonNode line = console.lastJson();

    String page = Files.readString(report);
    Path measured = tmp.resolve("measured.html");
    Files.writeString(measured, page.replace("</body>", MEASURE + "</body>"));
    Path profile = Files.createDirectories(tmp.resolve("profile"));
    String dom = chromium(browser, profile, "--dump-dom", measured.toUri().toString());
    Matcher m = Pattern.compile("<pre id=\"measured\">(.*?)</pre>", Pattern.DOTALL).matcher(dom);
    assertThat(m.find()).as("the measuring script ran; the DOM: " + dom.substring(0, Math.min(2000, dom.length())))
        .isTrue();
    JsonNode drawn = new ObjectMapper().readTree(unescapeText(m.group(1)));

    // every chart laid out, each with series drawn as non-empty geometry
    List<String> charts = new ArrayList<>();
    for (JsonNode chart : drawn.get("charts")) {
      String id = chart.get("id").asText();
      charts.add(id);
      assertThat(chart.get("width").asDouble()).as(id + " width").isGreaterThan(300);
      assertThat(chart.get("series").size()).as(id + " series").isPositive();
      for (JsonNode s : chart.get("series")) {
        String what = id + "/" + s.get("name").asText();
        assertThat(s.get("w").asDouble()).as(what + " bbox width").isGreaterThan(100);
        assertThat(s.get("length").asDouble()).as(what + " length").isGreaterThan(100);
      }
    }
    assertThat(charts).containsExactly("rates", "consumer", "ring");
    JsonNode rates = drawn.get("charts").get(0).get("series");
    assertThat(rates.findValuesAsText("name")).contains("decode", "delivered");
    assertThat(drawn.get("charts").get(1).get("series").findValuesAsText("name")).containsExactly("busy", "waiting");

    // the numbers shown are the JSON's, and the embedded JSON is the line bench printed
    // numerically: the browser writes a whole double as an integer (2360.0 as 2360)
    assertThat(drawn.get("json").equals(
        (a, b) -> a.isNumber() && b.isNumber() ? Double.compare(a.doubleValue(), b.doubleValue()) : a.equals(b) ? 0 : 1,
        line)).as("embedded JSON %s equals bench's line %s", drawn.get("json"), line).isTrue();
    JsonNode values = drawn.get("values");
    assertThat(values.size()).isGreaterThanOrEqualTo(8);
    values.fieldNames().forEachRemaining(key -> {
      String shown = values.get(key).asText().strip();
      JsonNode expected = line.get(key);
      assertThat(expected).as("shown key " + key + " is in the JSON").isNotNull();
      if (expected.isNumber()) {
        assertThat(Double.parseDouble(shown.replace(",", ""))).as(key).isEqualTo(expected.asDouble());
      } else {
        assertThat(shown).as(key).isEqualTo(expected.asText());
      }
    });
    assertThat(values.get("verdict").asText()).isEqualTo(line.get("verdict").asText());
    assertThat(values.get("advice").asText()).as("the advice under the verdict").isEqualTo(line.get("advice").asText());

    // the stage table is the one bench printed on stderr
    List<String> printed = console.err().lines().dropWhile(l -> !l.startsWith("stage "))
        .skip(1).takeWhile(l -> !l.startsWith("ring: ")).map(l -> String.join(" ", l.strip().split("\\s+"))).toList();
    List<String> shownRows = new ArrayList<>();
    drawn.get("stageRows").forEach(r -> shownRows.add(String.join(" ", toList(r))));
    assertThat(shownRows).isNotEmpty().isEqualTo(printed);
    assertThat(console.err()).contains(drawn.get("ring").asText());

    // a class name that is markup is shown as text; nothing is fetched
    assertThat(drawn.get("injected").asBoolean()).isFalse();
    assertThat(drawn.get("classes").asText()).contains(HOSTILE_CLASS);
    assertThat(drawn.get("resources").asInt()).isZero();

    // and a screenshot, kept under target/ (docs/report.png is one of these)
    Path shot = Path.of("target", "report-screenshot.png").toAbsolutePath();
    Files.deleteIfExists(shot);
    chromium(browser, profile, "--screenshot=" + shot, "--window-size=" + SHOT_WIDTH + "," + SHOT_HEIGHT,
        report.toUri().toString());
    BufferedImage image = ImageIO.read(shot.toFile());
    assertThat(image).as("a PNG at " + shot).isNotNull();
    assertThat(image.getWidth()).isEqualTo(SHOT_WIDTH);
    Set<Integer> colours = new HashSet<>();
    for (int y = 0; y < image.getHeight(); y += 7) {
      for (int x = 0; x < image.getWidth(); x += 7) {
        colours.add(image.getRGB(x, y));
      }
    }
    assertThat(colours.size()).as("colours in the screenshot (a blank page has one)").isGreaterThan(20);
  }

  private static List<String> toList(JsonNode array) {
    List<String> cells = new ArrayList<>();
    array.forEach(c -> cells.add(c.asText().strip()));
    return cells;
  }
}
