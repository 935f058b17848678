package dev.stoker.remote.protocol;

/**
 * Makes text a peer sent (ERROR messages, FAILED sources and errors, class names) safe to log,
 * print or put in an exception: every control character (C0 and C1, so ESC, CR, LF and TAB too),
 * every Unicode line or paragraph separator and every bidirectional override becomes {@code '?'},
 * so a peer can neither forge a log line nor send a terminal escape sequence; text longer than the
 * limit is cut (never inside a surrogate pair) and ends with {@code "…"}.
 *
 * <pre>{@code
 * log.warn("node {} says {}", name, PeerText.clean(error.message()));   // "\u001b[2J" -> "?[2J"
 * }</pre>
 */
public final class PeerText {
  /** The default longest text kept, in chars. */
  public static final int DEFAULT_MAX_CHARS = 512;

  private PeerText() {}

  /** {@link #clean(String, int)} with {@link #DEFAULT_MAX_CHARS}; null becomes {@code "null"}. */
  public static String clean(String text) {
    return clean(text, DEFAULT_MAX_CHARS);
  }

  /** {@code text} without control characters, at most {@code maxChars} chars plus the mark. */
  public static String clean(String text, int maxChars) {
    if (text == null) {
      return "null";
    }
    int end = text.length();
    if (end > maxChars) {
      end = maxChars > 0 && Character.isHighSurrogate(text.charAt(maxChars - 1)) ? maxChars - 1 : maxChars;
    }
    StringBuilder out = null;
    for (int i = 0; i < end; i++) {
      char c = text.charAt(i);
      if (unsafe(c)) {
        if (out == null) {
          out = new StringBuilder(end + 1).append(text, 0, i);
        }
        out.append('?');
      } else if (out != null) {
        out.append(c);
      }
    }
    if (out == null && end == text.length()) {
      return text;
    }
    String kept = out != null ? out.toString() : text.substring(0, end);
    return end < text.length() ? kept + "…" : kept;
  }

  private static boolean unsafe(char c) {
    return Character.isISOControl(c) // C0 (incl. TAB, LF, CR, ESC), DEL and C1 (incl. CSI U+009B)
        || c == '\u2028' || c == '\u2029' // line and paragraph separators
        || (c >= '\u202A' && c <= '\u202E') || (c >= '\u2066' && c <= '\u2069') // bidi overrides
        || c == '\u200E' || c == '\u200F' || c == '\u061C';
  }
}
