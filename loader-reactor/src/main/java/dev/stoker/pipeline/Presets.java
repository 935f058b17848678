package dev.stoker.pipeline;

import dev.stoker.api.Checks;
import dev.stoker.api.TransformSpec;
import java.util.List;
import java.util.Locale;

/**
 * Named transform lists that the CLI and users share.
 *
 * <pre>{@code
 * List<TransformSpec> train = Presets.byName("imagenet-train", 224);
 * }</pre>
 */
public final class Presets {
  private Presets() {}

  /** RandomResizedCrop(size) with scale [0.08, 1], ratio [3/4, 4/3], then a horizontal flip with p 0.5. */
  public static List<TransformSpec> imagenetTrain(int size) {
    return List.of(new TransformSpec.RandomResizedCrop(size), new TransformSpec.HorizontalFlip(0.5));
  }

  /** Resize of the shorter side to {@code size * 8 / 7}, then a center crop of {@code size}. */
  public static List<TransformSpec> imagenetEval(int size) {
    return List.of(new TransformSpec.ResizeShorter(size * 8 / 7), new TransformSpec.CenterCrop(size, size));
  }

  /** Decode, then resize the whole image to {@code size x size}: the cheapest fixed-size plan. */
  public static List<TransformSpec> decodeOnly(int size) {
    return List.of(new TransformSpec.Resize(size, size));
  }

  /**
   * The preset called {@code name}: {@code imagenet-train}, {@code imagenet-eval} or {@code decode-only}.
   *
   * @throws IllegalArgumentException naming the preset if it is unknown
   */
  public static List<TransformSpec> byName(String name, int size) {
    Checks.notNull(name, "name");
    Checks.positive(size, "size");
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "imagenet-train" -> imagenetTrain(size);
      case "imagenet-eval" -> imagenetEval(size);
      case "decode-only" -> decodeOnly(size);
      default -> throw new IllegalArgumentException(
          "preset: unknown '" + name + "'; known: imagenet-train, imagenet-eval, decode-only");
    };
  }
}
