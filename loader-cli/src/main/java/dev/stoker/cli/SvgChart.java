package dev.stoker.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A small SVG line and area chart, drawn without any library or script: axes with "nice" ticks
 * (1, 2 or 5 times a power of ten), grid lines, shaded bands (a warm-up epoch), vertical markers
 * (epoch starts), polylines, filled areas between two curves, a dashed horizontal rule and a
 * legend. Every text (title, labels, series names) is {@linkplain Html#escape escaped}. Each series
 * element carries {@code data-series="NAME"} and the root {@code data-chart="ID"}, so a test can
 * find and measure them in a browser.
 *
 * <pre>{@code
 * String svg = new SvgChart("rates", "Images per second", "images/s", "seconds")
 *     .xMax(12.5)
 *     .band(0, 4.1, "warm-up")
 *     .line("decode", "#1f77b4", new double[] {0, 1, 2}, new double[] {900, 1100, 1000})
 *     .toSvg();
 * }</pre>
 */
final class SvgChart {
  static final int WIDTH = 760;
  static final int HEIGHT = 260;
  static final int LEFT = 70;
  static final int RIGHT = 16;
  static final int TOP = 34;
  static final int BOTTOM = 42;
  /** Ticks an axis aims for, at most. */
  static final int TICKS = 6;

  private record Line(String name, String color, double[] x, double[] y, boolean dashed) {}

  private record Area(String name, String color, double[] x, double[] low, double[] high) {}

  private record Band(double from, double to, String label) {}

  private record Marker(double x, String label) {}

  private record Rule(double y, String label, String color) {}

  private final String id;
  private final String title;
  private final String yLabel;
  private final String xLabel;
  private final List<Line> lines = new ArrayList<>();
  private final List<Area> areas = new ArrayList<>();
  private final List<Band> bands = new ArrayList<>();
  private final List<Marker> markers = new ArrayList<>();
  private final List<Rule> rules = new ArrayList<>();
  private double xMax = Double.NaN;
  private double yMax = Double.NaN;

  /**
   * A chart with no series yet.
   *
   * @param id the chart's {@code data-chart} value and the prefix of its element ids: letters,
   *     digits and {@code -} only
   */
  SvgChart(String id, String title, String yLabel, String xLabel) {
    if (!id.matches("[A-Za-z][A-Za-z0-9-]*")) {
      throw new IllegalArgumentException("id: letters, digits and - only, got " + id);
    }
    this.id = id;
    this.title = title;
    this.yLabel = yLabel;
    this.xLabel = xLabel;
  }

  /** The x axis runs from 0 to {@code max} (default: the largest x of any series). */
  SvgChart xMax(double max) {
    this.xMax = max;
    return this;
  }

  /** The y axis runs from 0 to {@code max} (default: the largest y, rounded up to a tick). */
  SvgChart yMax(double max) {
    this.yMax = max;
    return this;
  }

  /** A polyline through ({@code x[i]}, {@code y[i]}); arrays of equal length. */
  SvgChart line(String name, String color, double[] x, double[] y) {
    return line(name, color, x, y, false);
  }

  /** A polyline, dashed when {@code dashed}. */
  SvgChart line(String name, String color, double[] x, double[] y, boolean dashed) {
    sameLength(x, y);
    lines.add(new Line(name, color, x.clone(), y.clone(), dashed));
    return this;
  }

  /** A filled area between {@code low} and {@code high} over {@code x}. */
  SvgChart area(String name, String color, double[] x, double[] low, double[] high) {
    sameLength(x, low);
    sameLength(x, high);
    areas.add(new Area(name, color, x.clone(), low.clone(), high.clone()));
    return this;
  }

  /** A shaded band over {@code [from, to]} of the x axis, labelled at its top. */
  SvgChart band(double from, double to, String label) {
    bands.add(new Band(from, to, label));
    return this;
  }

  /** A dashed vertical line at {@code x}, labelled at its top. */
  SvgChart marker(double x, String label) {
    markers.add(new Marker(x, label));
    return this;
  }

  /** A dashed horizontal line at {@code y}, labelled at its right end. */
  SvgChart rule(double y, String label, String color) {
    rules.add(new Rule(y, label, color));
    return this;
  }

  private static void sameLength(double[] a, double[] b) {
    if (a.length != b.length) {
      throw new IllegalArgumentException("x and y: lengths differ, " + a.length + " and " + b.length);
    }
  }

  /**
   * The step of about {@code max / ticks}: 1, 2 or 5 times a power of ten.
   *
   * @param max the axis length, positive
   */
  static double niceStep(double max, int ticks) {
    double raw = max / ticks;
    double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
    double norm = raw / magnitude;
    return (norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 5 ? 5 : 10) * magnitude;
  }

  /** {@code max} rounded up to a whole step of {@link #niceStep}; 1 for nothing or a non-positive max. */
  static double niceMax(double max) {
    if (!(max > 0) || !Double.isFinite(max)) {
      return 1;
    }
    double step = niceStep(max, TICKS);
    return Math.ceil(max / step - 1e-9) * step;
  }

  /** A tick's label: grouped thousands, as many decimals as the step needs. */
  static String tickLabel(double value, double step) {
    int decimals = step >= 1 ? 0 : (int) Math.ceil(-Math.log10(step) - 1e-9);
    return String.format(Locale.ROOT, "%,." + decimals + "f", value);
  }

  private double dataMax(boolean xs) {
    double max = 0;
    for (Line l : lines) {
      max = Math.max(max, finiteMax(xs ? l.x : l.y));
    }
    for (Area a : areas) {
      max = Math.max(max, finiteMax(xs ? a.x : a.high));
    }
    if (!xs) {
      for (Rule r : rules) {
        max = Math.max(max, r.y);
      }
    } else {
      for (Band b : bands) {
        max = Math.max(max, b.to);
      }
    }
    return max;
  }

  private static double finiteMax(double[] values) {
    double max = 0;
    for (double v : values) {
      if (Double.isFinite(v)) {
        max = Math.max(max, v);
      }
    }
    return max;
  }

  /** The chart as one {@code <svg>} element. */
  String toSvg() {
    double xTop = Double.isNaN(xMax) ? dataMax(true) : xMax;
    xTop = xTop > 0 ? xTop : 1;
    double yTop = Double.isNaN(yMax) ? niceMax(dataMax(false)) : yMax;
    yTop = yTop > 0 ? yTop : 1;
    Plot p = new Plot(xTop, yTop);
    StringBuilder s = new StringBuilder(4096);
    s.append("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" data-chart=\"").append(id)
        .append("\" viewBox=\"0 0 ").append(WIDTH).append(' ').append(HEIGHT).append("\" width=\"").append(WIDTH)
        .append("\" height=\"").append(HEIGHT).append("\" role=\"img\" aria-labelledby=\"").append(id)
        .append("-title\" font-family=\"sans-serif\" font-size=\"11\">\n");
    s.append("<title id=\"").append(id).append("-title\">").append(Html.escape(title)).append("</title>\n");
    s.append("<rect x=\"0\" y=\"0\" width=\"").append(WIDTH).append("\" height=\"").append(HEIGHT)
        .append("\" fill=\"#ffffff\"/>\n");
    for (Band b : bands) {
      double x0 = p.x(b.from);
      double x1 = p.x(b.to);
      s.append("<rect class=\"band\" x=\"").append(Html.num(x0)).append("\" y=\"").append(TOP).append("\" width=\"")
          .append(Html.num(Math.max(0, x1 - x0))).append("\" height=\"").append(p.height)
          .append("\" fill=\"#eeeeee\"/>\n");
      s.append(text(x0 + 4, TOP + 12, "start", "#555555", b.label));
    }
    axes(s, p, xTop, yTop);
    for (Area a : areas) {
      s.append("<path data-series=\"").append(Html.escape(a.name)).append("\" d=\"").append(areaPath(p, a))
          .append("\" fill=\"").append(Html.escape(a.color)).append("\" fill-opacity=\"0.45\" stroke=\"")
          .append(Html.escape(a.color)).append("\" stroke-width=\"1\"/>\n");
    }
    for (Line l : lines) {
      s.append("<polyline data-series=\"").append(Html.escape(l.name)).append("\" points=\"")
          .append(points(p, l.x, l.y)).append("\" fill=\"none\" stroke=\"").append(Html.escape(l.color))
          .append("\" stroke-width=\"1.6\" stroke-linejoin=\"round\"")
          .append(l.dashed ? " stroke-dasharray=\"5 3\"" : "").append("/>\n");
    }
    for (Rule r : rules) {
      double y = p.y(r.y);
      s.append("<line class=\"rule\" x1=\"").append(LEFT).append("\" x2=\"").append(LEFT + p.width)
          .append("\" y1=\"").append(Html.num(y)).append("\" y2=\"").append(Html.num(y)).append("\" stroke=\"")
          .append(Html.escape(r.color)).append("\" stroke-dasharray=\"6 3\"/>\n");
      s.append(text(LEFT + p.width - 4, y - 4, "end", "#333333", r.label));
    }
    for (Marker m : markers) {
      double x = p.x(m.x);
      s.append("<line class=\"marker\" x1=\"").append(Html.num(x)).append("\" x2=\"").append(Html.num(x))
          .append("\" y1=\"").append(TOP).append("\" y2=\"").append(TOP + p.height)
          .append("\" stroke=\"#888888\" stroke-dasharray=\"3 3\"/>\n");
      boolean right = x > LEFT + p.width * 0.9;   // a label near the right edge goes to the line's left
      s.append(text(right ? x - 3 : x + 3, TOP + p.height - 4, right ? "end" : "start", "#555555", m.label));
    }
    if (lines.stream().allMatch(l -> l.x.length == 0) && areas.stream().allMatch(a -> a.x.length == 0)) {
      s.append(text(LEFT + p.width / 2.0, TOP + p.height / 2.0, "middle", "#888888", "no samples"));
    }
    legend(s);
    s.append("</svg>");
    return s.toString();
  }

  /** The plot area and the mapping of data onto it. */
  private record Plot(double xTop, double yTop, int width, int height) {
    Plot(double xTop, double yTop) {
      this(xTop, yTop, WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM);
    }

    double x(double v) {
      return LEFT + clamp(v / xTop) * width;
    }

    double y(double v) {
      return TOP + height - clamp(v / yTop) * height;
    }

    private static double clamp(double share) {
      return Double.isFinite(share) ? Math.max(0, Math.min(1, share)) : 0;
    }
  }

  private void axes(StringBuilder s, Plot p, double xTop, double yTop) {
    double yStep = niceStep(yTop, TICKS);
    for (int i = 0; i * yStep <= yTop * (1 + 1e-9); i++) {
      double y = p.y(i * yStep);
      s.append("<line class=\"grid\" x1=\"").append(LEFT).append("\" x2=\"").append(LEFT + p.width).append("\" y1=\"")
          .append(Html.num(y)).append("\" y2=\"").append(Html.num(y)).append("\" stroke=\"#dddddd\"/>\n");
      s.append(text(LEFT - 6, y + 4, "end", "#333333", tickLabel(i * yStep, yStep)));
    }
    double xStep = niceStep(xTop, TICKS);
    for (int i = 0; i * xStep <= xTop * (1 + 1e-9); i++) {
      double x = p.x(i * xStep);
      s.append("<line class=\"tick\" x1=\"").append(Html.num(x)).append("\" x2=\"").append(Html.num(x))
          .append("\" y1=\"").append(TOP + p.height).append("\" y2=\"").append(TOP + p.height + 5)
          .append("\" stroke=\"#333333\"/>\n");
      s.append(text(x, TOP + p.height + 17, "middle", "#333333", tickLabel(i * xStep, xStep)));
    }
    s.append("<polyline class=\"axis\" points=\"").append(LEFT).append(',').append(TOP).append(' ').append(LEFT)
        .append(',').append(TOP + p.height).append(' ').append(LEFT + p.width).append(',').append(TOP + p.height)
        .append("\" fill=\"none\" stroke=\"#333333\"/>\n");
    s.append(text(LEFT + p.width / 2.0, HEIGHT - 6, "middle", "#333333", xLabel));
    s.append("<text x=\"14\" y=\"").append(Html.num(TOP + p.height / 2.0)).append("\" text-anchor=\"middle\" fill=\"#333333\" ")
        .append("transform=\"rotate(-90 14 ").append(Html.num(TOP + p.height / 2.0)).append(")\">")
        .append(Html.escape(yLabel)).append("</text>\n");
  }

  private void legend(StringBuilder s) {
    double x = LEFT;
    s.append(text(x, 14, "start", "#111111", title).replace("<text ", "<text font-weight=\"bold\" font-size=\"13\" "));
    List<String[]> entries = new ArrayList<>();
    areas.forEach(a -> entries.add(new String[] {a.name, a.color}));
    lines.forEach(l -> entries.add(new String[] {l.name, l.color}));
    for (String[] e : entries) {
      s.append("<rect class=\"swatch\" x=\"").append(Html.num(x)).append("\" y=\"20\" width=\"10\" height=\"10\" fill=\"")
          .append(Html.escape(e[1])).append("\"/>\n");
      s.append(text(x + 14, 29, "start", "#333333", e[0]));
      x += 24 + 6.5 * e[0].length();
    }
  }

  private static String text(double x, double y, String anchor, String color, String content) {
    return "<text x=\"" + Html.num(x) + "\" y=\"" + Html.num(y) + "\" text-anchor=\"" + anchor + "\" fill=\"" + color
        + "\">" + Html.escape(content) + "</text>\n";
  }

  private static String points(Plot p, double[] x, double[] y) {
    StringBuilder s = new StringBuilder(x.length * 14);
    for (int i = 0; i < x.length; i++) {
      if (i > 0) {
        s.append(' ');
      }
      s.append(Html.num(p.x(x[i]))).append(',').append(Html.num(p.y(y[i])));
    }
    return s.toString();
  }

  private static String areaPath(Plot p, Area a) {
    if (a.x.length == 0) {
      return "";
    }
    StringBuilder s = new StringBuilder(a.x.length * 30);
    for (int i = 0; i < a.x.length; i++) {
      s.append(i == 0 ? 'M' : 'L').append(Html.num(p.x(a.x[i]))).append(',').append(Html.num(p.y(a.high[i]))).append(' ');
    }
    for (int i = a.x.length - 1; i >= 0; i--) {
      s.append('L').append(Html.num(p.x(a.x[i]))).append(',').append(Html.num(p.y(a.low[i]))).append(' ');
    }
    return s.append('Z').toString();
  }
}
