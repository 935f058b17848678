package dev.stoker.cli;

import dev.stoker.api.LastBatchPolicy;
import java.util.Locale;

/**
 * The options that take one of a few values, as enums: picocli accepts a value as written in
 * {@code --help} (e.g. {@code imagenet-train}), refuses any other with exit status 2 naming the
 * option and the values, and lists them in {@code --help} ({@code ${COMPLETION-CANDIDATES}}).
 */
final class Choices {
  private Choices() {}

  /** {@code --preset}: the transform presets, by their {@code Presets.byName} names. */
  enum Preset {
    IMAGENET_TRAIN, IMAGENET_EVAL, DECODE_ONLY, SSD300_TRAIN, SSD300_TRAIN_FULL;

    @Override
    public String toString() {
      return label(this);
    }
  }

  /** {@code --decoder}: the native decoder if it loads (else ImageIO), or ImageIO. */
  enum Decoder {
    AUTO, IMAGEIO;

    @Override
    public String toString() {
      return label(this);
    }
  }

  /** {@code --last-batch}: what happens to an epoch's last, short batch. */
  enum LastBatch {
    PARTIAL(LastBatchPolicy.PARTIAL), DROP(LastBatchPolicy.DROP), FILL(LastBatchPolicy.FILL);

    final LastBatchPolicy policy;

    LastBatch(LastBatchPolicy policy) {
      this.policy = policy;
    }

    @Override
    public String toString() {
      return label(this);
    }
  }

  /** {@code --cache-kind}: what the cache keeps. */
  enum CacheKind {
    ENCODED, DECODED;

    @Override
    public String toString() {
      return label(this);
    }
  }

  /** {@code --log-level}: slf4j-simple's levels. */
  enum LogLevel {
    ERROR, WARN, INFO, DEBUG, TRACE, OFF;

    @Override
    public String toString() {
      return label(this);
    }
  }

  /** {@code IMAGENET_TRAIN} as {@code imagenet-train}. */
  static String label(Enum<?> value) {
    return value.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
