package dev.stoker.pipeline;

import dev.stoker.api.BatchLayout;
import java.lang.foreign.MemorySegment;
import java.util.function.Consumer;

/**
 * One in-flight sample's memory, reused from sample to sample through the {@link SampleBufferPool}:
 * the output pixels (off-heap) and, for a detection source, the boxes on their way through the
 * transforms. All arrays hold {@code boxCapacity} boxes, the source's largest box count, so a
 * sample never allocates.
 *
 * <p>The decode stage fills {@link #sourceBoxes}/{@link #sourceLabels} from the source, lets the
 * processor write the kept boxes to {@link #boxes} and their indices to {@link #kept}, then maps
 * the labels into {@link #boxLabels} and sets {@link #boxCount}, and hands the result on as a
 * {@link ProcessedSample} over this buffer ({@link #sample}); releasing that sample brings the
 * buffer home. One thread at a time owns a buffer: the pool's hand-offs order the writes before the
 * reads.
 */
final class SampleBuffer {
  private final MemorySegment pixels;
  final float[] sourceBoxes;
  final int[] sourceLabels;
  final int[] kept;
  final float[] boxes;
  final int[] boxLabels;
  int boxCount;
  /** Gives this buffer back to its pool; made once, so handing out a sample allocates only its record. */
  private final Runnable release;

  /**
   * @param home takes the buffer back when a sample over it is released
   */
  SampleBuffer(MemorySegment pixels, int boxCapacity, Consumer<SampleBuffer> home) {
    this.pixels = pixels;
    this.release = () -> home.accept(this);
    this.sourceBoxes = new float[boxCapacity * BatchLayout.BOX_FLOATS];
    this.sourceLabels = new int[boxCapacity];
    this.kept = new int[boxCapacity];
    this.boxes = new float[boxCapacity * BatchLayout.BOX_FLOATS];
    this.boxLabels = new int[boxCapacity];
  }

  /** The output pixels of one sample. */
  MemorySegment pixels() {
    return pixels;
  }

  /** The processed sample this buffer now holds; its release gives the buffer back. */
  ProcessedSample sample(int epoch, int index, int label) {
    return new ProcessedSample(epoch, index, label, pixels, boxes, boxLabels, boxCount, release);
  }

  /** Gives this buffer back to its pool, as releasing its sample does. */
  void release() {
    release.run();
  }

  /** How many boxes the arrays hold. */
  int boxCapacity() {
    return kept.length;
  }
}
