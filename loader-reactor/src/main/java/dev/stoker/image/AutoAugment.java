package dev.stoker.image;

import dev.stoker.api.TransformSpec;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;

/**
 * Runs {@link TransformSpec.RandAugment} or {@link TransformSpec.TrivialAugmentWide} on a packed
 * RGB uint8 output image in place, moving its boxes with the geometric operations. Not written yet.
 * Not thread-safe: one per worker thread.
 */
final class AutoAugment {
  private final TransformSpec spec;

  /**
   * Prepares {@code spec}, a {@code RandAugment} or a {@code TrivialAugmentWide}.
   *
   * @throws IllegalArgumentException naming {@code spec} if it is neither
   */
  AutoAugment(TransformSpec spec) {
    if (!(spec instanceof TransformSpec.RandAugment) && !(spec instanceof TransformSpec.TrivialAugmentWide)) {
      throw new IllegalArgumentException("spec must be RandAugment or TrivialAugmentWide, got " + spec);
    }
    this.spec = spec;
  }

  /**
   * Draws this sample's operations and magnitudes from {@code random} and applies them to {@code
   * image} ({@code height x width x 3} uint8, packed) in place. {@code boxes} (output pixels) move
   * with the geometric operations and are clipped to the image; null or empty for none.
   */
  void apply(MemorySegment image, int width, int height, BoxSet boxes, SplittableRandom random) {
    throw new UnsupportedOperationException(spec + " is not written yet");
  }
}
