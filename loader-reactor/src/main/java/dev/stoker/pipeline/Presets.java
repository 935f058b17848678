package dev.stoker.pipeline;

import dev.stoker.api.internal.Checks;
import dev.stoker.api.TransformSpec;
import java.util.List;
import java.util.Locale;

/**
 * Named transform lists that the CLI and users share. Each is a SPEC ({@link #spec}) read by
 * {@link TransformSpecs#parse}, the size written into it; a SPEC may name a preset as a step,
 * e.g. {@code imagenet-train(160), ColorJitter(0.4, 0.4, 0.4)}.
 *
 * <pre>{@code
 * List<TransformSpec> train = Presets.byName("imagenet-train", 224);
 * String spec = Presets.spec("imagenet-train", 224);   // RandomResizedCrop(224), HorizontalFlip(p=0.5)
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
    return TransformSpecs.parse(spec("imagenet-train", size));
  }

  /**
   * Resize of the shorter side to {@code size * 8 / 7}, then a center crop of {@code size}.
   *
   * @param size the output's width and height, in pixels, positive
   * @return the steps, an unmodifiable list
   */
  public static List<TransformSpec> imagenetEval(int size) {
    return TransformSpecs.parse(spec("imagenet-eval", size));
  }

  /**
   * Decode, then resize the whole image to {@code size x size}: the cheapest fixed-size plan.
   *
   * @param size the output's width and height, in pixels, positive
   * @return the steps, an unmodifiable list
   */
  public static List<TransformSpec> decodeOnly(int size) {
    return TransformSpecs.parse(spec("decode-only", size));
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
    return TransformSpecs.parse(ssdSpec(size));
  }

  private static String ssdSpec(int size) {
    return "HorizontalFlip(p=0.5), RandomIoUCrop, Resize(" + size + ", " + size + ")";
  }

  /**
   * The SPEC of the preset called {@code name}, its size written in: e.g. {@code
   * RandomResizedCrop(224), HorizontalFlip(p=0.5)} for {@code imagenet-train} at 224.
   *
   * <table>
   *   <caption>The presets</caption>
   *   <tr><th>name</th><th>SPEC</th></tr>
   *   <tr><td>imagenet-train</td><td>{@code RandomResizedCrop(S), HorizontalFlip(p=0.5)}</td></tr>
   *   <tr><td>imagenet-eval</td><td>{@code ResizeShorter(S*8/7), CenterCrop(S, S)} (S*8/7 rounded down)</td></tr>
   *   <tr><td>decode-only</td><td>{@code Resize(S, S)}</td></tr>
   *   <tr><td>ssd300-train</td><td>{@code HorizontalFlip(p=0.5), RandomIoUCrop, Resize(300, 300)}</td></tr>
   * </table>
   *
   * @param name the preset's name, not null
   * @param size the output's width and height, in pixels, positive (ignored by {@code ssd300-train})
   * @return the SPEC
   * @throws IllegalArgumentException naming the preset if it is unknown
   */
  public static String spec(String name, int size) {
    Checks.notNull(name, "name");
    Checks.positive(size, "size");
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "imagenet-train" -> "RandomResizedCrop(" + size + "), HorizontalFlip(p=0.5)";
      case "imagenet-eval" -> "ResizeShorter(" + size * 8 / 7 + "), CenterCrop(" + size + ", " + size + ")";
      case "decode-only" -> "Resize(" + size + ", " + size + ")";
      case "ssd300-train" -> ssdSpec(300);
      default -> throw new IllegalArgumentException(
          "preset: unknown '" + name + "'; known: " + String.join(", ", NAMES));
    };
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
    return TransformSpecs.parse(spec(name, size));
  }
}
