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
  public static final List<String> NAMES = List.of("imagenet-train", "imagenet-eval", "decode-only", "ssd300-train",
      "ssd300-train-full");

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

  private static String ssdFullSpec(int size) {
    return "PhotometricDistort, ZoomOut(1, 4, 0.5, 116), RandomIoUCrop, HorizontalFlip(p=0.5), Resize(" + size + ", "
        + size + ")";
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
   *   <tr><td>ssd300-train-full</td><td>{@code PhotometricDistort, ZoomOut(1, 4, 0.5, 116), RandomIoUCrop,
   *       HorizontalFlip(p=0.5), Resize(300, 300)}</td></tr>
   * </table>
   *
   * @param name the preset's name, not null
   * @param size the output's width and height, in pixels, positive (ignored by the {@code ssd300} ones)
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
      case "ssd300-train-full" -> ssdFullSpec(300);
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
   * The full SSD training augmentation for object detection at {@code size x size}, in the SSD
   * recipe's order: {@link TransformSpec.PhotometricDistort} (SSD's defaults), {@link
   * TransformSpec.ZoomOut} (ratio [1, 4], p 0.5, filled with gray 116, near the ImageNet mean
   * color that torchvision's recipe fills with), the SSD paper's {@link TransformSpec.RandomIoUCrop},
   * a horizontal flip with p 0.5, and a resize to {@code size x size}. Boxes move with the image.
   *
   * <p>One difference from the recipe: the photometric distortion is per-pixel and runs on the
   * output after the geometry (see {@link dev.stoker.image.TransformPlan}), so the zoom-out's fill
   * pixels are distorted too (the recipe distorts the image before it expands it, leaving the fill
   * at the mean), and contrast blends with the mean gray of the output, fill included. Its random
   * draws also come after the geometry's, where the recipe draws them first.
   *
   * @param size the output's width and height, in pixels, positive
   * @return the steps, an unmodifiable list
   */
  public static List<TransformSpec> ssdTrainFull(int size) {
    Checks.positive(size, "size");
    return TransformSpecs.parse(ssdFullSpec(size));
  }

  /**
   * {@link #ssdTrainFull(int) ssdTrainFull(300)}: the full SSD300 training augmentation.
   *
   * @return the steps, an unmodifiable list
   */
  public static List<TransformSpec> ssd300TrainFull() {
    return ssdTrainFull(300);
  }

  /**
   * The preset called {@code name}: {@code imagenet-train}, {@code imagenet-eval}, {@code decode-only},
   * {@code ssd300-train} or {@code ssd300-train-full}. The size is the output's height and width,
   * except for the {@code ssd300} ones, which are 300x300 by their name and ignore {@code size}.
   *
   * @param name the preset's name, not null
   * @param size the output's width and height, in pixels (ignored by the {@code ssd300} ones)
   * @return the steps, an unmodifiable list
   * @throws IllegalArgumentException naming the preset if it is unknown
   */
  public static List<TransformSpec> byName(String name, int size) {
    return TransformSpecs.parse(spec(name, size));
  }
}
