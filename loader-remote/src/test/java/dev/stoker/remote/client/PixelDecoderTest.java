package dev.stoker.remote.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A zstd SAMPLE frame from a node is trusted for nothing: its header must declare exactly the
 * session's sample size (checked before the output is allocated), it must be one whole frame, and
 * it decodes into one buffer of exactly the sample size, which a frame claiming less than it holds
 * (a bomb) cannot grow.
 */
class PixelDecoderTest {
  private static final int SAMPLE = 24 * 24 * 3;
  private final PixelDecoder decoder = new PixelDecoder();
  private final ByteBufAllocator alloc = ByteBufAllocator.DEFAULT;

  @AfterEach
  void close() {
    decoder.close();
  }

  /** Smooth pixels, as a resized image's are: they compress. */
  static byte[] pixels(int n, long seed) {
    Random random = new Random(seed);
    byte[] b = new byte[n];
    int v = 0;
    for (int i = 0; i < n; i++) {
      v += random.nextInt(3) - 1;
      b[i] = (byte) v;
    }
    return b;
  }

  static byte[] zstd(byte[] raw, boolean contentSize) {
    try (ZstdCompressCtx ctx = new ZstdCompressCtx().setLevel(1).setContentSize(contentSize)) {
      return ctx.compress(raw);
    }
  }

  private static ByteBuf direct(byte[] bytes) {
    return Unpooled.directBuffer(bytes.length).writeBytes(bytes);
  }

  /** check, then (if accepted) decode into a buffer of exactly SAMPLE bytes: the reason, or null. */
  private String decode(ByteBuf frame, byte[] expected) {
    try {
      String wrong = decoder.check(frame, SAMPLE);
      if (wrong != null) {
        return wrong;
      }
      ByteBuf out = alloc.directBuffer(SAMPLE, SAMPLE);
      try {
        wrong = decoder.decode(frame, out, alloc);
        assertThat(out.capacity()).as("the output never grows").isEqualTo(SAMPLE);
        if (wrong == null && expected != null) {
          byte[] got = new byte[SAMPLE];
          out.getBytes(0, got);
          assertThat(got).isEqualTo(expected);
        }
        return wrong;
      } finally {
        out.release();
      }
    } finally {
      frame.release();
    }
  }

  @Test
  void decode_frameOfTheSampleSize_sameBytesAsRaw() {
    byte[] raw = pixels(SAMPLE, 1);
    byte[] frame = zstd(raw, true);
    assertThat(frame.length).isLessThan(SAMPLE);
    assertThat(decode(direct(frame), raw)).isNull();
  }

  @Test
  void decode_heapFrame_copiedToDirectAndSameBytes() {
    byte[] raw = pixels(SAMPLE, 2);
    assertThat(decode(Unpooled.wrappedBuffer(zstd(raw, true)), raw)).isNull();
  }

  @Test
  void decode_contextReusedOverManyFrames_eachSameBytes() {
    for (int seed = 0; seed < 20; seed++) {
      byte[] raw = pixels(SAMPLE, seed);
      assertThat(decode(direct(zstd(raw, true)), raw)).isNull();
    }
  }

  @Test
  void check_frameDeclaresOneByteLess_refusedNamingBothSizes() {
    byte[] frame = zstd(pixels(SAMPLE - 1, 3), true);
    assertThat(decode(direct(frame), null))
        .isEqualTo("SAMPLE pixels: the zstd frame declares " + (SAMPLE - 1) + " bytes, not the " + SAMPLE
            + " this plan makes");
  }

  @Test
  void check_frameDeclaresFarMore_refusedBeforeAllocating() {
    byte[] frame = zstd(new byte[SAMPLE * 1000], true); // zeros: a small frame declaring 1.7 MB
    assertThat(frame.length).isLessThan(SAMPLE);
    ByteBuf buf = direct(frame);
    try {
      assertThat(decoder.check(buf, SAMPLE)).contains("declares " + SAMPLE * 1000L + " bytes");
    } finally {
      buf.release();
    }
  }

  @Test
  void check_frameWithoutContentSize_refused() {
    byte[] frame = zstd(pixels(SAMPLE, 4), false);
    assertThat(Zstd.getFrameContentSize(frame)).isEqualTo(-1); // the control: zstd wrote no size
    assertThat(decode(direct(frame), null)).isEqualTo("SAMPLE pixels: the zstd frame does not declare its content size");
  }

  @Test
  void check_garbage_refusedAsNotZstd() {
    byte[] garbage = new byte[500];
    new Random(5).nextBytes(garbage);
    assertThat(decode(direct(garbage), null)).isEqualTo("SAMPLE pixels: not a zstd frame");
  }

  @Test
  void check_emptyAndTruncatedHeaders_refused() {
    byte[] frame = zstd(pixels(SAMPLE, 6), true);
    assertThat(decode(Unpooled.buffer(0), null)).isEqualTo("SAMPLE pixels: not a zstd frame");
    assertThat(decode(direct(java.util.Arrays.copyOf(frame, 5)), null)).isEqualTo("SAMPLE pixels: not a zstd frame");
  }

  @Test
  void check_frameLongerThanTheRawSample_refused() {
    byte[] noise = new byte[SAMPLE];
    new Random(7).nextBytes(noise);
    byte[] frame = zstd(noise, true); // incompressible: the frame is longer than the pixels
    assertThat(frame.length).isGreaterThan(SAMPLE);
    assertThat(decode(direct(frame), null)).startsWith("SAMPLE.pixelBytes " + frame.length + " of a zstd frame");
  }

  @Test
  void decode_bombDeclaringTheSampleSize_refusedWithoutGrowingTheOutput() {
    byte[] frame = zstd(new byte[SAMPLE * 4], true);
    // forge the header: the frame holds 4 samples' worth but declares one
    int fhd = frame[4] & 0xFF;
    assertThat(fhd >>> 6).as("a 2-byte content size field (size - 256)").isEqualTo(1);
    assertThat(fhd & 0x20).as("single segment: no window descriptor").isNotZero();
    int at = 5 + new int[] {0, 1, 2, 4}[fhd & 3];
    frame[at] = (byte) (SAMPLE - 256);
    frame[at + 1] = (byte) ((SAMPLE - 256) >>> 8);
    assertThat(Zstd.getFrameContentSize(frame)).isEqualTo(SAMPLE); // the check cannot see through it
    assertThat(decode(direct(frame), null)).startsWith("SAMPLE pixels: the zstd frame does not decode to " + SAMPLE);
  }

  @Test
  void decode_aSecondFrameAfterTheFirst_refused() {
    byte[] raw = pixels(SAMPLE, 8);
    byte[] first = zstd(raw, true);
    byte[] second = zstd(new byte[SAMPLE], true);
    ByteBuf both = Unpooled.directBuffer().writeBytes(first).writeBytes(second);
    assertThat(both.readableBytes()).isLessThanOrEqualTo(SAMPLE);
    assertThat(decode(both, null)).isEqualTo("SAMPLE pixels: the zstd frame is " + first.length + " of the "
        + (first.length + second.length) + " bytes sent (one frame, nothing after it)");
  }

  @Test
  void decode_afterClose_refused() {
    byte[] raw = pixels(SAMPLE, 9);
    decoder.close();
    assertThat(decode(direct(zstd(raw, true)), raw)).isEqualTo("SAMPLE pixels: the session is closed");
  }
}
