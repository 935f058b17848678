package dev.stoker.remote.node;

import com.github.luben.zstd.ZstdCompressCtx;
import dev.stoker.remote.protocol.Protocol;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.ByteBuffer;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Compresses a sample's pixels into one zstd frame ({@link Protocol#ENCODING_ZSTD}) on the node's
 * worker threads, each with a zstd context of its own that it reuses (a context costs a few hundred
 * KiB of native memory and its setup is most of the time of a small frame). The frame declares its
 * content size (the client checks it against the session's {@code sampleBytes} before it
 * allocates anything) and carries no checksum (TCP and TLS already protect the bytes).
 *
 * <p>A sample that does not shrink by at least {@code 1/}{@link #MIN_SAVING_FRACTION} of its size
 * stays raw: {@link #compress} returns null and the caller sends the pixels as they are, so the
 * client never pays a decompression for nothing. The output buffer is at most the raw size.
 *
 * <pre>{@code
 * SampleCompressor zstd = new SampleCompressor(SampleCompressor.DEFAULT_LEVEL);
 * ByteBuf frame = zstd.compress(pixels, alloc);     // on a worker thread; null: send pixels raw
 * zstd.close();                                     // once the workers have stopped
 * }</pre>
 */
final class SampleCompressor implements AutoCloseable {
  /**
   * The zstd level: 1, the fastest of the regular levels. docs/wire-measurements.md has the
   * levels measured on processed samples; the system property {@code stoker.zstd.level}
   * overrides it (for such measurements).
   */
  static final int DEFAULT_LEVEL = 1;
  /** A compressed sample must save at least 1/32 (about 3 %) of the raw size, or it travels raw. */
  static final int MIN_SAVING_FRACTION = 32;

  private final int level;
  private final ThreadLocal<ZstdCompressCtx> contexts;
  private final Queue<ZstdCompressCtx> made = new ConcurrentLinkedQueue<>();

  SampleCompressor(int level) {
    this.level = level;
    this.contexts = ThreadLocal.withInitial(this::newContext);
  }

  /** The level from {@code -Dstoker.zstd.level}, else {@link #DEFAULT_LEVEL}. */
  static int configuredLevel() {
    return Integer.getInteger("stoker.zstd.level", DEFAULT_LEVEL);
  }

  int level() {
    return level;
  }

  private ZstdCompressCtx newContext() {
    ZstdCompressCtx ctx = new ZstdCompressCtx().setLevel(level).setChecksum(false).setContentSize(true);
    made.add(ctx);
    return ctx;
  }

  /**
   * The readable bytes of {@code pixels} as one zstd frame in a new buffer of {@code alloc}, or null
   * if they do not shrink enough (or the compressor is closed); {@code pixels} is left as it is.
   *
   * @param pixels the raw pixels, not consumed
   * @param alloc where the frame's buffer comes from
   * @return the frame (the caller owns it), or null to send the pixels raw
   */
  ByteBuf compress(ByteBuf pixels, ByteBufAllocator alloc) {
    int raw = pixels.readableBytes();
    int room = raw - raw / MIN_SAVING_FRACTION - 1;   // the frame must fit here to be worth it
    if (room <= 0) {
      return null;
    }
    ByteBuf out = alloc.directBuffer(room, room);
    try {
      ZstdCompressCtx ctx = contexts.get();
      int size;
      if (pixels.isDirect() && pixels.nioBufferCount() == 1 && out.nioBufferCount() == 1) {
        ByteBuffer src = pixels.nioBuffer(pixels.readerIndex(), raw);
        ByteBuffer dst = out.nioBuffer(0, room);
        size = ctx.compressDirectByteBuffer(dst, dst.position(), room, src, src.position(), raw);
      } else {
        byte[] src = new byte[raw];
        pixels.getBytes(pixels.readerIndex(), src);
        byte[] dst = new byte[room];
        size = ctx.compressByteArray(dst, 0, room, src, 0, raw);
        out.setBytes(0, dst, 0, size);
      }
      out.writerIndex(size);
      return out;
    } catch (RuntimeException e) { // the frame does not fit in room (or the compressor is closed): raw
      out.release();
      return null;
    }
  }

  /** Frees every thread's context; call once no worker compresses any more. */
  @Override
  public void close() {
    ZstdCompressCtx ctx;
    while ((ctx = made.poll()) != null) {
      try {
        ctx.close();
      } catch (IllegalStateException inUse) {
        // a worker that outlived the pool's shutdown still holds it: the process is ending anyway
      }
    }
  }
}
