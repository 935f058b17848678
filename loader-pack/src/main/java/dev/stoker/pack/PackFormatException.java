package dev.stoker.pack;

import dev.stoker.api.LoaderException;

/**
 * A pack's descriptor, index or shard is malformed or does not agree with the rest of the pack.
 * The message names the file and what is wrong, never its raw contents.
 *
 * <pre>{@code
 * try {
 *   Packs.open("/data/packs/train", PackReadOptions.defaults());
 * } catch (PackFormatException e) {
 *   System.err.println(e.getMessage());   // "/data/packs/train/index.bin: sample 7: label 12 outside [0, 10)"
 * }
 * }</pre>
 */
public final class PackFormatException extends LoaderException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param file the file (or object) at fault
   * @param problem what is wrong, in one sentence
   */
  public PackFormatException(String file, String problem) {
    super(file + ": " + problem);
  }
}
