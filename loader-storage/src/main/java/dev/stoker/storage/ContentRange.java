package dev.stoker.storage;

import java.util.Optional;

/**
 * A parsed {@code Content-Range} header of a byte range answer: {@code bytes FIRST-LAST/TOTAL},
 * {@code bytes FIRST-LAST/*} or {@code bytes *}{@code /TOTAL} (unsatisfied). Strict: anything else is
 * empty, and the header's text is never echoed.
 *
 * @param first the first byte sent, or -1 for an unsatisfied range
 * @param last the last byte sent (inclusive), or -1 for an unsatisfied range
 * @param total the blob's size, or -1 when the server did not say
 */
record ContentRange(long first, long last, long total) {
  private static final int MAX_DIGITS = 18;

  /** The header parsed, or empty when it is missing or malformed. */
  static Optional<ContentRange> parse(String header) {
    if (header == null || header.length() > 64 || !header.startsWith("bytes ")) {
      return Optional.empty();
    }
    String spec = header.substring("bytes ".length()).trim();
    int slash = spec.indexOf('/');
    if (slash < 0) {
      return Optional.empty();
    }
    String range = spec.substring(0, slash);
    String totalText = spec.substring(slash + 1);
    long total = totalText.equals("*") ? -1 : number(totalText);
    if (total == -2 || (total == -1 && range.equals("*"))) {
      return Optional.empty();
    }
    if (range.equals("*")) {
      return Optional.of(new ContentRange(-1, -1, total));
    }
    int dash = range.indexOf('-');
    if (dash < 0) {
      return Optional.empty();
    }
    long first = number(range.substring(0, dash));
    long last = number(range.substring(dash + 1));
    if (first < 0 || last < first || (total >= 0 && last >= total)) {
      return Optional.empty();
    }
    return Optional.of(new ContentRange(first, last, total));
  }

  /**
   * Checks a partial answer (206) to a request for {@code length} bytes from {@code offset}.
   *
   * @param header the answer's {@code Content-Range}
   * @param contentLength the answer's {@code Content-Length}, or -1 if it has none
   * @return null when the answer holds exactly the bytes asked for; else the failure: an
   *     {@link java.io.EOFException} when the blob ends before {@code offset + length}, or an
   *     {@link IOException} refusing the answer
   */
  static java.io.IOException verify(String header, long contentLength, long offset, int length, String what) {
    Optional<ContentRange> parsed = parse(header);
    long asked = offset + length - 1;
    if (parsed.isEmpty() || parsed.get().first() < 0) {
      return new java.io.IOException(what + ": refused a partial answer with a missing or malformed Content-Range"
          + " (asked for bytes " + offset + "-" + asked + ")");
    }
    ContentRange range = parsed.get();
    if (range.first() == offset && range.last() == asked) {
      if (contentLength >= 0 && contentLength != length) {
        return new java.io.IOException(what + ": refused an answer of " + contentLength + " bytes for bytes "
            + offset + "-" + asked + " (" + length + " bytes)");
      }
      return null;
    }
    if (range.first() == offset && range.last() < asked && range.total() == range.last() + 1) {
      return new java.io.EOFException(what + ": ends at byte " + range.total() + ", before " + (offset + length));
    }
    return new java.io.IOException(what + ": refused an answer holding bytes " + range.first() + "-" + range.last()
        + " when bytes " + offset + "-" + asked + " were asked for");
  }

  /** A decimal count, or -2 when it is not one. */
  static long number(String text) {
    if (text.isEmpty() || text.length() > MAX_DIGITS) {
      return -2;
    }
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) < '0' || text.charAt(i) > '9') {
        return -2;
      }
    }
    return Long.parseLong(text);
  }
}
