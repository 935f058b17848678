package dev.stoker.storage;

import dev.stoker.api.internal.Checks;

/** Checks that a key stays inside its store's root. */
final class Keys {
  /** The longest key accepted, in characters. */
  static final int MAX_KEY_LENGTH = 1024;

  private Keys() {}

  /**
   * Returns {@code key} when it is a plain relative key.
   *
   * @throws IllegalArgumentException naming {@code key} if it is empty, too long, absolute, holds a
   *     backslash, a NUL, or a {@code .} or {@code ..} segment
   */
  static String check(String key) {
    Checks.notNull(key, "key");
    Checks.argument(!key.isEmpty() && key.length() <= MAX_KEY_LENGTH, "key",
        "must be 1 to " + MAX_KEY_LENGTH + " characters, got " + key.length());
    Checks.argument(!key.startsWith("/") && key.indexOf('\\') < 0 && key.indexOf('\0') < 0, "key",
        "must be relative, with '/' separators and no NUL: " + printable(key));
    for (String segment : key.split("/", -1)) {
      Checks.argument(!segment.isEmpty() && !segment.equals(".") && !segment.equals(".."), "key",
          "must not hold an empty, '.' or '..' segment: " + printable(key));
    }
    return key;
  }

  /** Checks a read's bounds. */
  static void checkRange(long offset, int length) {
    Checks.argument(offset >= 0, "offset", "must be 0 or more, got " + offset);
    Checks.argument(length >= 0 && length <= BlobStore.MAX_READ_BYTES, "length",
        "must be in [0, " + BlobStore.MAX_READ_BYTES + "], got " + length);
  }

  /** The key with control characters escaped and cut to 200 characters, for messages. */
  static String printable(String key) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < key.length() && out.length() < 200; i++) {
      char c = key.charAt(i);
      out.append(c < 0x20 || c == 0x7f ? String.format("\\u%04x", (int) c) : String.valueOf(c));
    }
    return key.length() > 200 ? out + "..." : out.toString();
  }
}
