package dev.stoker.pipeline;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.SplittableRandom;

/**
 * The box-aware processing call, shaped like {@link dev.stoker.image.SampleProcessor}'s
 * {@code process(encoded, source, random, out, boxesIn, boxCount, boxesOut, keptOut)}, which the
 * loader uses for every sample of a detection source. It is a seam so that the pipeline's tests can
 * run boxes through the loader with a geometry they know, independent of the image package.
 */
@FunctionalInterface
interface BoxedProcess {
  /**
   * Processes one sample into {@code out} and moves its boxes with the image.
   *
   * @return the number of boxes kept; kept box {@code k} is {@code boxesOut[4k..4k+3]} and came
   *     from input box {@code keptOut[k]}
   */
  int process(ByteBuffer encoded, String source, SplittableRandom random, MemorySegment out, float[] boxesIn,
      int boxCount, float[] boxesOut, int[] keptOut, boolean knownSound);
}
