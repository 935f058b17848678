package dev.stoker.pipeline;

import dev.stoker.api.internal.Checks;
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
  /** The names {@link #byName} knows. */
  public static final List<String> NAMES = List.of("imagenet-train", "imagenet-eval", "decode-only", "ssd300-train");

  private Presets() {}

  /**
   * RandomResizedCrop(size) with scale [0.08, 1], ratio [3/4, 4/3], then a horizontal flip with p
   * 0.5.
   *
   * @param size the output's width and height, in pixels, positive
   * @return the steps, an unmodifiable list
   */
  public static List<TransformSpec> imagenetTrain(int size) {
    return List.of(new TransformSpec.RandomResizedCrop(size), new TransformSpec.HorizontalFlip(0.5));
  }

  /**
   * Resize of the shorter side to {@code size * 8 / 7}, then a center crop of {@code size}.
   *
   * @param size the output's width and height, in pixels, positive
   * @return the steps, an unmodifiable list
   */
  public static List<TransformSpec> imagenetEval(int size) {
    return List.of(new TransformSpec.ResizeShorter(size * 8 / 7), new TransformSpec.CenterCrop(size, size));
  }

  /**
   * Decode, then resize the whole image to {@code size x size}: the cheapest fixed-size plan.
   *
   * @param size the output's width and height, in pixels, positive
   * @return the steps, an unmodifiable list
   */
  public static List<TransformSpec> decodeOnly(int size) {
    return List.of(new TransformSpec.Resize(size, size));
  }

  /**
   * The SSD training augmentation for object detection at {@code size x size}: a horizontal flip
   * with p 0.5, the SSD paper's {@link TransformSpec.RandomIoUCrop}, then a resize of the crop to
   * {@code size x size} (aspect ratio not kept, as in SSD). Boxes move with the image.
   *
   * @param size the output's width and height, in pixels, positive
   * @return the steps, an unmodifiable list
   */
  public static List<TransformSpec> ssdTrain(int size) {
    Checks.positive(size, "size");
    return List.of(new TransformSpec.HorizontalFlip(0.5), new TransformSpec.RandomIoUCrop(),
        new TransformSpec.Resize(size, size));
  }

  /**
   * {@link #ssdTrain(int) ssdTrain(300)}: the SSD300 training augmentation.
   *
   * @return the steps, an unmodifiable list
   */
  public static List<TransformSpec> ssd300Train() {
    return ssdTrain(300);
  }

  /**
   * The preset called {@code name}: {@code imagenet-train}, {@code imagenet-eval}, {@code decode-only}
   * or {@code ssd300-train}. The size is the output's height and width, except for
   * {@code ssd300-train}, which is 300x300 by its name and ignores {@code size}.
   *
   * @param name the preset's name, not null
   * @param size the output's width and height, in pixels (ignored by {@code ssd300-train})
   * @return the steps, an unmodifiable list
   * @throws IllegalArgumentException naming the preset if it is unknown
   */
  public static List<TransformSpec> byName(String name, int size) {
    Checks.notNull(name, "name");
    Checks.positive(size, "size");
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "imagenet-train" -> imagenetTrain(size);
      case "imagenet-eval" -> imagenetEval(size);
      case "decode-only" -> decodeOnly(size);
      case "ssd300-train" -> ssd300Train();
      default -> throw new IllegalArgumentException(
          "preset: unknown '" + name + "'; known: " + String.join(", ", NAMES));
    };
  }
}
