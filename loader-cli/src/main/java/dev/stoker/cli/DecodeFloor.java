package dev.stoker.cli;

import dev.stoker.api.DecodeRequest;
import dev.stoker.api.ImageBuffer;
import dev.stoker.api.ImageDecoder;
import dev.stoker.api.ImageHeader;
import dev.stoker.api.SampleSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicLong;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * The full-decode floor: every image of a source decoded in full (no region, no scaling, no
 * transform) on {@code threads} workers. What a loader that decodes everything could at best do on
 * these cores; the bench compares against it.
 */
final class DecodeFloor {
  private DecodeFloor() {}

  /** Decodes every image {@code epochs} times and returns images per second. */
  static double imagesPerSecond(SampleSource source, ImageDecoder decoder, int threads, int epochs) {
    ThreadLocal<ImageBuffer> buffers = ThreadLocal.withInitial(() -> ImageBuffer.allocate(1 << 20));
    Scheduler workers = Schedulers.newParallel("stoker-floor", threads, true);
    AtomicLong failed = new AtomicLong();
    try {
      long start = System.nanoTime();
      long decoded = Flux.range(0, source.size() * epochs)
          .parallel(threads)
          .runOn(workers, 16)
          .map(i -> decode(source, decoder, i % source.size(), buffers.get(), failed))
          .sequential()
          .reduce(0L, Long::sum)
          .block();
      return decoded / ((System.nanoTime() - start) / 1e9);
    } finally {
      workers.dispose();
    }
  }

  private static long decode(SampleSource source, ImageDecoder decoder, int index, ImageBuffer buffer, AtomicLong failed) {
    try {
      ByteBuffer bytes = source.read(index);
      String name = source.sourceName(index);
      ImageHeader header = decoder.readHeader(bytes, name);
      decoder.decode(bytes, DecodeRequest.full(header), buffer, name);
      return 1;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (RuntimeException e) {
      failed.incrementAndGet();
      return 0;
    }
  }
}
