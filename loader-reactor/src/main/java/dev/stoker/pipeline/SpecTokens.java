package dev.stoker.pipeline;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a transform SPEC into tokens: words ({@code RandomResizedCrop}, {@code imagenet-train},
 * {@code minScale}), numbers ({@code 224}, {@code -0.5}, {@code 1e-3}, {@code .25}) and the
 * punctuation {@code ( ) [ ] , = /}; spaces between tokens are skipped. Any other character is a
 * {@link TransformSpecSyntaxException} at its column. The caller bounds the SPEC's length first.
 */
final class SpecTokens {
  /** What a token is. */
  enum Kind {
    WORD("a name"), NUMBER("a number"), OPEN("'('"), CLOSE("')'"), OPEN_LIST("'['"), CLOSE_LIST("']'"),
    COMMA("','"), EQUALS("'='"), SLASH("'/'"), END("the end");

    final String described;

    Kind(String described) {
      this.described = described;
    }
  }

  /**
   * One token.
   *
   * @param kind what it is
   * @param text its characters as written
   * @param offset where it starts in the SPEC, 0-based
   */
  record Token(Kind kind, String text, int offset) {
    /** How to name it in an error: its text in quotes, or "the end". */
    String described() {
      return kind == Kind.END ? "the end" : "'" + text + "'";
    }
  }

  private SpecTokens() {}

  /**
   * The tokens of {@code spec}, ending with one {@link Kind#END}.
   *
   * @throws TransformSpecSyntaxException at a character that starts no token
   */
  static List<Token> of(String spec) {
    List<Token> tokens = new ArrayList<>();
    int i = 0;
    int n = spec.length();
    while (i < n) {
      char c = spec.charAt(i);
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        i++;
        continue;
      }
      int start = i;
      Kind single = switch (c) {
        case '(' -> Kind.OPEN;
        case ')' -> Kind.CLOSE;
        case '[' -> Kind.OPEN_LIST;
        case ']' -> Kind.CLOSE_LIST;
        case ',' -> Kind.COMMA;
        case '=' -> Kind.EQUALS;
        case '/' -> Kind.SLASH;
        default -> null;
      };
      if (single != null) {
        tokens.add(new Token(single, String.valueOf(c), i++));
      } else if (letter(c)) {
        i = word(spec, i);
        tokens.add(new Token(Kind.WORD, spec.substring(start, i), start));
      } else if (digit(c) || c == '.' || ((c == '-' || c == '+') && i + 1 < n
          && (digit(spec.charAt(i + 1)) || spec.charAt(i + 1) == '.'))) {
        i = number(spec, i);
        tokens.add(new Token(Kind.NUMBER, spec.substring(start, i), start));
      } else {
        String shown = c < 0x20 || (c >= 0x7f && c < 0xa0) ? String.format("U+%04X", (int) c) : "'" + c + "'";
        throw new TransformSpecSyntaxException("unexpected character " + shown,
            "a SPEC is steps such as RandomResizedCrop(224) separated by commas", spec, i, 1);
      }
    }
    tokens.add(new Token(Kind.END, "", n));
    return tokens;
  }

  /** The end of a word: letters, digits and {@code _}, with single {@code -} between them. */
  private static int word(String spec, int i) {
    int n = spec.length();
    i++;
    while (i < n) {
      char c = spec.charAt(i);
      if (letter(c) || digit(c)) {
        i++;
      } else if (c == '-' && i + 1 < n && (letter(spec.charAt(i + 1)) || digit(spec.charAt(i + 1)))) {
        i += 2;
      } else {
        break;
      }
    }
    return i;
  }

  /**
   * The end of a number: an optional sign, digits with an optional fraction (or a fraction alone),
   * an optional exponent. Whether it is well formed is checked when it is read; a stray letter
   * glued to it ends it, and becomes the next token.
   */
  private static int number(String spec, int i) {
    int n = spec.length();
    if (spec.charAt(i) == '-' || spec.charAt(i) == '+') {
      i++;
    }
    while (i < n && (digit(spec.charAt(i)) || spec.charAt(i) == '.')) {
      i++;
    }
    if (i < n && (spec.charAt(i) == 'e' || spec.charAt(i) == 'E')) {
      int e = i + 1;
      if (e < n && (spec.charAt(e) == '-' || spec.charAt(e) == '+')) {
        e++;
      }
      if (e < n && digit(spec.charAt(e))) {
        i = e;
        while (i < n && digit(spec.charAt(i))) {
          i++;
        }
      }
    }
    return i;
  }

  private static boolean letter(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
  }

  private static boolean digit(char c) {
    return c >= '0' && c <= '9';
  }
}
