package dev.stoker.dataset;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * The checks on an image path that an annotation file or manifest names (see {@link SourceOptions}):
 * relative, no control characters, and, once normalised, inside the directory it resolves against.
 * And {@link #quote}, which makes such a name safe to put in a warning.
 */
final class ImagePaths {
  /** The most characters of a name that a warning quotes. */
  static final int QUOTED_CHARS = 200;

  private ImagePaths() {}

  /**
   * Why {@code name} may not name an image of a dataset, or null if it may. The check is lexical
   * (symbolic links are checked when the file is read, see {@link ImageFiles}).
   *
   * @param outsideAllowed whether absolute paths and paths that leave the directory are allowed
   */
  static String refusal(String name, boolean outsideAllowed) {
    for (int i = 0; i < name.length(); i++) {
      if (isControl(name.charAt(i))) {
        return "has control characters";
      }
    }
    Path path;
    try {
      path = Path.of(name);
    } catch (InvalidPathException e) {
      return "is not a valid path (" + e.getReason() + ")";
    }
    if (outsideAllowed) {
      return null;
    }
    if (path.isAbsolute() || path.getRoot() != null) {
      return "is an absolute path (only relative paths inside the dataset are read)";
    }
    Path normal = path.normalize();
    if (normal.startsWith("..")) {
      return "leads outside the directory";
    }
    if (normal.toString().isEmpty()) {
      return "names the directory itself, not a file";
    }
    return null;
  }

  /**
   * {@code text} in single quotes, printable: control and format characters (line breaks,
   * terminal escapes, bidirectional overrides) as {@code \\uXXXX}, backslashes and quotes escaped,
   * cut after {@value #QUOTED_CHARS} characters.
   */
  static String quote(String text) {
    int n = Math.min(text.length(), QUOTED_CHARS);
    if (n < text.length() && n > 0 && Character.isHighSurrogate(text.charAt(n - 1))) {
      n--;
    }
    StringBuilder s = new StringBuilder(n + 2).append('\'');
    for (int i = 0; i < n; i++) {
      char c = text.charAt(i);
      if (c == '\\' || c == '\'') {
        s.append('\\').append(c);
      } else if (isControl(c) || Character.getType(c) == Character.FORMAT
          || c == '\u2028' || c == '\u2029' || Character.isSurrogate(c) && !validPair(text, i)) {
        s.append(String.format("\\u%04x", (int) c));
      } else {
        s.append(c);
      }
    }
    if (n < text.length()) {
      s.append("...");
    }
    return s.append('\'').toString();
  }

  private static boolean isControl(char c) {
    return c < 0x20 || (c >= 0x7f && c < 0xa0);
  }

  /** Whether the surrogate at {@code i} is half of a well-formed pair. */
  private static boolean validPair(String text, int i) {
    char c = text.charAt(i);
    if (Character.isHighSurrogate(c)) {
      return i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1));
    }
    return i > 0 && Character.isHighSurrogate(text.charAt(i - 1));
  }
}
