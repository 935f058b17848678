package dev.stoker.pipeline;

import dev.stoker.api.internal.Checks;
import java.lang.foreign.MemorySegment;

/**
 * One processed sample: a dataset sample decoded and augmented into output pixels, with its label
 * and the boxes its transforms kept. The one record for it wherever it was made: the loader's
 * decode stage (pixels in a pooled buffer), a {@link SampleSupplier} (pixels in a node's frame) or
 * a {@link SampleMaker} (pixels in the caller's memory).
 *
 * <p>Whoever receives one calls {@link #release()} exactly once, when done with the pixels; the
 * memory then goes back to whoever lent it ({@link #NOTHING_TO_RELEASE} when the receiver owns
 * it).
 *
 * <pre>{@code
 * ProcessedSample s = maker.process(epoch, index, pixels);
 * for (int k = 0; k < s.boxCount(); k++) {
 *   float x0 = s.boxes()[4 * k];
 *   int boxLabel = s.boxLabels()[k];
 * }
 * s.release();
 * }</pre>
 *
 * @param epoch the epoch it was processed for (its random choices are keyed by epoch and index)
 * @param index the dataset index
 * @param label its label
 * @param pixels the output pixels, one sample's bytes of the loader's layout
 * @param boxes at least {@code 4 * boxCount} floats, {@code x0, y0, x1, y1} in output pixels
 * @param boxLabels at least {@code boxCount} labels
 * @param boxCount the boxes the transforms kept
 * @param releaser gives the pixels' memory back; run once, by {@link #release()}
 */
public record ProcessedSample(int epoch, int index, int label, MemorySegment pixels, float[] boxes, int[] boxLabels,
    int boxCount, Runnable releaser) implements SampleResult, EpochItem {
  /** The releaser of a sample whose pixels belong to the receiver: does nothing. */
  public static final Runnable NOTHING_TO_RELEASE = () -> { };

  /** Checks the arrays against {@code boxCount}. */
  public ProcessedSample {
    Checks.notNull(pixels, "pixels");
    Checks.notNull(releaser, "releaser");
    Checks.notNegative(boxCount, "boxCount");
    if (boxes.length < 4 * boxCount || boxLabels.length < boxCount) {   // no message built on the hot path
      Checks.argument(false, "boxes", "hold fewer than boxCount = " + boxCount + " boxes");
    }
  }

  /** Gives the pixels' memory back; call once, after the last use of {@link #pixels()}. */
  public void release() {
    releaser.run();
  }
}
