package dev.stoker.pipeline;

import dev.stoker.api.SampleFailure;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

/**
 * A {@link SampleSupplier} standing in for remote nodes: it makes each sample of
 * {@link FakeSamples.Source} with a {@link SampleMaker} built from the loader's plan (so the bytes
 * are a local loader's), on a thread of its own, sleeping {@code pauseMillis} before each one, as
 * a slow node or link would. Demand is honoured: nothing is made before it is asked for.
 */
final class PacedSupplier implements SampleSupplier {
  private final FakeSamples.Source source;
  private final long pauseMillis;
  private SampleMaker maker;
  final AtomicInteger supplied = new AtomicInteger();

  PacedSupplier(int size, long pauseMillis) {
    this.source = new FakeSamples.Source(size);
    this.pauseMillis = pauseMillis;
  }

  @Override
  public void configure(SupplyPlan plan) {
    maker = Loader.builder().source(source).decoder(new FakeSamples.Decoder()).transforms(plan.transforms())
        .seed(plan.seed()).buildMaker();
  }

  @Override
  public Flux<SampleResult> samples(int epoch, int[] order, int from) {
    return Flux.<SampleResult, Integer>generate(() -> from, (k, sink) -> {
      if (k == order.length) {
        sink.complete();
        return k;
      }
      sleep(pauseMillis);
      sink.next(make(epoch, order[k]));
      return k + 1;
    }).subscribeOn(Schedulers.boundedElastic());
  }

  private SampleResult make(int epoch, int index) {
    MemorySegment pixels = Arena.ofAuto().allocate(maker.sampleBytes());
    try {
      ProcessedSample s = maker.process(epoch, index, pixels);
      supplied.incrementAndGet();
      return s;
    } catch (Exception e) {
      return new SampleResult.Failed(new SampleFailure(epoch, index, maker.sourceName(index), e));
    }
  }

  private static void sleep(long millis) {
    if (millis <= 0) {
      return;
    }
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public int size() {
    return source.size();
  }

  @Override
  public List<String> classes() {
    return source.classes();
  }

  @Override
  public boolean hasBoxes() {
    return false;
  }

  @Override
  public int maxBoxCount() {
    return 0;
  }

  @Override
  public String description() {
    return "paced " + source.description();
  }
}
