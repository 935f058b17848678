package dev.stoker.image;

import dev.stoker.api.internal.Checks;
import dev.stoker.api.DecodeException;
import dev.stoker.api.DecodeRequest;
import dev.stoker.api.ImageBuffer;
import dev.stoker.api.ImageDecoder;
import dev.stoker.api.ImageHeader;
import dev.stoker.api.Region;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

/**
 * A decoder that decodes {@link RawImage}s itself (a region is a row-by-row copy, never scaled)
 * and hands everything else to the decoder it wraps. Thread-safe and stateless, as its delegate.
 */
final class RawAwareDecoder implements ImageDecoder {
  private final ImageDecoder delegate;

  RawAwareDecoder(ImageDecoder delegate) {
    this.delegate = Checks.notNull(delegate, "delegate");
  }

  @Override
  public String name() {
    return delegate.name();
  }

  @Override
  public ImageHeader readHeader(ByteBuffer encoded, String source) {
    Checks.notNull(encoded, "encoded");
    return RawImage.isRaw(encoded) ? RawImage.readHeader(encoded, source) : delegate.readHeader(encoded, source);
  }

  @Override
  public void decode(ByteBuffer encoded, DecodeRequest request, ImageBuffer destination, String source) {
    Checks.notNull(encoded, "encoded");
    if (!RawImage.isRaw(encoded)) {
      delegate.decode(encoded, request, destination, source);
      return;
    }
    Checks.notNull(request, "request");
    Checks.notNull(destination, "destination");
    ImageHeader header = RawImage.readHeader(encoded, source);
    Region region = request.region();
    if (!region.fitsIn(header.width(), header.height())) {
      throw new DecodeException(source, "region " + region + " outside raw image " + header.width() + "x"
          + header.height());
    }
    MemorySegment pixels = MemorySegment.ofBuffer(encoded);
    MemorySegment out = destination.reshape(region.width(), region.height(), 3);
    long rowBytes = (long) region.width() * 3;
    long sourceStride = (long) header.width() * 3;
    long first = RawImage.HEADER_BYTES + (long) region.y() * sourceStride + (long) region.x() * 3;
    if (region.x() == 0 && region.width() == header.width()) {
      MemorySegment.copy(pixels, first, out, 0, rowBytes * region.height());
      return;
    }
    for (int r = 0; r < region.height(); r++) {
      MemorySegment.copy(pixels, first + r * sourceStride, out, r * rowBytes, rowBytes);
    }
  }

  @Override
  public long warnings() {
    return delegate.warnings();
  }

  @Override
  public String toString() {
    return "RawAwareDecoder[" + delegate + "]";
  }
}
