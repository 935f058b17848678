package dev.stoker.pipeline;

import dev.stoker.api.ImageDecoder;
import dev.stoker.api.SampleSource;
import dev.stoker.image.ImageDecoders;
import dev.stoker.image.SampleProcessor;
import dev.stoker.image.TransformPlan;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.Arrays;

/** A {@link SampleWorker} over the same stage a local loader runs. */
final class LocalSampleWorker implements SampleWorker {
  private final SampleSource source;
  private final SampleStage stage;
  private final SampleBufferPool pool;
  private final SampleProcessor processor;

  LocalSampleWorker(LoaderBuilder b) {
    this.source = b.source;
    TransformPlan plan = TransformPlan.compile(b.transforms);
    ImageDecoder decoder = b.decoder != null ? b.decoder : ImageDecoders.best();
    PipelineMetrics metrics = new PipelineMetrics(b.meterRegistry, b.listTime);
    this.processor = new SampleProcessor(decoder, plan, metrics);
    BoxedProcess boxed = !source.hasBoxes() ? null : b.boxedProcess != null ? b.boxedProcess : processor::process;
    this.pool = new SampleBufferPool(processor.sampleBytes(), source.hasBoxes() ? source.maxBoxCount() : 0);
    this.stage = new SampleStage(source, processor, boxed, pool, b.seed);
  }

  @Override
  public long sampleBytes() {
    return processor.sampleBytes();
  }

  @Override
  public int boxCapacity() {
    return source.hasBoxes() ? source.maxBoxCount() : 0;
  }

  @Override
  public WorkedSample process(int epoch, int index, MemorySegment pixels) throws Exception {
    ByteBuffer bytes = source.read(index);
    SampleResult.Processed done = stage.process(epoch, index, bytes);
    try {
      MemorySegment.copy(done.pixels(), 0, pixels, 0, processor.sampleBytes());
      SampleBuffer buffer = done.buffer();
      int count = buffer.boxCount;
      return new WorkedSample(index, done.label(), count, Arrays.copyOf(buffer.boxes, 4 * count),
          Arrays.copyOf(buffer.boxLabels, count));
    } finally {
      pool.release(done.buffer());
    }
  }

  @Override
  public String sourceName(int index) {
    return source.sourceName(index);
  }

  @Override
  public String decoderName() {
    return processor.decoderName();
  }
}
