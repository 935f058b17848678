package dev.stoker.pipeline;

import java.lang.foreign.MemorySegment;

/**
 * Makes single processed samples on request, exactly as a {@link Loader} with the same settings
 * would (read, decode, augment, move the boxes), for a data-server node that serves them to remote
 * loaders. Thread-safe: call from any number of the caller's threads. Build one with
 * {@link LoaderBuilder#buildMaker()}.
 *
 * <p>Named a maker rather than a worker: in this package the decode <em>workers</em> are the
 * loader's thread pool ({@code DecodeWorkers}); this is not a thread or a pool, it is what a
 * node's own threads call to make one sample.
 *
 * <pre>{@code
 * SampleMaker maker = Loader.builder().source(source).transforms(plan.transforms()).seed(plan.seed()).buildMaker();
 * ProcessedSample s = maker.process(epoch, index, pixelsOut);   // pixelsOut: maker.sampleBytes() bytes
 * }</pre>
 */
public interface SampleMaker {
  /**
   * Bytes of one sample's output pixels.
   *
   * @return the bytes {@link #process} writes into {@code pixels}
   */
  long sampleBytes();

  /**
   * The largest number of boxes a sample can carry (0 for a source without boxes).
   *
   * @return the most boxes per sample, 0 or more
   */
  int boxCapacity();

  /**
   * Reads, decodes and transforms sample {@code index} of {@code epoch} into {@code pixels}. The
   * result's pixels are {@code pixels}, which stay the caller's: its release does nothing.
   *
   * @param epoch the epoch, which seeds the sample's random choices with the index
   * @param index the sample's dataset index
   * @param pixels receives the output pixels, at least {@link #sampleBytes()} bytes
   * @return the processed sample: its pixels, label and boxes
   * @throws Exception why the sample failed (report it with the sample's name)
   */
  ProcessedSample process(int epoch, int index, MemorySegment pixels) throws Exception;

  /**
   * The name of sample {@code index} for error reports, e.g. its path relative to the dataset.
   *
   * @param index the sample's dataset index
   * @return the sample's name
   */
  String sourceName(int index);

  /**
   * The name of the decoder in use.
   *
   * @return the decoder's name
   */
  String decoderName();
}
