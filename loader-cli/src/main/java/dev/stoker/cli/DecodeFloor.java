package dev.stoker.cli;

import dev.stoker.api.DecodeRequest;
import dev.stoker.api.ImageBuffer;
import dev.stoker.api.ImageDecoder;
import dev.stoker.api.ImageHeader;
import dev.stoker.api.SampleSource;
import dev.stoker.decode.ImageDecoders;
import dev.stoker.image.NativeImageDecoder;
import dev.stoker.image.NativeImageLibrary;
import dev.stoker.image.RawImage;
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
 * these cores; the bench compares against it. Measured twice with the native decoder: with the
 * decoder the bench used (its own entropy decoders), and with libjpeg-turbo's own Huffman decoding
 * ({@link NativeImageDecoder#withLibjpegEntropy()}), the floor of a loader that decodes everything
 * with libjpeg-turbo.
 */
final class DecodeFloor {
  private DecodeFloor() {}

  /**
   * The native decoder with libjpeg-turbo's own Huffman decoding, where {@code decoder} is the
   * native one ({@code libjpeg-turbo}); else null (ImageIO has no such choice).
   */
  static ImageDecoder libjpegReference(ImageDecoder decoder) {
    if (!"libjpeg-turbo".equals(decoder.name()) || NativeImageLibrary.unavailableReason() != null) {
      return null;
    }
    return RawImage.accepting(new NativeImageDecoder(NativeImageLibrary.get(), ImageDecoders.DEFAULT_MAX_PIXELS, false)
        .withLibjpegEntropy());
  }

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
