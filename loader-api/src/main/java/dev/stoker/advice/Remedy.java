package dev.stoker.advice;

import java.util.Locale;

/**
 * The first thing to change when the loader cannot feed its consumer.
 *
 * <pre>{@code
 * if (advice.first() == Remedy.ADD_THREADS) { ... }
 * }</pre>
 */
public enum Remedy {
  /** Nothing: the loader keeps up (the consumer, or nothing, sets the pace). */
  NONE,
  /** Use more decode workers, up to the machine's cores. */
  ADD_THREADS,
  /** Keep the dataset's encoded bytes in memory ({@code --cache-bytes}): reads bound and it fits. */
  CACHE,
  /** Preprocess once: store the images shrunk (packed) so each epoch decodes fewer pixels or reads fewer files. */
  PACK,
  /** A cheaper recipe: the augmentations cost more than the decode. */
  CHEAPER_RECIPE,
  /** Add data-server nodes: this machine's cores cannot reach the target. */
  ADD_NODES,
  /** Faster storage (or reads in parallel): the files cannot be read fast enough and do not fit in memory. */
  FASTER_STORAGE,
  /** Smaller output samples (uint8 rather than float, a smaller size): the serial copy into the ring bounds. */
  SMALLER_OUTPUT;

  /**
   * The name in lower case with dashes, e.g. {@code "add-threads"}, as the JSON writes it.
   *
   * @return the label
   */
  public String label() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
