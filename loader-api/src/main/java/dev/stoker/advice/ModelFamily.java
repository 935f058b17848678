package dev.stoker.advice;

import dev.stoker.api.internal.Checks;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * A few common model families and what their training needs per image, for {@link ModelMemory}:
 * published parameter counts (torchvision's and Ultralytics' model cards) and an estimate of the
 * activations one image leaves stored for the backward pass, in fp32, at the family's reference
 * input size. Activations scale with the input's pixels from there.
 *
 * <pre>{@code
 * ModelFamily resnet = ModelFamily.byName("resnet50");
 * long perImage = resnet.activationBytes(224, 224);   // about 100 MB
 * }</pre>
 */
public enum ModelFamily {
  /** ResNet-18, ImageNet classification. */
  RESNET18(Task.CLASSIFICATION, 11_689_512L, 30, 224, 224,
      "the outputs of its 20 conv, 20 batch-norm and 17 ReLU layers, 2.5M values at 224x224, kept for backward, "
          + "x 4 bytes, rounded up for the pooling and residual sums"),
  /** ResNet-50, ImageNet classification. */
  RESNET50(Task.CLASSIFICATION, 25_557_032L, 100, 224, 224,
      "the largest fp32 batch NVIDIA's ResNet-50 v1.5 recipe trains in 16 GB (112 images): about 130 MB an image "
          + "with weights and workspace, about 100 MB of it activations"),
  /** MobileNet V3 large, ImageNet classification. */
  MOBILENET_V3_LARGE(Task.CLASSIFICATION, 5_483_032L, 45, 224, 224,
      "the expanded (x3 to x6) inverted-residual tensors at high resolution dominate: about 11M values at "
          + "224x224 x 4 bytes"),
  /** EfficientNet-B0, ImageNet classification. */
  EFFICIENTNET_B0(Task.CLASSIFICATION, 5_288_548L, 80, 224, 224,
      "as MobileNet's blocks plus the Swish and squeeze-excitation tensors, each kept for backward: about 20M "
          + "values at 224x224 x 4 bytes"),
  /** ViT-B/16, ImageNet classification. */
  VIT_B_16(Task.CLASSIFICATION, 86_567_656L, 150, 224, 224,
      "12 layers x 197 tokens x 768 x about 50 values per token and channel (attention scores included), as the "
          + "transformer activation formula of Korthikanti et al. (2022) counts, x 4 bytes; attention grows with "
          + "tokens squared, so above 224 this underestimates"),
  /** SSD300 with a VGG-16 backbone, detection. */
  SSD300_VGG16(Task.DETECTION, 35_641_826L, 150, 300, 300,
      "VGG-16's 15M activation values at 224x224 scaled to 300x300 (27M), plus the extra feature layers and "
          + "heads, x 4 bytes, about 150 MB"),
  /** SSDlite320 with a MobileNet V3 large backbone, detection. */
  SSDLITE320_MOBILENET_V3(Task.DETECTION, 3_440_060L, 50, 320, 320,
      "MobileNet V3 large's activations at 320x320 (about 2x those at 224) plus the light heads"),
  /** Faster R-CNN, ResNet-50 FPN backbone, detection. */
  FASTERRCNN_RESNET50_FPN(Task.DETECTION, 41_755_286L, 1_200, 1333, 800,
      "Detectron2's model zoo reports about 3 GB of training memory for 2 images of 800x1333 with R50-FPN: "
          + "about 1.2 GB an image of activations"),
  /** RetinaNet, ResNet-50 FPN backbone, detection. */
  RETINANET_RESNET50_FPN(Task.DETECTION, 34_014_999L, 1_500, 1333, 800,
      "Detectron2's model zoo reports about 3.7 GB for 2 images of 800x1333 with RetinaNet R50-FPN: about "
          + "1.5 GB an image of activations (its dense heads run on every FPN level)"),
  /** YOLOv5s, detection. */
  YOLOV5S(Task.DETECTION, 7_225_885L, 200, 640, 640,
      "Ultralytics' batch-64 training of YOLOv5s at 640x640 fits in about 8 GB with mixed precision: about 100 MB "
          + "an image of fp16 activations, 200 MB in fp32");

  /** What a family is trained to do. */
  public enum Task {
    /** One label per image. */
    CLASSIFICATION,
    /** Boxes and their labels. */
    DETECTION;

    /**
     * The name in lower case, e.g. {@code "detection"}.
     *
     * @return the label
     */
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private static final long MB = 1_000_000L;

  private final Task task;
  private final long parameters;
  private final long referenceActivationBytes;
  private final int referenceWidth;
  private final int referenceHeight;
  private final String basis;

  ModelFamily(Task task, long parameters, long referenceActivationMegabytes, int referenceWidth, int referenceHeight,
      String basis) {
    this.task = task;
    this.parameters = parameters;
    this.referenceActivationBytes = referenceActivationMegabytes * MB;
    this.referenceWidth = referenceWidth;
    this.referenceHeight = referenceHeight;
    this.basis = basis;
  }

  /**
   * The family named {@code name}, e.g. {@code "resnet50"} or {@code "ssdlite320_mobilenet_v3"}
   * (any case; dashes count as underscores).
   *
   * @param name the name, not null
   * @return the family
   * @throws IllegalArgumentException if no family has that name; the message lists the names
   */
  public static ModelFamily byName(String name) {
    Checks.notNull(name, "name");
    String key = name.strip().toUpperCase(Locale.ROOT).replace('-', '_');
    for (ModelFamily family : values()) {
      if (family.name().equals(key)) {
        return family;
      }
    }
    throw new IllegalArgumentException("name: unknown model '" + name + "'; one of: " + names());
  }

  /**
   * The names {@link #byName} takes, comma separated.
   *
   * @return e.g. {@code "resnet18, resnet50, ..."}
   */
  public static String names() {
    return Arrays.stream(values()).map(ModelFamily::label).collect(Collectors.joining(", "));
  }

  /**
   * The name in lower case, as {@code --model} takes it, e.g. {@code "fasterrcnn_resnet50_fpn"}.
   *
   * @return the label
   */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * What the family is trained to do.
   *
   * @return classification or detection
   */
  public Task task() {
    return task;
  }

  /**
   * Trainable parameters, as published.
   *
   * @return the count
   */
  public long parameters() {
    return parameters;
  }

  /**
   * The fp32 activations one image stores for backward at the reference size.
   *
   * @return bytes
   */
  public long referenceActivationBytes() {
    return referenceActivationBytes;
  }

  /**
   * The input width the activation figure is for.
   *
   * @return pixels
   */
  public int referenceWidth() {
    return referenceWidth;
  }

  /**
   * The input height the activation figure is for.
   *
   * @return pixels
   */
  public int referenceHeight() {
    return referenceHeight;
  }

  /**
   * How the activation figure was arrived at, in one sentence.
   *
   * @return the basis
   */
  public String basis() {
    return basis;
  }

  /**
   * The fp32 activations one image of {@code width} x {@code height} stores: the reference figure
   * scaled by the ratio of pixels.
   *
   * @param width the input width, at least 1
   * @param height the input height, at least 1
   * @return bytes
   */
  public long activationBytes(int width, int height) {
    Checks.positive(width, "width");
    Checks.positive(height, "height");
    double ratio = (double) width * height / ((double) referenceWidth * referenceHeight);
    return Math.round(referenceActivationBytes * ratio);
  }
}
