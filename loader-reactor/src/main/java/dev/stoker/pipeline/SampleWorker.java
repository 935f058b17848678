package dev.stoker.pipeline;

import java.lang.foreign.MemorySegment;

/**
 * Processes single samples exactly as a {@link Loader} with the same settings would, for a
 * data-server node that serves them to remote loaders. Thread-safe: call from any number of
 * worker threads. Build one with {@link LoaderBuilder#buildWorker()}.
 *
 * <pre>{@code
 * SampleWorker worker = Loader.builder().source(source).transforms(plan.transforms()).seed(plan.seed()).buildWorker();
 * WorkedSample s = worker.process(epoch, index, pixelsOut);   // pixelsOut: worker.sampleBytes() bytes
 * }</pre>
 */
public interface SampleWorker {
  /** Bytes of one sample's output pixels. */
  long sampleBytes();

  /** The largest number of boxes a sample can carry (0 for a source without boxes). */
  int boxCapacity();

  /**
   * Reads, decodes and transforms sample {@code index} of {@code epoch} into {@code pixels}.
   *
   * @throws Exception why the sample failed (report it with the sample's name)
   */
  WorkedSample process(int epoch, int index, MemorySegment pixels) throws Exception;

  /** The name of sample {@code index} for error reports, e.g. its path relative to the dataset. */
  String sourceName(int index);

  /** The name of the decoder in use. */
  String decoderName();
}
