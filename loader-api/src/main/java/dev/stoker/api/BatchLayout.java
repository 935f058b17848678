package dev.stoker.api;

import dev.stoker.api.internal.Checks;

/**
 * The shape of every batch in a ring: {@code batchSize} samples of {@code height x width x
 * channels} pixels of {@code elementType}, stored one after another (NHWC), and, for object
 * detection, room for up to {@code maxBoxes} boxes per sample.
 *
 * <p>Boxes live next to the pixels in the same slot: {@code float32 [batchSize][maxBoxes][4]}
 * ({@code x0, y0, x1, y1} in output pixels) and their labels {@code int32 [batchSize][maxBoxes]},
 * both in native byte order. With {@code maxBoxes == 0} a slot holds no box memory at all.
 *
 * <p>Soft targets (with {@code softTargetClasses > 0}) are one more region of the slot: float32
 * {@code [batchSize][softTargetClasses]}, native byte order, one row of class weights per sample
 * (one-hot or multi-hot from the labels, then mixed by MixUp or CutMix). A loader turns them on
 * when it runs batch transforms or its source has several labels per sample; with
 * {@code softTargetClasses == 0} (every existing constructor) a slot holds no soft-target memory.
 *
 * <pre>{@code
 * BatchLayout classify = new BatchLayout(256, 224, 224, 3);                          // uint8, no boxes
 * BatchLayout detect = new BatchLayout(32, 300, 300, 3, ElementType.UINT8, 50);      // up to 50 boxes
 * BatchLayout mixed = classify.withSoftTargets(1000);                                // + float32 [256][1000]
 * }</pre>
 *
 * @param batchSize samples per batch
 * @param height rows per sample
 * @param width columns per sample
 * @param channels channels per pixel (3 for RGB)
 * @param elementType the type of each channel value
 * @param maxBoxes boxes each sample can carry, 0 for none
 * @param softTargetClasses classes of each sample's soft-target row, 0 for no soft targets
 */
public record BatchLayout(int batchSize, int height, int width, int channels, ElementType elementType,
    int maxBoxes, int softTargetClasses) {
  /** Floats per box: {@code x0, y0, x1, y1}. */
  public static final int BOX_FLOATS = 4;

  /** Alignment slack a slot may add between its pixels, boxes and labels (see the ring's slot layout). */
  private static final long SLOT_PADDING = 256;

  /**
   * Validates the fields, and that every size derived from them (a sample's, a batch's pixels,
   * boxes and labels, and a slot holding all three) can be counted in a {@code long}: from here on
   * they are exact, never negative.
   *
   * @throws MemoryLimitException naming the shape if a derived size does not fit in a {@code long}
   */
  public BatchLayout {
    Checks.positive(batchSize, "batchSize");
    Checks.positive(height, "height");
    Checks.positive(width, "width");
    Checks.positive(channels, "channels");
    Checks.notNull(elementType, "elementType");
    Checks.notNegative(maxBoxes, "maxBoxes");
    Checks.notNegative(softTargetClasses, "softTargetClasses");
    String what = "pixels";
    try {
      long pixels = Math.multiplyExact(pixelBytes(height, width, channels, elementType), batchSize);
      what = "boxes";
      long boxes = Math.multiplyExact((long) batchSize * maxBoxes, BOX_FLOATS * Float.BYTES + Integer.BYTES);
      what = "soft targets";
      long soft = Math.multiplyExact((long) batchSize * softTargetClasses, Float.BYTES);
      Math.addExact(Math.addExact(Math.addExact(pixels, boxes), soft), SLOT_PADDING);
    } catch (ArithmeticException e) {
      throw new MemoryLimitException("a batch of " + batchSize + "x" + height + "x" + width + "x" + channels + " "
          + elementType + (maxBoxes == 0 ? "" : " with up to " + maxBoxes + " boxes per sample")
          + (softTargetClasses == 0 ? "" : " with soft targets over " + softTargetClasses + " classes") + " needs more bytes "
          + "than a long can count (its " + what + " overflow); ask for a smaller batch or output size");
    }
  }

  private static long pixelBytes(int height, int width, int channels, ElementType elementType) {
    return Math.multiplyExact(Math.multiplyExact(Math.multiplyExact((long) height, width), channels),
        elementType.bytes());
  }

  /**
   * A layout without soft targets ({@code softTargetClasses == 0}).
   *
   * @param batchSize samples per batch, positive
   * @param height rows per sample, positive
   * @param width columns per sample, positive
   * @param channels channels per pixel, positive (3 for RGB)
   * @param elementType the type of each channel value, not null
   * @param maxBoxes boxes each sample can carry, 0 for none
   */
  public BatchLayout(int batchSize, int height, int width, int channels, ElementType elementType, int maxBoxes) {
    this(batchSize, height, width, channels, elementType, maxBoxes, 0);
  }

  /**
   * A layout of uint8 pixels without boxes, the classification case.
   *
   * @param batchSize samples per batch, positive
   * @param height rows per sample, positive
   * @param width columns per sample, positive
   * @param channels channels per pixel, positive (3 for RGB)
   */
  public BatchLayout(int batchSize, int height, int width, int channels) {
    this(batchSize, height, width, channels, ElementType.UINT8, 0);
  }

  /**
   * This layout with room for {@code maxBoxes} boxes per sample.
   *
   * @param maxBoxes boxes each sample can carry, 0 for none
   * @return a new layout; this one is unchanged
   */
  public BatchLayout withMaxBoxes(int maxBoxes) {
    return new BatchLayout(batchSize, height, width, channels, elementType, maxBoxes, softTargetClasses);
  }

  /**
   * This layout with pixels of {@code elementType}.
   *
   * @param elementType the type of each channel value, not null
   * @return a new layout; this one is unchanged
   */
  public BatchLayout withElementType(ElementType elementType) {
    return new BatchLayout(batchSize, height, width, channels, elementType, maxBoxes, softTargetClasses);
  }

  /**
   * This layout with a float32 soft-target row of {@code classes} per sample.
   *
   * <pre>{@code
   * BatchLayout mixed = new BatchLayout(64, 224, 224, 3).withSoftTargets(source.classes().size());
   * }</pre>
   *
   * @param classes classes per row, 0 for no soft targets
   * @return a new layout; this one is unchanged
   */
  public BatchLayout withSoftTargets(int classes) {
    return new BatchLayout(batchSize, height, width, channels, elementType, maxBoxes, classes);
  }

  /**
   * Whether slots hold soft targets, that is {@code softTargetClasses > 0}.
   *
   * @return {@code true} if {@code softTargetClasses > 0}
   */
  public boolean hasSoftTargets() {
    return softTargetClasses > 0;
  }

  /**
   * Bytes of one full batch's soft targets, {@code batchSize * softTargetClasses} floats.
   *
   * @return {@code batchSize * softTargetClasses * 4}, 0 without soft targets
   */
  public long softTargetBytes() {
    return (long) batchSize * softTargetClasses * Float.BYTES;
  }

  /**
   * Whether samples carry boxes, that is {@code maxBoxes > 0}.
   *
   * @return {@code true} if {@code maxBoxes > 0}
   */
  public boolean hasBoxes() {
    return maxBoxes > 0;
  }

  /**
   * Bytes of one sample's pixels; exact (the constructor checked that it fits).
   *
   * @return {@code height * width * channels * elementType().bytes()}
   */
  public long sampleBytes() {
    return pixelBytes(height, width, channels, elementType);
  }

  /**
   * Bytes of one full batch's pixels; exact.
   *
   * @return {@code batchSize * sampleBytes()}
   */
  public long batchBytes() {
    return Math.multiplyExact(sampleBytes(), batchSize);
  }

  /**
   * Bytes of one full batch's boxes, {@code batchSize * maxBoxes * 4} floats.
   *
   * @return {@code batchSize * maxBoxes * 16}, 0 without boxes
   */
  public long boxBytes() {
    return (long) batchSize * maxBoxes * BOX_FLOATS * Float.BYTES;
  }

  /**
   * Bytes of one full batch's box labels, {@code batchSize * maxBoxes} ints.
   *
   * @return {@code batchSize * maxBoxes * 4}, 0 without boxes
   */
  public long boxLabelBytes() {
    return (long) batchSize * maxBoxes * Integer.BYTES;
  }

  @Override
  public String toString() {
    String shape = batchSize + "x" + height + "x" + width + "x" + channels + " " + elementType;
    String boxes = maxBoxes == 0 ? shape : shape + ", up to " + maxBoxes + " boxes";
    return softTargetClasses == 0 ? boxes : boxes + ", soft targets over " + softTargetClasses + " classes";
  }
}
