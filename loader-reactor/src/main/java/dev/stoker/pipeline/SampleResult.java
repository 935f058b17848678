package dev.stoker.pipeline;

import dev.stoker.api.SampleFailure;

/**
 * What became of one position of an epoch's sequence: the {@link ProcessedSample}, or the sample's
 * failure as a value in its place. A {@link SampleSupplier} emits one per position, in order, and
 * so does the loader's own decode stage.
 *
 * <pre>{@code
 * switch (result) {
 *   case ProcessedSample s -> { copy(s.pixels()); s.release(); }
 *   case SampleResult.Failed f -> log(f.failure().describe());
 * }
 * }</pre>
 */
public sealed interface SampleResult permits ProcessedSample, SampleResult.Failed {
  /**
   * A sample that could not be processed.
   *
   * @param failure which sample, its name and why
   */
  record Failed(SampleFailure failure) implements SampleResult, EpochItem { }
}
