package dev.stoker.api;

import java.lang.foreign.MemorySegment;

/**
 * A batch as a {@link BatchStep} sees it: every sample is in its slot, the header is set, and the
 * batch has not been published yet, so a step may rewrite any sample's pixels and soft targets in
 * place. Valid only during {@link BatchStep#apply}.
 *
 * <p>Pixels are NHWC of {@code layout().elementType()} (uint8, or float32 after {@code Normalize});
 * soft targets are float32 {@code [layout().softTargetClasses()]} per sample, one-hot or multi-hot
 * when the step starts (see {@link Batch}). The boxes cannot be changed: a loader with batch steps
 * has no boxes.
 *
 * <pre>{@code
 * MemorySegment first = batch.sampleMemory(0);                   // writable pixels of sample 0
 * MemorySegment targets = batch.softTargetMemory(0);             // writable float32 [classes]
 * targets.setAtIndex(ValueLayout.JAVA_FLOAT, batch.label(0), 0.9f);
 * }</pre>
 */
public interface MixableBatch extends Batch {
  /**
   * The writable pixels of sample {@code position}, exactly {@code layout().sampleBytes()} bytes.
   *
   * @param position the sample's position, {@code 0 <= position < size()}
   * @return a writable view of that sample's pixels
   * @throws IndexOutOfBoundsException if {@code position} is not below {@link #size()}
   */
  MemorySegment sampleMemory(int position);

  /**
   * The writable soft targets of sample {@code position}, {@code layout().softTargetClasses()}
   * floats.
   *
   * @param position the sample's position, {@code 0 <= position < size()}
   * @return a writable view of that sample's soft-target row
   * @throws IndexOutOfBoundsException if {@code position} is not below {@link #size()}
   */
  MemorySegment softTargetMemory(int position);
}
