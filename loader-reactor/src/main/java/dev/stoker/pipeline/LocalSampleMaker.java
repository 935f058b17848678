package dev.stoker.pipeline;

import dev.stoker.api.SampleSource;
import dev.stoker.image.TransformPlan;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.Arrays;

/** A {@link SampleMaker} over the same {@link SampleStage} a local loader runs. */
final class LocalSampleMaker implements SampleMaker {
  private final SampleSource source;
  private final SampleStage stage;
  private final long sampleBytes;

  LocalSampleMaker(LoaderBuilder b) {
    this.source = b.source;
    TransformPlan plan = TransformPlan.compile(b.transforms);
    this.stage = SampleStage.build(b, plan, new PipelineMetrics(b.meterRegistry, b.listTime, b.threads), true);
    this.sampleBytes = plan.sampleBytes();
  }

  @Override
  public long sampleBytes() {
    return sampleBytes;
  }

  @Override
  public int boxCapacity() {
    return source.hasBoxes() ? source.maxBoxCount() : 0;
  }

  @Override
  public ProcessedSample process(int epoch, int index, MemorySegment pixels) throws Exception {
    ByteBuffer bytes = source.read(index);
    ProcessedSample done = stage.process(epoch, index, bytes);
    try {
      MemorySegment.copy(done.pixels(), 0, pixels, 0, sampleBytes);
      int count = done.boxCount();
      return new ProcessedSample(epoch, index, done.label(), pixels, Arrays.copyOf(done.boxes(), 4 * count),
          Arrays.copyOf(done.boxLabels(), count), count, ProcessedSample.NOTHING_TO_RELEASE);
    } finally {
      done.release();
    }
  }

  @Override
  public String sourceName(int index) {
    return source.sourceName(index);
  }

  @Override
  public String decoderName() {
    return stage.processor().decoderName();
  }
}
