package dev.stoker.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stoker.api.Bottleneck;
import dev.stoker.api.Stage;
import dev.stoker.api.StageReport;
import dev.stoker.api.StageStats;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class HtmlReportTest {
  private static final String HOSTILE = "<img src=x onerror=alert(1)>&amp;\"'";

  private static StageReport stages() {
    List<StageStats> stats = new ArrayList<>();
    for (Stage s : Stage.values()) {
      long count = s == Stage.LIST ? 1 : s == Stage.CONSUMER ? 10 : s == Stage.SOURCE_WAIT || s == Stage.RING_WAIT ? 0 : 320;
      stats.add(new StageStats(s, count, count * 2.5, 1.25, 1.0, 2.0, 3.0));
    }
    return new StageReport(4, 320, 87.5, 1.5, 4, stats,
        new Bottleneck(Bottleneck.Bound.DECODE, 80, 1000, "decode-bound: 2 workers decode 80 images/s " + HOSTILE));
  }

  private static RunTimeline timeline() {
    long[] now = {0};
    int[] epoch = {0};
    RunTimeline t = new RunTimeline(nanos -> {
      long images = nanos / 10_000_000;
      return new RunTimeline.Reading(nanos, epoch[0], new long[] {images, images, images, images, images},
          nanos * 0.1, nanos * 0.5, images / 8, 2.0 * (images / 8), 4);
    }, () -> now[0]);
    for (int i = 1; i <= 20; i++) {
      now[0] = i * 200_000_000L;
      epoch[0] = i < 8 ? 0 : i < 14 ? 1 : 2;
      t.tick();
    }
    t.stop();
    return t;
  }

  private static String page(String json) {
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("batch", "8");
    settings.put("transforms", HOSTILE);
    return HtmlReport.page(new HtmlReport.Run("bench", "image folder " + HOSTILE, "/data/" + HOSTILE,
        List.of("cat", HOSTILE), settings, new MachineInfo(2, "CPU " + HOSTILE, 8L << 30, "25", "Linux"), timeline(), 1,
        stages(), json));
  }

  @Test
  void page_valuesFromTheDatasetAndSettings_areEscapedEverywhere() {
    String page = page("{\"images\":320,\"note\":\"" + "</script><script>alert(2)</script>\"}");
    assertThat(page).doesNotContain("<img").doesNotContain("<script>alert");
    assertThat(page).contains("/data/&lt;img src=x onerror=alert(1)&gt;&amp;amp;&quot;&#39;");
    assertThat(page).contains("<span class=\"class\">1&nbsp;&lt;img src=x onerror=alert(1)&gt;&amp;amp;&quot;&#39;</span>");
    assertThat(page).contains("CPU &lt;img");
    assertThat(page.split("</script>", -1)).as("only the JSON block closes a script").hasSize(2);
  }

  @Test
  void page_jsonBlock_parsesToTheSameObjectAsTheLine() throws Exception {
    String json = "{\"images\":320,\"images_per_s\":1234.5,\"verdict\":\"a </script> b & c\"}";
    String page = page(json);
    Matcher m = Pattern.compile("<script type=\"application/json\" id=\"run-json\">(.*?)</script>", Pattern.DOTALL)
        .matcher(page);
    assertThat(m.find()).isTrue();
    ObjectMapper mapper = new ObjectMapper();
    assertThat(mapper.readTree(m.group(1))).isEqualTo(mapper.readTree(json));
  }

  @Test
  void page_figures_showTheJsonsValuesWithTheirDecimals() {
    String page = page("{\"images\":12345,\"images_per_s\":1234.5,\"consumer_wait_pct\":87.25,\"bound\":\"decode\","
        + "\"verdict\":\"v\",\"unlisted\":7}");
    assertThat(page).contains("data-key=\"images\">12,345</dd>").contains("data-key=\"images_per_s\">1,234.5</dd>")
        .contains("data-key=\"consumer_wait_pct\">87.25</dd>").contains("data-key=\"bound\">decode</dd>")
        .doesNotContain("data-key=\"unlisted\"");
    assertThat(page).contains("<p class=\"verdict\" data-key=\"verdict\">decode-bound: 2 workers decode 80 images/s &lt;img");
  }

  @Test
  void page_withoutAVerdictKey_showsTheVerdictUnkeyed() {
    assertThat(page("{\"delivered\":5}")).contains("<p class=\"verdict\">decode-bound:");
  }

  @Test
  void page_stageTable_hasTheSummarysRowsAndFormats() {
    String page = page("{}");
    assertThat(page).contains("<tr><td>list</td><td>1</td><td>-</td><td>1.250</td><td>1.000</td><td>2.000</td><td>3.000</td></tr>")
        .contains("<tr><td>decode</td><td>320</td><td>800</td>")
        .doesNotContain("<td>ring_wait</td>").doesNotContain("<td>source_wait</td>")
        .contains("ring: 1.5 of 4 slots in use, on average, when the consumer took a batch; the consumer waited 87.5% of the time");
  }

  @Test
  void page_charts_threeSvgsWithSeriesAWarmUpBandAndEpochMarkers() {
    String page = page("{}");
    for (String chart : List.of("rates", "consumer", "ring")) {
      assertThat(page).contains("data-chart=\"" + chart + "\"");
    }
    for (String series : List.of("read", "decode", "augment", "collate", "delivered", "busy", "waiting", "slots in use")) {
      assertThat(page).contains("data-series=\"" + series + "\"");
    }
    assertThat(page).contains(">warm-up</text>").contains(">epoch 2</text>").doesNotContain("<script src");
    assertThat(page.replace("http://www.w3.org/2000/svg", "")).doesNotContain("http://").doesNotContain("https://");
  }

  @Test
  void shown_numbers_groupedWithTheJsonsDecimals() throws Exception {
    ObjectMapper mapper = new ObjectMapper();
    assertThat(HtmlReport.shown(mapper.readTree("1234567"))).isEqualTo("1,234,567");
    assertThat(HtmlReport.shown(mapper.readTree("828.8"))).isEqualTo("828.8");
    assertThat(HtmlReport.shown(mapper.readTree("99.17"))).isEqualTo("99.17");
    assertThat(HtmlReport.shown(mapper.readTree("\"decode\""))).isEqualTo("decode");
  }

  @Test
  void cpuModel_firstModelName_isTheCpu() {
    String cpuinfo = "processor\t: 0\nvendor_id\t: AuthenticAMD\nmodel name\t: AMD EPYC  7B13\nprocessor\t: 1\n"
        + "model name\t: other\n";
    assertThat(MachineInfo.cpuModel(cpuinfo)).contains("AMD EPYC 7B13");
    assertThat(MachineInfo.cpuModel("processor : 0\n")).isEmpty();
  }
}
