package dev.stoker.pipeline;

import dev.stoker.api.CacheStats;
import dev.stoker.api.ImageDecoder;
import dev.stoker.decode.ImageDecoders;
import dev.stoker.image.TransformPlan;
import java.lang.foreign.MemorySegment;
import reactor.core.publisher.Flux;

/**
 * Samples processed elsewhere, by a {@link SampleSupplier}: the supplier gets the loader's plan once,
 * here, and each epoch's results are copied into pooled buffers as they arrive, so that the rest
 * of the loader treats them exactly as samples processed locally. Nothing is decoded here; the
 * decoder only names itself in the run summary, as it would for a local run.
 */
final class SuppliedSamples extends SampleOrigin {
  private final SampleSupplier supplier;
  private final ImageDecoder decoder;
  private final PipelineMetrics metrics;

  SuppliedSamples(LoaderBuilder b, TransformPlan plan, PipelineMetrics metrics) {
    super(new SampleBufferPool(plan.sampleBytes(), b.supplier.hasBoxes() ? b.supplier.maxBoxCount() : 0));
    this.supplier = b.supplier;
    this.decoder = b.decoder != null ? b.decoder : ImageDecoders.best();
    this.metrics = metrics;
    supplier.configure(new SupplyPlan(b.transforms, b.seed));
  }

  @Override
  int size() {
    return supplier.size();
  }

  @Override
  boolean hasBoxes() {
    return supplier.hasBoxes();
  }

  @Override
  int maxBoxCount() {
    return supplier.maxBoxCount();
  }

  @Override
  String description() {
    return supplier.description();
  }

  @Override
  boolean supplied() {
    return true;
  }

  @Override
  String decoderName() {
    return decoder.name();
  }

  @Override
  long decoderWarnings() {
    return decoder.warnings();
  }

  @Override
  CacheStats cacheStats() {
    return CacheStats.NONE;
  }

  @Override
  Flux<EpochItem> samples(int epoch, int[] order, int from) {
    return supplier.samples(epoch, order, from)
        .map(result -> received(epoch, result))
        .doOnDiscard(ProcessedSample.class, ProcessedSample::release);
  }

  /**
   * A supplier's result as the decode stage would have made it: copied into a pooled buffer (the
   * supplier's sample is released either way).
   */
  private EpochItem received(int epoch, SampleResult result) {
    return switch (result) {
      case SampleResult.Failed failed -> {
        metrics.failed();
        yield failed;
      }
      case ProcessedSample sample -> {
        SampleBuffer buffer = pool().acquire();
        try {
          MemorySegment.copy(sample.pixels(), 0, buffer.pixels(), 0, buffer.pixels().byteSize());
          int count = Math.min(sample.boxCount(), buffer.boxCapacity());
          System.arraycopy(sample.boxes(), 0, buffer.boxes, 0, 4 * count);
          System.arraycopy(sample.boxLabels(), 0, buffer.boxLabels, 0, count);
          buffer.boxCount = count;
        } catch (RuntimeException e) {
          buffer.release();
          throw e;
        } finally {
          sample.release();
        }
        yield buffer.sample(epoch, sample.index(), sample.label());
      }
    };
  }

  @Override
  void stop() {
    // nothing runs here: the supplier's threads stop when the run's subscription is cancelled
  }

  @Override
  boolean awaitStopped(long seconds) {
    return true;
  }
}
