package dev.stoker.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code --report FILE} of bench and demo, without a browser (ReportBrowserTest renders the page). */
class ReportCliTest {
  @RegisterExtension
  static final CliDataset dataset = CliDataset.demo(4);

  @RegisterExtension
  final ConsoleCapture console = new ConsoleCapture();

  private static List<String> names(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  /** The JSON in the page's {@code run-json} block. */
  static String embeddedJson(String page) {
    Matcher m = Pattern.compile("<script type=\"application/json\" id=\"run-json\">(.*?)</script>", Pattern.DOTALL)
        .matcher(page);
    assertThat(m.find()).as("the run-json block").isTrue();
    return m.group(1);
  }

  @Test
  void bench_report_writesOnePageHoldingTheJsonLine_andNoTemporaryFile(@TempDir Path out) throws Exception {
    Path report = out.resolve("run.html");
    int status = StokerCli.run("bench", dataset.dir().toString(), "--threads", "1", "--batch", "8", "--size", "32",
        "--epochs", "1", "--json", "--report", report.toString());
    assertThat(status).as(console.err()).isZero();
    assertThat(names(out)).containsExactly("run.html");
    String page = Files.readString(report);
    ObjectMapper mapper = new ObjectMapper();
    assertThat(mapper.readTree(embeddedJson(page))).isEqualTo(console.lastJson());
    assertThat(page).startsWith("<!DOCTYPE html>").contains("data-chart=\"rates\"").contains("data-chart=\"consumer\"")
        .contains("data-chart=\"ring\"").contains("red-disc").contains(">warm-up</text>");
    assertThat(console.err()).contains("bench: report written to " + report);
  }

  @Test
  void bench_reportWithoutJson_embedsTheSameKeysJsonWouldPrint(@TempDir Path out) throws Exception {
    Path report = out.resolve("run.html");
    int status = StokerCli.run("bench", dataset.dir().toString(), "--threads", "1", "--batch", "8", "--size", "32",
        "--epochs", "1", "--report", report.toString());
    assertThat(status).as(console.err()).isZero();
    assertThat(console.out()).doesNotContain("{\"images\"");
    assertThat(new ObjectMapper().readTree(embeddedJson(Files.readString(report))).has("digest")).isTrue();
  }

  @Test
  void bench_reportInAFolderThatDoesNotExist_isBadUsageNamingTheOption(@TempDir Path out) {
    Path report = out.resolve("missing").resolve("run.html");
    int status = StokerCli.run("bench", dataset.dir().toString(), "--report", report.toString());
    assertThat(status).isEqualTo(StokerCli.USAGE);
    assertThat(console.err()).contains("--report " + report + ": cannot write there");
  }

  @Test
  void bench_reportNamingADirectory_isBadUsageNamingTheOption(@TempDir Path out) throws Exception {
    int status = StokerCli.run("bench", dataset.dir().toString(), "--report", out.toString());
    assertThat(status).isEqualTo(StokerCli.USAGE);
    assertThat(console.err()).contains("--report " + out + ": is a directory");
    assertThat(names(out)).isEmpty();
  }

  @Test
  void bench_runThatFails_writesNoReportAndLeavesNoTemporaryFile(@TempDir Path out) throws Exception {
    int status = StokerCli.run("bench", out.resolve("no-such-dataset").toString(), "--report",
        out.resolve("run.html").toString());
    assertThat(status).isEqualTo(StokerCli.FAILED);
    assertThat(names(out)).isEmpty();
  }

  @Test
  void demo_report_writesAPageWithTheClassesAndTheDemosJson(@TempDir Path out) throws Exception {
    Path report = out.resolve("demo.html");
    int status = StokerCli.run("demo", dataset.dir().toString(), "--threads", "1", "--epochs", "1", "--json",
        "--report", report.toString());
    assertThat(status).as(console.err()).isZero();
    String page = Files.readString(report);
    assertThat(new ObjectMapper().readTree(embeddedJson(page))).isEqualTo(console.lastJson());
    assertThat(page).contains("<h1>stoker demo</h1>").contains("&nbsp;red-disc</span>").contains("data-key=\"backend\"")
        .doesNotContain(">warm-up</text>");
    assertThat(names(out)).containsExactly("demo.html");
  }
}
