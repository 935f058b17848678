package dev.stoker.image;

import dev.stoker.api.DecodeRequest;
import dev.stoker.api.ImageBuffer;
import dev.stoker.api.ImageDecoder;
import dev.stoker.api.ImageHeader;
import java.nio.ByteBuffer;

/**
 * Adds up the time spent in a decoder since the last {@link #reset()}. One per worker thread (not
 * thread-safe); it lets the processor tell decoding from the rest of a sample without the renderer
 * knowing.
 */
final class TimedDecoder implements ImageDecoder {
  private final ImageDecoder decoder;
  private long nanos;

  TimedDecoder(ImageDecoder decoder) {
    this.decoder = decoder;
  }

  /** Starts a new sample's count; returns this. */
  TimedDecoder reset() {
    nanos = 0;
    return this;
  }

  /** Nanoseconds spent in the decoder since the last reset. */
  long nanos() {
    return nanos;
  }

  @Override
  public String name() {
    return decoder.name();
  }

  @Override
  public ImageHeader readHeader(ByteBuffer encoded, String source) {
    long start = System.nanoTime();
    try {
      return decoder.readHeader(encoded, source);
    } finally {
      nanos += System.nanoTime() - start;
    }
  }

  @Override
  public void decode(ByteBuffer encoded, DecodeRequest request, ImageBuffer destination, String source) {
    long start = System.nanoTime();
    try {
      decoder.decode(encoded, request, destination, source);
    } finally {
      nanos += System.nanoTime() - start;
    }
  }

  @Override
  public long warnings() {
    return decoder.warnings();
  }
}
