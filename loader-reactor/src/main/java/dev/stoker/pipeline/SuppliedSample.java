package dev.stoker.pipeline;

import dev.stoker.api.internal.Checks;
import dev.stoker.api.SampleFailure;
import java.lang.foreign.MemorySegment;

/** One result of a {@link SampleSupplier}: a processed sample, or a failure as a value. */
public sealed interface SuppliedSample {
  /**
   * A processed sample. The loader copies it, then calls {@link #release()} exactly once.
   *
   * @param index the dataset index
   * @param label its label
   * @param pixels the output pixels, the loader's {@code sampleBytes}
   * @param boxes {@code 4 * boxCount} floats, {@code x0, y0, x1, y1} in output pixels
   * @param boxLabels {@code boxCount} labels
   * @param boxCount the boxes the transforms kept
   * @param releaser gives the pixels' memory back
   */
  record Ok(int index, int label, MemorySegment pixels, float[] boxes, int[] boxLabels, int boxCount, Runnable releaser)
      implements SuppliedSample {
    /** Checks the arrays against {@code boxCount}. */
    public Ok {
      Checks.notNull(pixels, "pixels");
      Checks.notNull(releaser, "releaser");
      Checks.notNegative(boxCount, "boxCount");
      Checks.argument(boxes.length >= 4 * boxCount && boxLabels.length >= boxCount, "boxes",
          "hold fewer than boxCount = " + boxCount + " boxes");
    }

    /** Gives the pixels' memory back. */
    public void release() {
      releaser.run();
    }
  }

  /**
   * A sample that failed where it was processed.
   *
   * @param failure which sample, its name and why
   */
  record Failed(SampleFailure failure) implements SuppliedSample {}
}
