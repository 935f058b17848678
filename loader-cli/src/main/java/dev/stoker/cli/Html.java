package dev.stoker.cli;

import java.util.Locale;

/**
 * Text made safe for an HTML page or an SVG drawing: every value that comes from a dataset (class
 * names, paths) or a user goes through {@link #escape} before it is written into markup.
 *
 * <pre>{@code
 * page.append("<td>").append(Html.escape(className)).append("</td>");
 * }</pre>
 */
final class Html {
  private Html() {}

  /**
   * {@code text} with {@code & < > " '} replaced by their character references, and control
   * characters other than tab, newline and carriage return by U+FFFD, so that it is character data
   * (or an attribute value in double or single quotes) and never markup.
   *
   * @param text any text; null is written as the empty string
   * @return the escaped text
   */
  static String escape(String text) {
    if (text == null) {
      return "";
    }
    StringBuilder out = new StringBuilder(text.length() + 16);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c < 0x20 && c != '\t' && c != '\n' && c != '\r' || c == 0x7f ? '\uFFFD' : c);
      }
    }
    return out.toString();
  }

  /**
   * JSON text made safe inside {@code <script type="application/json">}: {@code <}, {@code >} and
   * {@code &} become JSON escapes ({@code \u003c} ...), which only ever occur inside JSON strings,
   * so the text still parses to the same value and can never close the script element.
   *
   * @param json a JSON text
   * @return the same JSON value, with no {@code <}, {@code >} or {@code &} characters
   */
  static String scriptJson(String json) {
    return json.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
        .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029");
  }

  /**
   * A number for an SVG attribute: at most two decimals, no grouping, a dot as the separator.
   *
   * @param v a finite number
   * @return e.g. {@code "12.5"}
   */
  static String num(double v) {
    if (!Double.isFinite(v)) {
      return "0";
    }
    double r = Math.round(v * 100) / 100.0;
    return r == Math.rint(r) ? Long.toString((long) r) : String.format(Locale.ROOT, "%.2f", r)
        .replaceFirst("0$", "");
  }
}
