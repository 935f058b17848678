package dev.stoker.api;

import java.util.SplittableRandom;

/**
 * An augmentation step written by a user, run on the decode workers on each sample's output pixels
 * after the plan's geometry (crops, resizes, flips, rotations) and before a final {@code
 * Normalize}, in the order it was written among the other output steps (color jitter, grayscale,
 * RandAugment, blur, erasing). It is placed in a plan as {@link TransformSpec.Custom}.
 *
 * <p>The step receives the sample's own generator, keyed by (seed, epoch, sample index) and
 * positioned after every earlier step's draws, so a step that draws only from it keeps "same seed,
 * same bytes, any thread count". It must not keep state between samples that changes its output,
 * and it must be safe to call from several worker threads at once.
 *
 * <p>A {@link Kind#GEOMETRIC} step moves pixels and must move the sample's boxes with them through
 * {@link SampleImage#setBox}; a {@link Kind#PHOTOMETRIC} step changes pixel values only and may
 * read the boxes but not move them. A step that throws fails that one sample: the loader counts it
 * as a failure whose message names the step (by {@link #name()}) and the sample, and the run goes
 * on under its failure policy.
 *
 * <pre>{@code
 * SampleStep invert = new SampleStep() {
 *   public String name() { return "Invert"; }
 *   public Kind kind() { return Kind.PHOTOMETRIC; }
 *   public void apply(SampleImage image, SplittableRandom random) {
 *     MemorySegment px = image.pixels();
 *     for (long i = 0; i < px.byteSize(); i++) {
 *       px.set(ValueLayout.JAVA_BYTE, i, (byte) ~px.get(ValueLayout.JAVA_BYTE, i));
 *     }
 *   }
 * };
 * List<TransformSpec> plan = List.of(new TransformSpec.RandomResizedCrop(224), new TransformSpec.Custom(invert));
 * }</pre>
 */
public interface SampleStep {

  /** What a step changes: pixel values only, or pixel positions (and so boxes). */
  enum Kind {
    /** Changes pixel values only; boxes stay where they are. */
    PHOTOMETRIC,
    /** Moves pixels; the step must move the sample's boxes with them. */
    GEOMETRIC
  }

  /**
   * The step's name, used in failure messages and in the normalised transform list.
   *
   * @return a short name, not null
   */
  String name();

  /**
   * Whether the step moves pixels.
   *
   * @return {@link Kind#GEOMETRIC} if it moves pixels (and must move boxes), else {@link Kind#PHOTOMETRIC}
   */
  Kind kind();

  /**
   * Runs the step on one sample, in place.
   *
   * @param image the sample's output pixels and boxes, valid only during this call
   * @param random the sample's own generator, keyed by (seed, epoch, sample index)
   * @throws Exception any failure; it fails this sample only, as a counted failure naming the step
   */
  void apply(SampleImage image, SplittableRandom random) throws Exception;
}
