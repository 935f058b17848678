package dev.stoker.advice;

import java.util.Locale;

/**
 * What to do with the dataset's files so reads keep up.
 *
 * <pre>{@code
 * if (answer.data() == DataAdvice.CACHE) System.out.println("--cache-bytes");
 * }</pre>
 */
public enum DataAdvice {
  /** Nothing: the storage keeps up with what the cores decode (or the target). */
  NONE,
  /** Keep the encoded files in memory ({@code --cache-bytes}): reads bound and the dataset fits. */
  CACHE,
  /** Store the images smaller (packed): reads bound and the dataset does not fit in memory. */
  PACK;

  /**
   * The name in lower case, as the JSON writes it.
   *
   * @return e.g. {@code "cache"}
   */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
