package dev.stoker.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

class SvgChartTest {
  /** The plot area: x from LEFT over 674, y from TOP over 184 (SvgChart's constants). */
  private static final int PLOT_BOTTOM = SvgChart.HEIGHT - SvgChart.BOTTOM;
  private static final int PLOT_RIGHT = SvgChart.WIDTH - SvgChart.RIGHT;

  private static Document parse(String svg) throws Exception {
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    factory.setNamespaceAware(true);
    return factory.newDocumentBuilder().parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
  }

  private static Element only(Document doc, String tag) {
    NodeList list = doc.getElementsByTagNameNS("*", tag);
    assertThat(list.getLength()).as(tag + " elements").isEqualTo(1);
    return (Element) list.item(0);
  }

  @Test
  void niceStep_anyLength_isOneTwoOrFiveTimesAPowerOfTen() {
    assertThat(SvgChart.niceStep(1000, 6)).isEqualTo(200);
    assertThat(SvgChart.niceStep(7, 6)).isEqualTo(2);
    assertThat(SvgChart.niceStep(100, 6)).isEqualTo(20);
    assertThat(SvgChart.niceStep(0.3, 6)).isEqualTo(0.05, org.assertj.core.data.Offset.offset(1e-12));
    assertThat(SvgChart.niceStep(1234, 6)).isEqualTo(500);
  }

  @Test
  void niceMax_roundsUpToAWholeStep_andOneForNothing() {
    assertThat(SvgChart.niceMax(1234)).isEqualTo(1500);
    assertThat(SvgChart.niceMax(100)).isEqualTo(100);
    assertThat(SvgChart.niceMax(0)).isEqualTo(1);
    assertThat(SvgChart.niceMax(Double.NaN)).isEqualTo(1);
  }

  @Test
  void tickLabel_groupsThousands_andShowsTheDecimalsTheStepNeeds() {
    assertThat(SvgChart.tickLabel(12000, 2000)).isEqualTo("12,000");
    assertThat(SvgChart.tickLabel(0.25, 0.05)).isEqualTo("0.25");
    assertThat(SvgChart.tickLabel(1.5, 0.5)).isEqualTo("1.5");
  }

  @Test
  void toSvg_line_pointsMapOntoThePlotArea() throws Exception {
    String svg = new SvgChart("rates", "Rates", "images/s", "seconds").xMax(10).yMax(100)
        .line("decode", "#1f77b4", new double[] {0, 5, 10}, new double[] {0, 50, 100}).toSvg();
    // the axis is a polyline too: find the series by its attribute
    NodeList polylines = parse(svg).getElementsByTagNameNS("*", "polyline");
    Element series = null;
    for (int i = 0; i < polylines.getLength(); i++) {
      Element e = (Element) polylines.item(i);
      if (e.hasAttribute("data-series")) {
        series = e;
      }
    }
    assertThat(series).isNotNull();
    assertThat(series.getAttribute("data-series")).isEqualTo("decode");
    double midX = SvgChart.LEFT + (PLOT_RIGHT - SvgChart.LEFT) / 2.0;
    double midY = SvgChart.TOP + (PLOT_BOTTOM - SvgChart.TOP) / 2.0;
    assertThat(series.getAttribute("points")).isEqualTo(SvgChart.LEFT + "," + PLOT_BOTTOM + " " + Html.num(midX) + ","
        + Html.num(midY) + " " + PLOT_RIGHT + "," + SvgChart.TOP);
  }

  @Test
  void toSvg_valuesOutsideTheAxes_areClampedIntoThePlotArea() throws Exception {
    String svg = new SvgChart("c", "C", "y", "x").xMax(1).yMax(10)
        .line("s", "#000000", new double[] {-1, 2}, new double[] {-5, 50}).toSvg();
    assertThat(svg).contains("points=\"" + SvgChart.LEFT + "," + PLOT_BOTTOM + " " + PLOT_RIGHT + "," + SvgChart.TOP + "\"");
  }

  @Test
  void toSvg_area_isAClosedPathOverBothCurves() throws Exception {
    String svg = new SvgChart("consumer", "Consumer", "%", "s").xMax(2).yMax(100)
        .area("busy", "#2ca02c", new double[] {0, 2}, new double[] {0, 0}, new double[] {100, 100}).toSvg();
    Element path = only(parse(svg), "path");
    assertThat(path.getAttribute("data-series")).isEqualTo("busy");
    assertThat(path.getAttribute("d")).isEqualTo("M" + SvgChart.LEFT + "," + SvgChart.TOP + " L" + PLOT_RIGHT + ","
        + SvgChart.TOP + " L" + PLOT_RIGHT + "," + PLOT_BOTTOM + " L" + SvgChart.LEFT + "," + PLOT_BOTTOM + " Z");
  }

  @Test
  void toSvg_everyText_isEscapedAndTheDrawingIsWellFormedXml() throws Exception {
    String hostile = "<script>alert('x')</script> & \"q\"";
    String svg = new SvgChart("c", hostile, hostile, hostile).band(0, 1, hostile).marker(1, hostile)
        .rule(1, hostile, "#000").line(hostile, "#000", new double[] {0, 2}, new double[] {0, 1}).toSvg();
    assertThat(svg).doesNotContain("<script").contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;");
    Document doc = parse(svg);   // throws if not well-formed
    assertThat(doc.getDocumentElement().getAttribute("data-chart")).isEqualTo("c");
    assertThat(doc.getElementsByTagNameNS("*", "title").item(0).getTextContent()).isEqualTo(hostile);
  }

  @Test
  void toSvg_noData_saysSoInsteadOfAnEmptyPlot() {
    String svg = new SvgChart("c", "C", "y", "x").line("s", "#000", new double[0], new double[0]).toSvg();
    assertThat(svg).contains(">no samples</text>");
  }

  @Test
  void toSvg_ticks_labelTheYAxisInNiceSteps() {
    String svg = new SvgChart("c", "C", "y", "x").xMax(10).line("s", "#000", new double[] {0, 10},
        new double[] {0, 1234}).toSvg();
    assertThat(svg).contains(">1,500</text>").contains(">1,000</text>").contains(">500</text>").doesNotContain(">2,000</text>");
  }

  @Test
  void constructor_idWithMarkup_isRefusedNamingTheParameter() {
    assertThatThrownBy(() -> new SvgChart("a\"b", "t", "y", "x")).hasMessageStartingWith("id:");
    assertThatThrownBy(() -> new SvgChart("c", "t", "y", "x").line("s", "#000", new double[1], new double[2]))
        .hasMessageContaining("lengths differ");
  }

  @Test
  void escape_markupQuotesAndControls_becomeCharacterData() {
    assertThat(Html.escape("a<b>&\"c'\u0000")).isEqualTo("a&lt;b&gt;&amp;&quot;c&#39;\uFFFD");
    assertThat(Html.escape(null)).isEmpty();
    assertThat(Html.scriptJson("{\"k\":\"</script><!--&\"}")).isEqualTo("{\"k\":\"\\u003c/script\\u003e\\u003c!--\\u0026\"}");
  }
}
