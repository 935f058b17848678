package dev.stoker.api;

import java.util.SplittableRandom;

/**
 * A step that runs on a whole batch, after all its samples are in the ring slot and before the
 * batch is published to the consumer: for augmentations that mix samples, such as MixUp and CutMix
 * ({@link BatchTransformSpec}). It is given to a loader as {@link BatchTransformSpec.Custom}.
 *
 * <p>The step receives the batch's own generator, keyed by (seed, epoch, the batch's index in its
 * epoch); the batch's samples are the same whatever the number of threads, and a run resumed after
 * batch {@code k} gives batch {@code k + 1} the same samples and key, so a step that draws only from
 * the generator keeps "same seed, same bytes, any thread count", and resume reproduces it. Each
 * step of a loader gets a generator of its own, split in order from the batch's. Steps run one
 * batch at a time, on a pipeline thread.
 *
 * <p>A step that throws fails the run: the loader stops with a {@link LoaderException} naming the
 * step (by {@link #name()}), the epoch and the batch, and delivers no batch after it. (A batch's
 * samples cannot be taken back once they are in the slot, so they are not turned into counted
 * failures the way a failing {@link SampleStep} fails one sample.)
 *
 * <pre>{@code
 * BatchStep smooth = new BatchStep() {
 *   public String name() { return "LabelSmoothing"; }
 *   public void apply(MixableBatch batch, SplittableRandom random) {
 *     int classes = batch.layout().softTargetClasses();
 *     for (int p = 0; p < batch.size(); p++) {
 *       MemorySegment row = batch.softTargetMemory(p);
 *       for (int c = 0; c < classes; c++) {
 *         float t = row.getAtIndex(ValueLayout.JAVA_FLOAT, c);
 *         row.setAtIndex(ValueLayout.JAVA_FLOAT, c, 0.9f * t + 0.1f / classes);
 *       }
 *     }
 *   }
 * };
 * Loader.builder().source(source).batchTransforms(List.of(new BatchTransformSpec.Custom(smooth)));
 * }</pre>
 */
public interface BatchStep {
  /**
   * The step's name, used in error messages and summaries.
   *
   * @return a short name, not null
   */
  String name();

  /**
   * Runs the step on one batch, in place.
   *
   * @param batch the batch's pixels and soft targets, writable, valid only during this call
   * @param random the step's own generator for this batch, keyed by (seed, epoch, batch index)
   * @throws Exception any failure; it fails the run with an error naming the step
   */
  void apply(MixableBatch batch, SplittableRandom random) throws Exception;
}
