package dev.stoker.remote.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.luben.zstd.Zstd;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The node's compressor: a frame only when it saves enough, declaring its content size, never larger than raw. */
class SampleCompressorTest {
  private static final int SAMPLE = 32 * 32 * 3;

  private static byte[] smooth(int n) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) (i / 97);
    }
    return b;
  }

  @Test
  void compress_smoothPixels_oneFrameDeclaringTheSizeThatDecodesToThem() {
    byte[] raw = smooth(SAMPLE);
    ByteBuf pixels = ByteBufAllocator.DEFAULT.directBuffer(SAMPLE).writeBytes(raw);
    try (SampleCompressor zstd = new SampleCompressor(1)) {
      ByteBuf frame = zstd.compress(pixels, ByteBufAllocator.DEFAULT);
      try {
        assertThat(frame).isNotNull();
        assertThat(frame.readableBytes()).isLessThan(SAMPLE - SAMPLE / SampleCompressor.MIN_SAVING_FRACTION);
        byte[] bytes = new byte[frame.readableBytes()];
        frame.getBytes(0, bytes);
        assertThat(Zstd.getFrameContentSize(bytes)).isEqualTo(SAMPLE);
        assertThat(Zstd.decompress(bytes, SAMPLE)).isEqualTo(raw);
        assertThat(pixels.readableBytes()).as("the raw pixels are left as they are").isEqualTo(SAMPLE);
      } finally {
        frame.release();
      }
    } finally {
      pixels.release();
    }
  }

  @Test
  void compress_heapPixels_sameFrameAsDirect() {
    byte[] raw = smooth(SAMPLE);
    try (SampleCompressor zstd = new SampleCompressor(1)) {
      ByteBuf input = Unpooled.directBuffer(SAMPLE).writeBytes(raw);
      ByteBuf heap = zstd.compress(Unpooled.wrappedBuffer(raw), ByteBufAllocator.DEFAULT);
      ByteBuf direct = zstd.compress(input, ByteBufAllocator.DEFAULT);
      try {
        assertThat(heap).isEqualTo(direct);
      } finally {
        input.release();
        heap.release();
        direct.release();
      }
    }
  }

  @Test
  void compress_noise_nullSoTheSampleTravelsRaw() {
    byte[] noise = new byte[SAMPLE];
    new Random(1).nextBytes(noise);
    ByteBuf pixels = Unpooled.directBuffer(SAMPLE).writeBytes(noise);
    try (SampleCompressor zstd = new SampleCompressor(1)) {
      assertThat(zstd.compress(pixels, ByteBufAllocator.DEFAULT)).isNull();
    } finally {
      pixels.release();
    }
  }

  @Test
  void compress_afterClose_nullRatherThanACrash() {
    ByteBuf pixels = Unpooled.directBuffer(SAMPLE).writeBytes(smooth(SAMPLE));
    SampleCompressor zstd = new SampleCompressor(1);
    ByteBuf before = zstd.compress(pixels, ByteBufAllocator.DEFAULT);
    assertThat(before).isNotNull(); // the control: this thread's context worked
    before.release();
    zstd.close();
    assertThat(zstd.compress(pixels, ByteBufAllocator.DEFAULT)).isNull();
    pixels.release();
  }

  @Test
  void compress_negativeLevel_alsoAFrame() {
    ByteBuf pixels = Unpooled.directBuffer(SAMPLE).writeBytes(smooth(SAMPLE));
    try (SampleCompressor zstd = new SampleCompressor(-5)) {
      ByteBuf frame = zstd.compress(pixels, ByteBufAllocator.DEFAULT);
      assertThat(frame).isNotNull();
      frame.release();
    } finally {
      pixels.release();
    }
  }
}
