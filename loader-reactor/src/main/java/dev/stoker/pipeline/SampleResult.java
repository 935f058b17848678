package dev.stoker.pipeline;

import dev.stoker.api.SampleFailure;
import java.lang.foreign.MemorySegment;

/** What the decode stage emits, in epoch order: a processed sample, a failure, or an epoch's end. */
sealed interface SampleResult {
  /** A sample whose output pixels sit in a pooled buffer that the receiver must give back. */
  record Processed(int epoch, int index, int label, MemorySegment pixels) implements SampleResult { }

  /** A sample that failed, as a value. */
  record Failed(SampleFailure failure) implements SampleResult { }

  /** Marks the end of an epoch so that the last partial batch is published. */
  record EpochEnd(int epoch) implements SampleResult { }
}
