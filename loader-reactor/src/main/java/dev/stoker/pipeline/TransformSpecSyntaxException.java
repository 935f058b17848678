package dev.stoker.pipeline;

/**
 * A transform SPEC that {@link TransformSpecs#parse} cannot read: an unknown step or argument, a
 * value of the wrong kind or out of its step's range, or a SPEC over a limit. The message names
 * the problem and its 1-based column, then shows the SPEC (at most {@value #SHOWN} characters of
 * it, control characters as {@code ?}) with carets under the offending token:
 *
 * <pre>
 * unknown step 'RandomResizeCrop' at column 1; did you mean RandomResizedCrop?
 *   RandomResizeCrop(224), HorizontalFlip
 *   ^^^^^^^^^^^^^^^^
 * </pre>
 *
 * <pre>{@code
 * try {
 *   TransformSpecs.parse(text);
 * } catch (TransformSpecSyntaxException e) {
 *   System.err.println(e.getMessage());   // three lines, as above
 *   int column = e.column();
 * }
 * }</pre>
 */
public final class TransformSpecSyntaxException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;
  /** The most characters of the SPEC the message shows, around the offending token. */
  public static final int SHOWN = 100;

  /** What is wrong, without the column and the excerpt. */
  private final String problem;
  /** The 1-based column of the offending token. */
  private final int column;

  /**
   * A problem at {@code offset} (0-based) in {@code spec}, {@code length} characters long.
   *
   * @param problem what is wrong, e.g. {@code unknown step 'Foo'}; the column is added after it
   * @param hint what to do instead, or empty; added after the column
   * @param spec the SPEC as given
   * @param offset where the offending token starts, 0 to {@code spec.length()}
   * @param length the token's length, at least 1 shown
   */
  TransformSpecSyntaxException(String problem, String hint, String spec, int offset, int length) {
    super(problem + " at column " + (offset + 1) + (hint.isEmpty() ? "" : "; " + hint) + "\n"
        + excerpt(spec, offset, Math.max(1, length)));
    this.problem = problem;
    this.column = offset + 1;
  }

  /**
   * What is wrong, without the column and the excerpt.
   *
   * @return e.g. {@code RandAugment: unknown argument 'q'}
   */
  public String problem() {
    return problem;
  }

  /**
   * Where the offending token starts.
   *
   * @return the 1-based column in the SPEC (its length + 1 for a SPEC that ended too early)
   */
  public int column() {
    return column;
  }

  /** Two lines: the SPEC (or a window of it) indented by two, and carets under the token. */
  private static String excerpt(String spec, int offset, int length) {
    int from = 0;
    int to = spec.length();
    if (to > SHOWN) {
      from = Math.max(0, Math.min(offset - SHOWN / 3, spec.length() - SHOWN));
      to = Math.min(spec.length(), from + SHOWN);
    }
    StringBuilder shown = new StringBuilder("  ");
    if (from > 0) {
      shown.append("...");
    }
    int start = shown.length();
    for (int i = from; i < to; i++) {
      char c = spec.charAt(i);
      shown.append(c < 0x20 || (c >= 0x7f && c < 0xa0) ? '?' : c);
    }
    if (to < spec.length()) {
      shown.append("...");
    }
    int caret = start + offset - from;
    int carets = Math.max(1, Math.min(length, to - offset));
    return shown + "\n" + " ".repeat(caret) + "^".repeat(carets);
  }
}
