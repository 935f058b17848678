package dev.stoker.pipeline;

import dev.stoker.api.SampleFailure;
import java.lang.foreign.MemorySegment;

/** What the decode stage emits, in epoch order: a processed sample, a failure, or an epoch's end. */
sealed interface SampleResult {
  /**
   * A sample whose output pixels and kept boxes sit in a pooled buffer that the receiver must give
   * back.
   */
  record Processed(int epoch, int index, int label, SampleBuffer buffer) implements SampleResult {
    /** The output pixels. */
    MemorySegment pixels() {
      return buffer.pixels();
    }

    /** The boxes the transforms kept, before any truncation to the layout's {@code maxBoxes}. */
    int boxCount() {
      return buffer.boxCount;
    }
  }

  /** A sample that failed, as a value. */
  record Failed(SampleFailure failure) implements SampleResult { }

  /** Marks the end of an epoch so that the last partial batch is published. */
  record EpochEnd(int epoch) implements SampleResult { }
}
