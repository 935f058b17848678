package dev.stoker.remote.client;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdDecompressCtx;
import dev.stoker.remote.protocol.Protocol;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.ByteBuffer;

/**
 * Turns a SAMPLE's zstd frame ({@link Protocol#ENCODING_ZSTD}) back into the session's
 * {@code sampleBytes} of pixels, trusting nothing in it: the frame may be at most
 * {@code sampleBytes} long, its header must declare a content size of exactly {@code sampleBytes}
 * (read from the header before anything is allocated; a frame without one is refused), the frame
 * must be the whole payload, and it decompresses into one buffer of exactly {@code sampleBytes}, so
 * a frame that would decode to more (a decompression bomb) fails when the buffer is full instead of
 * growing it. One-shot decompression writes straight into that buffer: zstd allocates no window for
 * it, whatever window the frame header names. Confined to the session's event loop; one context,
 * reused, freed by {@link #close()}.
 *
 * <pre>{@code
 * PixelDecoder zstd = new PixelDecoder();
 * String wrong = zstd.check(frame, sampleBytes);            // null: the header is acceptable
 * ByteBuf pixels = alloc.directBuffer(sampleBytes, sampleBytes);
 * wrong = zstd.decode(frame, pixels);                       // null: pixels holds sampleBytes bytes
 * }</pre>
 */
final class PixelDecoder implements AutoCloseable {
  /** The longest zstd frame header (ZSTD_FRAMEHEADERSIZE_MAX). */
  static final int MAX_HEADER_BYTES = 18;

  private final ZstdDecompressCtx ctx = new ZstdDecompressCtx();
  private final byte[] header = new byte[MAX_HEADER_BYTES];
  private boolean closed;

  /**
   * Why {@code frame} cannot decode to this session's pixels, judged from its length and header
   * alone, or null if it may; allocates nothing.
   *
   * @param frame the SAMPLE's pixel bytes (readable bytes), not consumed
   * @param sampleBytes the session's sample size
   */
  String check(ByteBuf frame, long sampleBytes) {
    int length = frame.readableBytes();
    if (length > sampleBytes) {
      return "SAMPLE.pixelBytes " + length + " of a zstd frame, more than the raw " + sampleBytes
          + " (a sample that does not shrink travels raw)";
    }
    int n = Math.min(length, MAX_HEADER_BYTES);
    frame.getBytes(frame.readerIndex(), header, 0, n);
    long declared;
    try {
      declared = Zstd.getFrameContentSize(header, 0, n);
    } catch (RuntimeException e) {
      declared = -2;
    }
    if (declared == -1) { // ZSTD_CONTENTSIZE_UNKNOWN
      return "SAMPLE pixels: the zstd frame does not declare its content size";
    }
    if (declared < 0) { // ZSTD_CONTENTSIZE_ERROR: not a zstd frame header
      return "SAMPLE pixels: not a zstd frame";
    }
    if (declared != sampleBytes) {
      return "SAMPLE pixels: the zstd frame declares " + declared + " bytes, not the " + sampleBytes
          + " this plan makes";
    }
    return null;
  }

  /**
   * Decompresses {@code frame} into {@code pixels} (writable from index 0, capacity exactly
   * {@code sampleBytes}); why it failed, or null with {@code pixels} holding {@code sampleBytes}
   * bytes. Call after {@link #check} accepted the frame.
   *
   * @param frame the SAMPLE's pixel bytes, not consumed
   * @param pixels the output, a direct buffer of the session's sample size
   * @param alloc where a direct copy of {@code frame} comes from if it is not one contiguous direct buffer
   */
  String decode(ByteBuf frame, ByteBuf pixels, ByteBufAllocator alloc) {
    if (closed) {
      return "SAMPLE pixels: the session is closed";
    }
    int length = frame.readableBytes();
    int sampleBytes = pixels.capacity();
    ByteBuf copy = null;
    try {
      ByteBuf src = frame;
      if (!frame.isDirect() || frame.nioBufferCount() != 1) {
        copy = alloc.directBuffer(length, length).writeBytes(frame, frame.readerIndex(), length);
        src = copy;
      }
      ByteBuffer in = src.nioBuffer(src.readerIndex(), length);
      ByteBuffer out = pixels.nioBuffer(0, sampleBytes);
      long frameBytes = Zstd.findDirectByteBufferFrameCompressedSize(in, in.position(), length);
      if (Zstd.isError(frameBytes) || frameBytes != length) {
        return "SAMPLE pixels: " + (Zstd.isError(frameBytes) ? "a broken zstd frame (" + Zstd.getErrorName(frameBytes)
            + ")" : "the zstd frame is " + frameBytes + " of the " + length + " bytes sent (one frame, nothing after it)");
      }
      int decoded = ctx.decompressDirectByteBuffer(out, out.position(), sampleBytes, in, in.position(), length);
      if (decoded != sampleBytes) {
        return "SAMPLE pixels: the zstd frame decodes to " + decoded + " bytes, not " + sampleBytes;
      }
      pixels.writerIndex(sampleBytes);
      return null;
    } catch (RuntimeException e) { // ZstdException: corrupt data, or more than sampleBytes of content
      return "SAMPLE pixels: the zstd frame does not decode to " + sampleBytes + " bytes ("
          + (e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName()) + ")";
    } finally {
      if (copy != null) {
        copy.release();
      }
    }
  }

  /** Frees the zstd context. Idempotent. */
  @Override
  public void close() {
    if (!closed) {
      closed = true;
      ctx.close();
    }
  }
}
